import Commands
import Domain
import Foundation
import HTTPAPI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import Testing

@Suite("HTTP API: authorisation and delivery commands")
struct ServiceRouteTests {
    /// An active authorisation of `provider` and a day by 2025-04-18 on which it may be delivered.
    static func deliverable(_ fixture: APIFixture, provider: ProviderID) throws -> (ServiceAuthorised, LocalDate) {
        for (_, event) in try fixture.events("authorisation") {
            guard case .serviceAuthorised(let order) = event, order.providerId == provider else { continue }
            let state = try fixture.facts.state(
                AuthorisationDecider.self, of: try LedgerNames.stream(ServiceAuthorised.category, order.authorisationId)
            )
            let plan = try order.planId.flatMap { try fixture.facts.planFacts($0) }
            let day = (0..<60).map { LocalDate(daysSinceEpoch: 20_196 /* 2025-04-18 */).adding(days: -$0) }.first {
                day in
                state.status == .active && state.isActive(on: day)
                    && (order.planId == nil || plan?.isActive(on: day) == true)
            }
            if let day { return (order, day) }
        }
        throw CommandError(.invalidRequest, "the first provider has no deliverable authorisation")
    }

    /// An order without a plan and the application whose qualification it names.
    static func planlessOrder(_ fixture: APIFixture) throws -> (ServiceAuthorised, ApplicationID) {
        let qualifications = try fixture.events("application").compactMap { _, event -> QualificationGranted? in
            guard case .qualificationGranted(let granted) = event else { return nil }
            return granted
        }
        for (_, event) in try fixture.events("authorisation") {
            guard case .serviceAuthorised(let order) = event, order.planId == nil,
                let granted = qualifications.first(where: { $0.qualificationId == order.qualificationId })
            else { continue }
            return (order, granted.applicationId)
        }
        throw CommandError(.invalidRequest, "the generated CUS has no order without a plan")
    }

    static func send(
        _ client: some TestClientProtocol, _ authorisation: AuthorisationID, _ path: String, token: String,
        _ json: String, headers: [(String, String)] = [CommandTests.key()]
    ) async throws -> TestResponse {
        try await client.send(
            .post, "/v1/authorisations/\(authorisation)\(path)", token: token, json: json, headers: headers)
    }

