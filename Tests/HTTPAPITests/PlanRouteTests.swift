import Commands
import Domain
import Foundation
import HTTPAPI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import Testing

@Suite("HTTP API: plan commands (assignment and the IPUS lifecycle)")
struct PlanRouteTests {
    /// An approved, active plan of the generated CUS that started by 2025-04-01, with its state.
    static func activePlan(_ fixture: APIFixture) throws -> (PlanID, PlanState) {
        let approved = try fixture.events("plan").compactMap { _, event -> PlanID? in
            guard case .planApproved(let approved) = event else { return nil }
            return approved.planId
        }
        let april = LocalDate(daysSinceEpoch: 20_179)  // 2025-04-01
        for plan in approved {
            let state = try fixture.facts.plan(plan)
            if state.status == .active, let period = state.period, period.lowerBound <= april,
                period.upperBound > APIFixture.today, state.coordinatorId != nil
            {
                return (plan, state)
            }
        }
        throw CommandError(.invalidRequest, "the generated CUS has no active plan")
    }

    static func send(
        _ client: some TestClientProtocol, _ plan: PlanID, _ path: String, token: String, _ json: String,
        key: (String, String) = CommandTests.key()
    ) async throws -> TestResponse {
        try await client.send(.post, "/v1/plans/\(plan)/\(path)", token: token, json: json, headers: [key])
    }

