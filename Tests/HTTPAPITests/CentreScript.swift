import Foundation
import HTTPAPI
import HTTPTypes
import HummingbirdTesting
import Testing

/// A centre set up through the API alone (domain.md §4.2, §4.3, §4.10), on an empty ledger: the director
/// qualifies the organiser and a coordinator and delegates, the organiser adopts a programme with a service, a
/// fee rule and a county agreement, amends it, and registers and engages a provider. Every command is sent
/// twice under one Idempotency-Key (`command`), so each also proves its replay.
struct CentreScript {
    let fixture: APIFixture
    let organiser: String
    let director: String
    let programme = CentreScript.newID()
    let provider = CentreScript.newID()
    let engagement = CentreScript.newID()
    let agreement = CentreScript.newID()
    let delegation = CentreScript.newID()
    let service = "OPI-1"

    init(_ fixture: APIFixture) throws {
        self.fixture = fixture
        organiser = try fixture.token(.servicesOrganiser)
        director = try fixture.token(.director)
    }

    static func newID() -> String { UUID().uuidString.lowercased() }

    var coordinatorID: String { fixture.subject(of: .coordinator).uuidString.lowercased() }
    var organiserID: String { fixture.subject(of: .servicesOrganiser).uuidString.lowercased() }

    static let coordinatorEvidence =
        #""qualification":"praca socjalna","experienceYears":5,"trainingRef":"SZK-1","criminalRecordStatementRef":"KRK-1""#

    static let adoption =
        #"{"title":"Program usług społecznych","resolutionRef":"XII/120/2024","resolutionDate":"2024-12-01","journalRef":"Dz.Urz.Woj.2024.1234","effectiveFrom":"2025-01-01","effectiveTo":"2026-12-31","feeRegime":"charged","targetGroups":["seniors"]}"#

    var serviceDefinition: String {
        #"{"serviceId":"\#(service)","name":"Usługi opiekuńcze","area":"socialAssistance","statutoryBasis":"art. 2 ust. 2","taskOwner":"gmina","unit":"hour","addresseeType":"person","material":false,"requiresPlan":true,"targetGroups":["seniors"],"limits":{"maxPersons":5}}"#
    }

    /// Runs the whole set-up; every step is 201 and its retry the same answer.
    func run(_ client: some TestClientProtocol) async throws {
        let staff = "/v1/staff/"
        try await client.command(
            staff + organiserID + "/qualifications", token: director,
            json: #"{"role":"servicesOrganiser","validFrom":"2025-01-01"}"#)
        try await client.command(
            staff + coordinatorID + "/qualifications", token: director,
            json: #"{"role":"coordinator","validFrom":"2025-01-01",\#(Self.coordinatorEvidence)}"#)
        try await client.command(
            staff + organiserID + "/delegations", token: director,
            json: #"{"delegationId":"\#(delegation)","scope":"signRefusals","validFrom":"2025-01-01"}"#)
        let path = "/v1/programmes/" + programme
        try await client.command(path, token: organiser, json: Self.adoption)
        try await client.command(path + "/services", token: organiser, json: serviceDefinition)
        try await client.command(
            path + "/fee-rules", token: organiser,
            json:
                #"{"feeRuleId":"FR-1","serviceIds":["\#(service)"],"rate":1000,"incomeTiers":[{"incomeFrom":0,"feePercent":0}],"exemptionRules":[],"effectiveFrom":"2025-01-01"}"#
        )
        try await client.command(
            path + "/county-agreements", token: organiser,
            json:
                #"{"agreementId":"\#(agreement)","agreementRef":"POR-1/2025","county":"powiat warszawski","serviceIds":["\#(service)"],"validFrom":"2025-01-01"}"#
        )
        try await client.command(
            "/v1/providers/" + provider, token: organiser,
            json:
                #"{"name":"Fundacja Opieka","providerType":"ngo","regon":"123456789","contactPersons":[{"name":"Anna Kowalska","phone":"+48 22 1234567"}]}"#
        )
        try await client.command(
            "/v1/providers/\(provider)/engagements", token: organiser,
            json:
                #"{"engagementId":"\#(engagement)","programmeId":"\#(programme)","mode":"ngoEntrusted","serviceIds":["\#(service)"],"unitRate":4500,"capacity":{"unitsPerMonth":100},"validFrom":"2025-04-01"}"#
        )
        try await client.command(
            path + "/amendments", token: organiser,
            json:
                #"{"resolutionRef":"XV/200/2025","resolutionDate":"2025-03-01","journalRef":"Dz.Urz.Woj.2025.99","effectiveFrom":"2025-03-15","effectiveTo":"2026-12-31","changes":"Nowe kryteria","reason":"Zmiana potrzeb"}"#
        )
    }
}

extension TestClientProtocol {
    /// Posts a command and expects 201; then sends it again under the same Idempotency-Key and expects the same
    /// answer, marked `Idempotent-Replayed`. Returns the answer.
    @discardableResult
    func command(_ path: String, token: String, json: String) async throws -> [String: Any] {
        let key = ("Idempotency-Key", UUID().uuidString.lowercased())
        let first = try await send(.post, path, token: token, json: json, headers: [key])
        #expect(first.status == .created, "\(path): \(first.text)")
        let retry = try await send(.post, path, token: token, json: json, headers: [key])
        #expect(retry.status == .created && retry.text == first.text, "\(path): \(retry.text)")
        #expect(HTTPField.Name("Idempotent-Replayed").flatMap { retry.headers[$0] } == "true", "\(path)")
        return try first.object()
    }

    /// Posts a command a rule refuses: 422 with the rule's code, and nothing appended.
    func refused(_ path: String, token: String, json: String, code: String) async throws {
        let response = try await send(
            .post, path, token: token, json: json, headers: [("Idempotency-Key", UUID().uuidString.lowercased())])
        #expect(response.status == .unprocessableContent, "\(path): \(response.text)")
        #expect(try response.problemCode() == code, "\(path): \(response.text)")
    }
}