    @Test(
        "Deliveries: the natural key makes Idempotency-Key optional and a resent report a replay; corrections, reversals, non-deliveries"
    )
    func deliveries() async throws {
        let fixture = try await APIFixture()
        let provider = try #require(fixture.providers.first)
        let (order, day) = try Self.deliverable(fixture, provider: provider)
        let id = order.authorisationId
        let staff = try fixture.token(.providerStaff)
        let report = #"{"deliveryId":"HTTP-1","deliveredOn":"\#(day)","units":1,"location":"Mieszkanie"}"#
        try await fixture.test { client in
            let first = try await Self.send(client, id, "/deliveries", token: staff, report, headers: [])
            #expect(first.status == .created, "\(first.text)")
            let natural = NaturalKeyCommandID.delivery(providerID: provider, deliveryID: "HTTP-1", businessDate: day)
            #expect(try first.object()["commandId"] as? String == natural.description)
            let resent = try await Self.send(client, id, "/deliveries", token: staff, report, headers: [])
            let keyed = try await Self.send(client, id, "/deliveries", token: staff, report)
            #expect(resent.text == first.text && keyed.text == first.text)
            #expect(resent.headers[try #require(HTTPField.Name("Idempotent-Replayed"))] == "true")
            let notUUID = try await Self.send(
                client, id, "/deliveries", token: staff, report, headers: [("Idempotency-Key", "report-1")])
            #expect(notUUID.status == .badRequest)
            let changed = try await Self.send(
                client, id, "/deliveries", token: staff,
                report.replacingOccurrences(of: #""units":1"#, with: #""units":2"#),
                headers: [])
            #expect(try changed.problemCode() == "idempotency-key-reused")
            let original = try fixture.eventID(at: first)
            let correction =
                #"{"originalEventId":"\#(original)","deliveredOn":"\#(day)","units":2,"reason":"Pomyłka w liczbie godzin."}"#
            try await client.recorded("/v1/authorisations/\(id)/delivery-corrections", token: staff, json: correction)
            let reversal = #"{"originalEventId":"\#(original)","reason":"Wizyta się nie odbyła."}"#
            try await client.recorded("/v1/authorisations/\(id)/delivery-reversals", token: staff, json: reversal)
            let twice = try await Self.send(client, id, "/delivery-reversals", token: staff, reversal)
            #expect(try twice.problemCode() == "delivery-already-reversed")
            let missed = #"{"deliveryId":"HTTP-2","date":"\#(day)","unitsPlanned":1,"reason":"residentAbsent"}"#
            try await client.recorded("/v1/authorisations/\(id)/non-deliveries", token: staff, json: missed)
            let future = try await Self.send(
                client, id, "/deliveries", token: staff,
                #"{"deliveryId":"HTTP-3","deliveredOn":"2025-06-30","units":1}"#, headers: [])
            #expect(try future.problemCode() == "delivery-in-future")
            let bad: [(String, String)] = [
                (#"{"deliveryId":"HTTP-4","deliveredOn":"\#(day)","units":"one"}"#, "$.units has the wrong type"),
                (#"{"deliveryId":"HTTP-4","units":1}"#, "$.deliveredOn is required"),
                (
                    #"{"deliveryId":"HTTP-4","deliveredOn":"\#(day)","units":1,"providerId":"\#(UUID().uuidString.lowercased())"}"#,
                    "$.providerId does not match the resource the path names"
                ),
            ]
            for (json, detail) in bad {
                let response = try await Self.send(client, id, "/deliveries", token: staff, json, headers: [])
                #expect(response.status == .badRequest, "\(json)")
                #expect(try response.object()["detail"] as? String == detail, "\(json)")
            }
        }
    }

    @Test("Provider staff see only their own provider's authorisations (404 like a missing one); other roles are 403")
    func deliveryScope() async throws {
        let fixture = try await APIFixture()
        let provider = try #require(fixture.providers.first)
        let (order, day) = try Self.deliverable(fixture, provider: provider)
        let other = try #require(fixture.providers.first { $0 != provider })
        let report = #"{"deliveryId":"HTTP-9","deliveredOn":"\#(day)","units":1}"#
        try await fixture.test { client in
            let foreign = try await Self.send(
                client, order.authorisationId, "/deliveries", token: try fixture.token(.providerStaff, for: other),
                report)
            let missing = try await Self.send(
                client, AuthorisationID(uuid: UUID()), "/deliveries",
                token: try fixture.token(.providerStaff, for: other), report)
            #expect(foreign.status == .notFound && missing.status == .notFound)
            #expect(foreign.text == missing.text)
            let unordered = try await Self.send(
                client, AuthorisationID(uuid: UUID()), "/deliveries", token: try fixture.token(.coordinator), report)
            #expect(unordered.status == .notFound, "only the order starts an authorisation")
            for role in APIRole.allCases where ![.providerStaff, .coordinator, .servicesOrganiser].contains(role) {
                let response = try await Self.send(
                    client, order.authorisationId, "/deliveries", token: try fixture.token(role), "{")
                #expect(response.status == .forbidden, "\(role)")
            }
            let caseload = try order.planId.flatMap { try fixture.facts.plan($0).coordinatorId }
            let byCoordinator = try await Self.send(
                client, order.authorisationId, "/deliveries",
                token: try fixture.token(.coordinator, subject: caseload?.uuid), report)
            #expect(try byCoordinator.problemCode() == "not-permitted", "deliveries are the provider's to report")
        }
    }

    @Test("Authorise, change and cancel an order: replay, refusals by rule, bad bodies, roles")
    func authorisations() async throws {
        let fixture = try await APIFixture()
        let (model, application) = try Self.planlessOrder(fixture)
        let coordinator = try fixture.token(.coordinator)
        let id = AuthorisationID(uuid: UUID())
        @Sendable func order(qualification: QualificationID = model.qualificationId) -> String {
            #"{"applicationId":"\#(application)","personRef":"\#(model.personRef)","programmeId":"\#(model.programmeId)","qualificationId":"\#(qualification)","serviceId":"\#(model.serviceId)","providerId":"\#(model.providerId)","engagementId":"\#(model.engagementId)","unitsAuthorised":4,"monthlyAllocation":[],"rate":\#(model.rate),"start":"2025-05-01","end":"2025-05-31"}"#
        }
        try await fixture.test { client in
            let key = CommandTests.key()
            let authorised = try await Self.send(client, id, "", token: coordinator, order(), headers: [key])
            #expect(authorised.status == .created, "\(authorised.text)")
            #expect(try authorised.object()["stream"] as? String == "authorisation-\(id)")
            let retry = try await Self.send(client, id, "", token: coordinator, order(), headers: [key])
            #expect(retry.text == authorised.text)
            let unqualified = try await Self.send(
                client, AuthorisationID(uuid: UUID()), "", token: coordinator,
                order(qualification: QualificationID(uuid: UUID())))
            #expect(try unqualified.problemCode() == "not-qualified")
            let noApplication = order().replacingOccurrences(of: #""applicationId":"\#(application)","#, with: "")
            let missing = try await Self.send(
                client, AuthorisationID(uuid: UUID()), "", token: coordinator, noApplication)
            #expect(try missing.object()["detail"] as? String == "$.applicationId is required")
            let change = #"{"unitsAuthorised":6,"start":"2025-05-01","end":"2025-05-31","reason":"Więcej wizyt."}"#
            // An order without a plan is its coordinator's: another coordinator finds nothing there.
            let another = try fixture.token(.coordinator, subject: UUID())
            for path in ["/change", "/cancellation"] {
                let elsewhere = try await Self.send(client, id, path, token: another, change)
                #expect(elsewhere.status == .notFound, "\(path): \(elsewhere.text)")
            }
            try await client.recorded("/v1/authorisations/\(id)/change", token: coordinator, json: change)
            let byOrganiser = try await Self.send(
                client, id, "/change", token: try fixture.token(.servicesOrganiser), change)
            #expect(try byOrganiser.problemCode() == "not-permitted")
            let cancel = #"{"effectiveFrom":"2025-05-15","reason":"Rezygnacja mieszkańca."}"#
            try await client.recorded("/v1/authorisations/\(id)/cancellation", token: coordinator, json: cancel)
            let again = try await Self.send(client, id, "/cancellation", token: coordinator, cancel)
            #expect(try again.problemCode() == "authorisation-cancelled")
            for role in APIRole.allCases where ![.coordinator, .servicesOrganiser, .director].contains(role) {
                let response = try await Self.send(client, id, "/cancellation", token: try fixture.token(role), "{")
                #expect(response.status == .forbidden, "\(role)")
            }
        }
    }
}