    @Test(
        "A new plan on a qualified application: assign, draft, agree, approve, review, update, suspend, resume, reassign, terminate, summary"
    )
    func lifecycle() async throws {
        let fixture = try await APIFixture()
        let (_, state) = try Self.activePlan(fixture)
        let application = try #require(state.applicationId)
        let person = try #require(state.personRef)
        let programme = try #require(state.programmeId)
        let period = try #require(state.period)
        let coordinators = fixture.staff.filter { $0.role == .coordinator }.map(\.id)
        let (first, second) = (coordinators[0], coordinators[1])
        let director = try fixture.token(.director)
        let coordinator = try fixture.token(.coordinator, for: first)
        let plan = PlanID(uuid: UUID())
        let items = String(decoding: try JSONEncoder().encode(state.items), as: UTF8.self)
        try await fixture.test { client in
            let assign =
                #"{"applicationId":"\#(application)","personRef":"\#(person)","coordinatorId":"\#(first)","fromDate":"2025-04-01"}"#
            #expect(try await Self.send(client, plan, "coordinator", token: coordinator, assign).status == .notFound)
            let assigned = try await client.recorded("/v1/plans/\(plan)/coordinator", token: director, json: assign)
            #expect(try assigned.object()["stream"] as? String == "plan-\(plan)")
            let draft =
                #"{"applicationId":"\#(application)","programmeId":"\#(programme)","items":\#(items),"start":"\#(period.lowerBound)","end":"\#(period.upperBound)","goals":[{"goalId":"g1","description":"Samodzielne zakupy."}]}"#
            try await client.recorded("/v1/plans/\(plan)/draft", token: coordinator, json: draft)
            let agree = #"{"planVersion":1,"agreedBy":"\#(person)","agreedOn":"2025-04-10","signatureRef":"Podpis"}"#
            try await client.recorded("/v1/plans/\(plan)/agreement", token: coordinator, json: agree)
            let approval = #"{"lateReason":"Długie oczekiwanie na opinię lekarza."}"#
            let byCoordinator = try await Self.send(client, plan, "approval", token: coordinator, approval)
            #expect(byCoordinator.status == .unprocessableContent, "\(byCoordinator.text)")
            try await client.recorded("/v1/plans/\(plan)/approval", token: director, json: approval)
            let steps: [(String, String)] = [
                (
                    "reviews",
                    #"{"reviewedOn":"2025-04-18","mode":"homeVisit","goalProgress":[{"goalId":"g1","status":"onTrack"}]}"#
                ),
                (
                    "update",
                    #"{"items":\#(items),"start":"\#(period.lowerBound)","end":"\#(period.upperBound)","changes":"Inna pora wizyt.","reason":"Prośba mieszkanki."}"#
                ),
                ("suspension", #"{"from":"2025-04-16","reason":"Pobyt w szpitalu."}"#),
                ("resumption", #"{"resumedOn":"2025-04-17"}"#),
            ]
            for (path, body) in steps {
                try await client.recorded("/v1/plans/\(plan)/\(path)", token: coordinator, json: body)
            }
            let reassign =
                #"{"previousCoordinatorId":"\#(first)","coordinatorId":"\#(second)","fromDate":"2025-04-17"}"#
            try await client.recorded("/v1/plans/\(plan)/reassignment", token: director, json: reassign)
            let successor = try fixture.token(.coordinator, for: second)
            let terminate = #"{"endDate":"2025-04-18","reason":"movedAway"}"#
            #expect(
                try await Self.send(client, plan, "early-termination", token: coordinator, terminate).status
                    == .notFound)
            try await client.recorded("/v1/plans/\(plan)/early-termination", token: successor, json: terminate)
            let summary =
                #"{"recordedOn":"2025-04-18","goalsSet":1,"goalAttainment":[{"goalId":"g1","result":"partly","attainmentScale":0}],"selfAssessment":3,"satisfaction":4}"#
            let summarised = try await client.recorded("/v1/plans/\(plan)/summary", token: successor, json: summary)
            #expect(try summarised.object()["streamVersion"] as? Int == 10)
        }
    }

    @Test("Suspend and resume an active plan: a retry replays, a rule refuses with 422, a bad body is 400")
    func suspension() async throws {
        let fixture = try await APIFixture()
        let (plan, state) = try Self.activePlan(fixture)
        let coordinator = try fixture.token(.coordinator, for: try #require(state.coordinatorId))
        try await fixture.test { client in
            let key = CommandTests.key()
            let body = #"{"from":"2025-04-10","to":"2025-04-30","reason":"Pobyt w sanatorium."}"#
            let first = try await Self.send(client, plan, "suspension", token: coordinator, body, key: key)
            #expect(first.status == .created, "\(first.text)")
            let retry = try await Self.send(client, plan, "suspension", token: coordinator, body, key: key)
            #expect(retry.status == .created && retry.text == first.text)
            #expect(retry.headers[try #require(HTTPField.Name("Idempotent-Replayed"))] == "true")
            let other = try await Self.send(
                client, plan, "suspension", token: coordinator, body.replacingOccurrences(of: "04-30", with: "05-31"),
                key: key)
            #expect(try other.problemCode() == "idempotency-key-reused")
            let again = try await Self.send(client, plan, "suspension", token: coordinator, body)
            #expect(again.status == .unprocessableContent)
            #expect(try again.problemCode() == "invalid-status")
            let resumed = try await Self.send(
                client, plan, "resumption", token: coordinator, #"{"resumedOn":"2025-04-17"}"#)
            #expect(resumed.status == .created, "\(resumed.text)")
            let early = try await Self.send(
                client, plan, "completion", token: coordinator, #"{"endDate":"2025-04-18"}"#)
            #expect(try early.problemCode() == "completed-before-end", "\(early.text)")
            try await client.recorded(
                "/v1/plans/\(plan)/completion", token: coordinator,
                json: #"{"endDate":"2025-04-18","beforeEnd":true,"goalStatus":"Cele osiągnięte wcześniej."}"#)
            let bad: [(String, String)] = [
                (#"{"from":"2025-04-10"}"#, "$.reason is required"),
                (#"{"from":"someday","reason":"x"}"#, "$.from is invalid"),
                (
                    #"{"from":"2025-04-10","reason":"x","personRef":"\#(UUID().uuidString.lowercased())"}"#,
                    "$.personRef does not match the resource the path names"
                ),
                // A number no parser can hold does not let an unchecked id through to the decoder.
                (
                    #"{"x":1e400,"from":"2025-04-10","reason":"x","personRef":"\#(UUID().uuidString.lowercased())"}"#,
                    "$.personRef does not match the resource the path names"
                ),
                // A key given twice: the check reads it as the typed decoding does.
                (
                    #"{"from":"2025-04-10","reason":"x","personRef":"\#(UUID().uuidString.lowercased())","personRef":"\#(UUID().uuidString.lowercased())"}"#,
                    "$.personRef does not match the resource the path names"
                ),
            ]
            for (json, detail) in bad {
                let response = try await Self.send(client, plan, "suspension", token: coordinator, json)
                #expect(response.status == .badRequest, "\(json)")
                #expect(try response.object()["detail"] as? String == detail, "\(json)")
            }
        }
    }

    @Test("Outside the caseload is 404 like a missing plan; roles outside the plan group are 403 before the body")
    func scopeAndRoles() async throws {
        let fixture = try await APIFixture()
        let (plan, state) = try Self.activePlan(fixture)
        let owner = try #require(state.coordinatorId)
        let stranger = try #require(fixture.staff.first { $0.role == .coordinator && $0.id != owner }?.id)
        let review = #"{"reviewedOn":"2025-04-15","mode":"phoneCall","goalProgress":[]}"#
        try await fixture.test { client in
            let foreign = try await Self.send(
                client, plan, "reviews", token: try fixture.token(.coordinator, for: stranger), review)
            let missing = try await Self.send(
                client, PlanID(uuid: UUID()), "reviews", token: try fixture.token(.coordinator, for: stranger), review)
            #expect(foreign.status == .notFound && missing.status == .notFound)
            #expect(foreign.text == missing.text)
            let unrecorded = try await Self.send(
                client, PlanID(uuid: UUID()), "suspension", token: try fixture.token(.director),
                #"{"from":"2025-04-10","reason":"x"}"#)
            #expect(unrecorded.status == .notFound, "only assignment and drafting start a plan")
            for role in APIRole.allCases where ![.coordinator, .servicesOrganiser, .director].contains(role) {
                let response = try await Self.send(client, plan, "reviews", token: try fixture.token(role), "{")
                #expect(response.status == .forbidden, "\(role)")
            }
            let organiser = try await Self.send(
                client, plan, "reviews", token: try fixture.token(.servicesOrganiser), review)
            #expect(try organiser.problemCode() == "not-permitted", "a review is the coordinator's (\(organiser.text))")
            let reviewed = try await Self.send(
                client, plan, "reviews", token: try fixture.token(.coordinator, for: owner), review)
            #expect(reviewed.status == .created, "\(reviewed.text)")
        }
    }
}
