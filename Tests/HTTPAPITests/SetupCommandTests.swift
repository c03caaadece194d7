import Commands
import Domain
import Foundation
import HTTPAPI
import HTTPTypes
import Ledger
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("HTTP API: set-up commands — programmes, rule sets, providers, staff")
struct SetupCommandTests {
    /// Every route of SetupRoutes and ResidentRoutes with the roles of its group (AccessPolicy.mayIssue).
    static let routes: [(path: String, roles: Set<APIRole>)] = {
        let id = UUID().uuidString.lowercased()
        let setUp: Set<APIRole> = [.servicesOrganiser, .director]
        let intake: Set<APIRole> = [.intakeClerk, .coordinator]
        let qualification: Set<APIRole> = [.coordinator, .intakeClerk, .servicesOrganiser, .director]
        let programme = ["", "/services", "/fee-rules", "/county-agreements", "/amendments", "/end"]
        let provider = [
            "", "/engagements", "/capacity-changes", "/engagement-amendments", "/engagement-ends", "/suspensions",
        ]
        let person = [
            "/target-group-attributes", "/household-memberships", "/household-membership-ends", "/representatives",
            "/consents", "/consent-withdrawals", "/rectifications",
        ]
        let application = [
            "/forwarding", "/assessment-appointments", "/assessments", "/qualifications", "/waitlisting",
            "/waitlist-promotions", "/refusals", "/appeals", "/appeal-resolutions", "/withdrawal",
        ]
        return programme.map { ("/v1/programmes/\(id)" + $0, setUp) } + [("/v1/rule-sets/publications", setUp)]
            + provider.map { ("/v1/providers/\(id)" + $0, setUp) }
            + ["/qualifications", "/delegations", "/revocations"].map { ("/v1/staff/\(id)" + $0, [.director]) }
            + person.map { ("/v1/persons/\(id)" + $0, intake) } + [("/v1/persons/\(id)/erasure", [.director])]
            + application.map { ("/v1/applications/\(id)" + $0, qualification) }
    }()

