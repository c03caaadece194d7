import Commands
import Domain
import Foundation
import HTTPAPI
import HTTPTypes
import Ledger
import Hummingbird
import HummingbirdTesting
import Testing
import Vault

@Suite("HTTP API: resident commands — person facts, qualification, appeals, withdrawal, erasure")
struct ResidentCommandTests {
    /// A centre from `CentreScript`, a registered resident and the tokens to act on them.
    struct Resident {
        let script: CentreScript
        let clerk: String
        let coordinator: String
        let person = CentreScript.newID()

        init(_ fixture: APIFixture) throws {
            script = try CentreScript(fixture)
            clerk = try fixture.token(.intakeClerk)
            coordinator = try fixture.token(.coordinator)
        }

        var personPath: String { "/v1/persons/\(person)" }

        func setUp(_ client: some TestClientProtocol) async throws {
            try await script.run(client)
            try await client.command("/v1/persons", token: clerk, json: CommandTests.registration(person))
        }

        /// Files a new application for the centre's programme and service; returns its path.
        func apply(_ client: some TestClientProtocol, filedAt: String = "2025-04-15") async throws -> String {
            let path = "/v1/applications/" + CentreScript.newID()
            try await client.command(
                path, token: clerk,
                json:
                    #"{"personRef":"\#(person)","applicantRole":"self","channel":"inPerson","programmeIds":["\#(script.programme)"],"requestedServiceIds":["\#(script.service)"],"filedAt":"\#(filedAt)","backdatingReason":"Wniosek z punktu zamiejscowego"}"#
            )
            return path
        }

        /// Schedules and holds the needs assessment of `application`.
        func assess(_ client: some TestClientProtocol, _ application: String) async throws {
            let assessment =
                #""personRef":"\#(person)","assessmentId":"\#(CentreScript.newID())","assessorId":"\#(script.coordinatorID)""#
            try await client.command(
                application + "/assessment-appointments", token: coordinator,
                json: #"{\#(assessment),"scheduledOn":"2025-04-16","place":"centre"}"#)
            try await client.command(
                application + "/assessments", token: coordinator,
                json:
                    #"{\#(assessment),"conductedOn":"2025-04-17","place":"placeOfStay","needs":[{"domain":"selfCare","description":"Pomoc w codziennych czynnościach"}],"summary":"Potrzebna pomoc"}"#
            )
        }
    }