    @Test("A centre set up over HTTP: each command appends, its retry answers the original; the end of a programme")
    func setUpCentre() async throws {
        let fixture = try await APIFixture(generate: false)
        let script = try CentreScript(fixture)
        let organiser = script.organiser
        try await fixture.test { client in
            try await script.run(client)
            let provider = "/v1/providers/\(script.provider)"
            let engagement = #""engagementId":"\#(script.engagement)""#
            try await client.command(
                provider + "/capacity-changes", token: organiser,
                json:
                    #"{\#(engagement),"serviceId":"\#(script.service)","capacity":{"unitsPerMonth":80},"effectiveFrom":"2025-05-01"}"#
            )
            // Numbers reach the event as sent: beyond Int64 exactly, and a fraction is no count of units (a fraction
            // too small for a Double, as in 80.00000000000000001, is 80 to JSONDecoder: it reads numbers as Doubles).
            let huge: UInt64 = 9_223_372_036_854_775_809
            try await client.command(
                provider + "/capacity-changes", token: organiser,
                json:
                    #"{\#(engagement),"serviceId":"\#(script.service)","capacity":{"unitsPerMonth":\#(huge)},"effectiveFrom":"2025-05-02"}"#
            )
            let recorded = try fixture.events("provider").compactMap { _, event -> UInt64? in
                guard case .providerCapacityChanged(let changed) = event else { return nil }
                return changed.capacity.unitsPerMonth
            }
            #expect(recorded.last == huge)
            let fraction = try await client.send(
                .post, provider + "/capacity-changes", token: organiser,
                json:
                    #"{\#(engagement),"serviceId":"\#(script.service)","capacity":{"unitsPerMonth":80.5},"effectiveFrom":"2025-05-03"}"#,
                headers: [CommandTests.key()])
            #expect(fraction.status == .badRequest, "\(fraction.text)")
            try await client.command(
                provider + "/engagement-amendments", token: organiser,
                json: #"{\#(engagement),"unitRate":4800,"reason":"Waloryzacja","effectiveFrom":"2025-06-01"}"#)
            try await client.command(
                provider + "/suspensions", token: organiser,
                json: #"{"reason":"Kontrola","effectiveFrom":"2025-07-01","until":"2025-07-14"}"#)
            try await client.command(
                provider + "/engagement-ends", token: organiser,
                json: #"{\#(engagement),"reason":"Koniec umowy","effectiveFrom":"2025-12-01"}"#)
            try await client.command(
                "/v1/staff/\(script.organiserID)/revocations", token: script.director,
                json:
                    #"{"delegationId":"\#(script.delegation)","effectiveFrom":"2025-04-01","reason":"Zmiana zakresu"}"#
            )
            let ended = try await client.command(
                "/v1/programmes/\(script.programme)/end", token: organiser,
                json: #"{"resolutionRef":"XX/1/2025","endDate":"2026-06-30","reason":"Uchwała rady"}"#)
            #expect(ended["stream"] as? String == "programme-\(script.programme)")
            #expect(ended["eventCount"] as? Int == 1)
            let programme = try fixture.server.services.facts.programme(#require(ProgrammeID(script.programme)))
            #expect(programme.isEnded)
            #expect(programme.services[script.service] != nil)
        }
    }

    @Test("Rule-set publication: the rule book's version once (a retry under a new key answers it), unknown is 422")
    func ruleSetPublication() async throws {
        let fixture = try await APIFixture(generate: false)
        let organiser = try fixture.token(.servicesOrganiser)
        let version = try #require(fixture.server.configuration.ruleBook.ruleSets.first).ruleSetVersion
        let body = #"{"ruleSetVersion":"\#(version)"}"#
        try await fixture.test { client in
            let published = try await client.command("/v1/rule-sets/publications", token: organiser, json: body)
            #expect(published["eventCount"] as? Int == 1)
            #expect((published["stream"] as? String)?.hasPrefix("ruleset-") == true)
            let again = try await client.send(
                .post, "/v1/rule-sets/publications", token: organiser, json: body, headers: [CommandTests.key()])
            #expect(again.status == .created)
            #expect(try again.object()["lastPosition"] as? Int == published["lastPosition"] as? Int)
            try await client.refused(
                "/v1/rule-sets/publications", token: organiser, json: #"{"ruleSetVersion":"cus-act/1999-01-01.9"}"#,
                code: "unknown-rule-set")
            let malformed = try await client.send(
                .post, "/v1/rule-sets/publications", token: organiser, json: #"{"ruleSetVersion":"no-slash"}"#,
                headers: [CommandTests.key()])
            #expect(malformed.status == .badRequest)
            #expect(try fixture.server.services.ledger.treeSize() == 1)
        }
    }

    @Test("Rules refuse set-up commands with 422 and their code: L4, an unadopted programme, the actor, L3, L21")
    func refusals() async throws {
        let fixture = try await APIFixture(generate: false)
        let script = try CentreScript(fixture)
        let other = CentreScript.newID()
        try await fixture.test { client in
            let withoutDate = CentreScript.adoption.replacingOccurrences(
                of: #""resolutionDate":"2024-12-01","#, with: "")
            try await client.refused(
                "/v1/programmes/\(other)", token: script.organiser, json: withoutDate, code: "resolution-missing")
            try await client.refused(
                "/v1/programmes/\(other)", token: script.director, json: CentreScript.adoption, code: "not-permitted")
            try await client.refused(
                "/v1/programmes/\(other)/services", token: script.organiser, json: script.serviceDefinition,
                code: "programme-not-adopted")
            try await client.command("/v1/programmes/\(other)", token: script.organiser, json: CentreScript.adoption)
            try await client.refused(
                "/v1/programmes/\(other)/services", token: script.organiser,
                json: script.serviceDefinition.replacingOccurrences(of: #""gmina""#, with: #""county""#),
                code: "county-task-without-agreement")
            try await client.refused(
                "/v1/providers/\(other)/suspensions", token: script.organiser,
                json: #"{"reason":"x","effectiveFrom":"2025-07-01"}"#, code: "provider-not-registered")
            try await client.refused(
                "/v1/staff/\(other)/qualifications", token: script.director,
                json: #"{"role":"coordinator","validFrom":"2025-01-01","qualification":"praca socjalna"}"#,
                code: "coordinator-requirements-missing")
            try await client.refused(
                "/v1/staff/\(other)/revocations", token: script.director,
                json: #"{"delegationId":"\#(other)","effectiveFrom":"2025-04-01","reason":"x"}"#,
                code: "delegation-not-active")
            #expect(try fixture.server.services.ledger.treeSize() == 2)  // the rule set's publication, the adoption
        }
    }

    @Test("Every set-up and resident route: a role outside its group is 403 before the body is read")
    func forbidden() async throws {
        let fixture = try await APIFixture(generate: false)
        try await fixture.test { client in
            for role in APIRole.allCases {
                let token = try fixture.token(role)
                for route in Self.routes where !route.roles.contains(role) {
                    let response = try await client.send(
                        .post, route.path, token: token, json: "{", headers: [CommandTests.key()])
                    #expect(response.status == .forbidden, "\(role) \(route.path)")
                }
            }
            #expect(try fixture.server.services.ledger.treeSize() == 0)
        }
    }

    @Test("Every set-up and resident route: an empty object or a non-object is 400 naming the problem")
    func badBodies() async throws {
        let fixture = try await APIFixture(generate: false)
        try await fixture.test { client in
            for route in Self.routes {
                let token = try fixture.token(try #require(route.roles.first))
                for body in ["{}", "[]", #"{"validFrom":7}"#] {
                    let response = try await client.send(
                        .post, route.path, token: token, json: body, headers: [CommandTests.key()])
                    #expect(response.status == .badRequest, "\(route.path) \(body): \(response.text)")
                    let detail = try response.object()["detail"] as? String ?? ""
                    #expect(detail.hasPrefix("$.") || detail == "the body has the wrong type", "\(route.path)")
                }
            }
            let badPath = try await client.send(
                .post, "/v1/programmes/not-a-uuid/services", token: try fixture.token(.servicesOrganiser),
                json: "{}", headers: [CommandTests.key()])
            #expect(badPath.status == .notFound)
            #expect(try fixture.server.services.ledger.treeSize() == 0)
        }
    }
}