    @Test("Person facts over HTTP: attribute, household, representative, consent, rectification; each once")
    func personFacts() async throws {
        let fixture = try await APIFixture(generate: false)
        let resident = try Resident(fixture)
        let clerk = resident.clerk
        let household = CentreScript.newID()
        try await fixture.test { client in
            try await resident.setUp(client)
            let path = resident.personPath
            try await client.command(
                path + "/target-group-attributes", token: clerk,
                json:
                    #"{"validFrom":"2025-04-01","usedForEligibility":true,"attribute":"senior60plus","evidenceRef":"ORZ-12"}"#
            )
            try await client.command(
                path + "/household-memberships", token: clerk,
                json: #"{"householdRef":"\#(household)","validFrom":"2025-04-01","role":"głowa gospodarstwa"}"#)
            let ended = #"{"householdRef":"\#(household)","validTo":"2025-04-10"}"#
            try await client.command(path + "/household-membership-ends", token: clerk, json: ended)
            try await client.refused(
                path + "/household-membership-ends", token: clerk, json: ended, code: "household-not-active")
            try await client.command(
                path + "/representatives", token: resident.coordinator,
                json:
                    #"{"representativeRef":"\#(CentreScript.newID())","kind":"legalRepresentative","validFrom":"2025-04-01","evidence":"Postanowienie sądu"}"#
            )
            let consent = CentreScript.newID()
            try await client.command(
                path + "/consents", token: clerk,
                json:
                    #"{"consentId":"\#(consent)","purpose":"contact","scope":"Kontakt telefoniczny","medium":"written","validFrom":"2025-04-01"}"#
            )
            try await client.command(
                path + "/consent-withdrawals", token: clerk,
                json: #"{"consentId":"\#(consent)","effectiveFrom":"2025-04-12"}"#)
            let rectified = try await client.command(
                path + "/rectifications", token: clerk,
                json: #"{"fieldNames":["phone"],"newValues":{"phone":"+48 600 100 200"},"reason":"Nowy numer"}"#)
            #expect(rectified["stream"] as? String == "person-\(resident.person)")
            // The fingerprint hashes the clear fields only: another personal value under the same key is the same
            // request (its original answer), another clear field is 422 idempotency-key-reused.
            let key = CommandTests.key()
            let rectification = #"{"fieldNames":["email"],"newValues":{"email":"a@b.pl"},"reason":"Nowy adres"}"#
            let first = try await client.send(
                .post, path + "/rectifications", token: clerk, json: rectification, headers: [key])
            let otherPersonal = try await client.send(
                .post, path + "/rectifications", token: clerk,
                json: rectification.replacingOccurrences(of: "a@b.pl", with: "c@d.pl"), headers: [key])
            #expect(first.status == .created && otherPersonal.text == first.text)
            let otherClear = try await client.send(
                .post, path + "/rectifications", token: clerk,
                json: rectification.replacingOccurrences(of: #"["email"]"#, with: #"["phone"]"#), headers: [key])
            #expect(try otherClear.problemCode() == "idempotency-key-reused")
            try await client.refused(
                path + "/rectifications", token: clerk,
                json: #"{"fieldNames":["email"],"newValues":{"phone":"+48 600 100 200"},"reason":"x"}"#,
                code: "rectified-fields-mismatch")
            try await client.refused(
                path + "/target-group-attributes", token: clerk,
                json: #"{"validFrom":"2025-04-01","usedForEligibility":true,"attribute":"dependent"}"#,
                code: "evidence-required")
            try await client.refused(
                "/v1/persons/\(CentreScript.newID())/consents", token: clerk,
                json: #"{"consentId":"\#(consent)","purpose":"contact","scope":"x","medium":"written"}"#,
                code: "not-registered")
            // The body may name the path's person (in any case) or leave it out; another id, or no id, is a 400.
            let named = #"{"consentId":"\#(CentreScript.newID())","purpose":"contact","scope":"x","medium":"written","#
            let upper = resident.person.description.uppercased()
            try await client.command(path + "/consents", token: clerk, json: named + #""personRef":"\#(upper)"}"#)
            for other in [CentreScript.newID().description, "not-a-uuid"] {
                let response = try await client.send(
                    .post, path + "/consents", token: clerk, json: named + #""personRef":"\#(other)"}"#,
                    headers: [CommandTests.key()])
                #expect(response.status == .badRequest, "\(other): \(response.text)")
                #expect(
                    try response.object()["detail"] as? String
                        == "$.personRef does not match the resource the path names")
            }
        }
    }

    @Test("An application over HTTP: forwarding, assessment, qualification in its queue; waitlist rules are 422")
    func qualification() async throws {
        let fixture = try await APIFixture(generate: false)
        let resident = try Resident(fixture)
        let (clerk, coordinator) = (resident.clerk, resident.coordinator)
        let programme = resident.script.programme
        try await fixture.test { client in
            try await resident.setUp(client)
            let consent = CentreScript.newID()
            try await client.command(
                resident.personPath + "/consents", token: clerk,
                json:
                    #"{"consentId":"\#(consent)","purpose":"forwardApplication","scope":"PCPR","medium":"written","validFrom":"2025-04-01"}"#
            )
            let application = try await resident.apply(client)
            let forwarding =
                #"{"personRef":"\#(resident.person)","targetUnit":"PCPR","scope":"Turnus","consentId":"\#(consent)","forwardedOn":"2025-04-16"}"#
            try await client.command(application + "/forwarding", token: clerk, json: forwarding)
            try await client.refused(
                application + "/forwarding", token: clerk,
                json: forwarding.replacingOccurrences(of: consent, with: CentreScript.newID()),
                code: "forwarding-consent-missing")
            let grant =
                #"{"qualificationId":"\#(CentreScript.newID())","programmeId":"\#(programme)","serviceIds":["\#(resident.script.service)"],"validFrom":"2025-04-18","groupMatched":["senior60plus"]}"#
            try await client.refused(
                application + "/qualifications", token: coordinator, json: grant, code: "not-assessed")
            try await resident.assess(client, application)
            try await client.refused(
                application + "/waitlisting", token: coordinator,
                json: #"{"programmeId":"\#(programme)","serviceIds":["\#(resident.script.service)"]}"#,
                code: "place-available")
            let promotion =
                #"{"qualificationId":"\#(CentreScript.newID())","programmeId":"\#(programme)","validFrom":"2025-04-18","groupMatched":[]}"#
            try await client.refused(
                application + "/waitlist-promotions", token: coordinator, json: promotion, code: "not-waitlisted")
            try await client.refused(
                application + "/qualifications", token: resident.script.organiser, json: grant, code: "not-permitted")
            let granted = try await client.command(application + "/qualifications", token: coordinator, json: grant)
            #expect(granted["eventCount"] as? Int == 1)
            let state = try fixture.server.services.facts.application(
                #require(ApplicationID(String(application.suffix(36)))))
            #expect(state.outcomes[try #require(ProgrammeID(programme))] != nil)
        }
    }

    @Test("Refusal by decision, its appeal and resolution; withdrawal; the signer's delegation is checked (L11)")
    func refusalAppealWithdrawal() async throws {
        let fixture = try await APIFixture(generate: false)
        let resident = try Resident(fixture)
        let programme = resident.script.programme
        try await fixture.test { client in
            try await resident.setUp(client)
            let application = try await resident.apply(client)
            let refusal =
                #"{"programmeId":"\#(programme)","decisionRef":"DEC-1/2025","decisionDate":"2025-04-18","legalBasis":"art. 5 ustawy","appealInstruction":"Odwołanie do SKO w 14 dni","reasons":"Nie należy do grupy docelowej"}"#
            try await client.refused(
                application + "/refusals", token: resident.coordinator, json: refusal, code: "signer-not-authorised")
            let appeal =
                #"{"personRef":"\#(resident.person)","decisionRef":"DEC-1/2025","appealBody":"SKO","appealedOn":"2025-04-18"}"#
            try await client.refused(
                application + "/appeals", token: resident.clerk, json: appeal, code: "no-refusal-to-appeal")
            let refused = try await client.command(
                application + "/refusals", token: resident.script.organiser, json: refusal)
            #expect(refused["eventCount"] as? Int == 1)
            try await client.command(application + "/appeals", token: resident.clerk, json: appeal)
            try await client.command(
                application + "/appeal-resolutions", token: resident.coordinator,
                json:
                    #"{"decisionRef":"DEC-1/2025","appealBody":"SKO","outcome":"upheld","appealDecisionRef":"SKO-7/2025","resolvedOn":"2025-04-18"}"#
            )
            let second = try await resident.apply(client, filedAt: "2025-04-16")
            try await client.command(
                second + "/withdrawal", token: resident.clerk,
                json: #"{"personRef":"\#(resident.person)","withdrawnOn":"2025-04-18","reason":"Rezygnacja"}"#)
            try await client.refused(
                second + "/forwarding", token: resident.clerk,
                json:
                    #"{"personRef":"\#(resident.person)","targetUnit":"PCPR","scope":"x","consentId":"\#(CentreScript.newID())","forwardedOn":"2025-04-18"}"#,
                code: "withdrawn")
        }
    }

    @Test("Erasure over HTTP: the director's receipt once, the keys destroyed; a second erasure is 422")
    func erasure() async throws {
        let fixture = try await APIFixture(generate: false)
        let resident = try Resident(fixture)
        let director = try fixture.token(.director)
        try await fixture.test { client in
            try await resident.setUp(client)
            let request = #"{"reason":"art17","legalBasisRef":"RODO art. 17","requestId":"\#(CentreScript.newID())"}"#
            let erased = try await client.command(resident.personPath + "/erasure", token: director, json: request)
            #expect(erased["stream"] as? String == "person-\(resident.person)")
            let subject = try #require(PersonRef(resident.person))
            #expect(try fixture.server.services.vault.keyIDs(of: UUID128(subject.uuid)).isEmpty)
            try await client.refused(
                resident.personPath + "/erasure", token: director, json: request, code: "already-erased")
            try await client.refused(
                resident.personPath + "/consent-withdrawals", token: resident.clerk,
                json: #"{"consentId":"\#(CentreScript.newID())","effectiveFrom":"2025-04-12"}"#, code: "erased")
        }
    }
}
