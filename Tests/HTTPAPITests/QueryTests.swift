import Commands
import Domain
import Foundation
import HTTPAPI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import Projections
import Testing

@Suite("HTTP API: views, pages, checkpoints, indicators")
struct QueryTests {
    @Test("Pages cover the view exactly once, each answer names its checkpoint, and page limits are enforced")
    func pagination() async throws {
        let fixture = try await APIFixture(limits: APILimits(pageRowsDefault: 7, pageRowsMax: 50))
        let token = try fixture.token(.director)
        let size = try fixture.server.services.ledger.treeSize()
        try await fixture.test { client in
            let everything = try await client.send(.get, "/v1/views/ApplicationQueue?limit=50", token: token).object()
            let total = try #require(everything["total"] as? Int)
            #expect(total > 7)
            #expect(everything["checkpoint"] as? Int == Int(size))
            var seen: [String] = []
            var offset: Int? = 0
            while let next = offset {
                let page = try await client.send(.get, "/v1/views/ApplicationQueue?offset=\(next)", token: token)
                    .object()
                #expect(page["limit"] as? Int == 7)
                let rows = try #require(page["rows"] as? [[String: Any]])
                seen += rows.map {
                    String(describing: $0["applicationId"] ?? "") + String(describing: $0["position"] ?? "")
                }
                offset = page["nextOffset"] as? Int
            }
            #expect(seen.count == total)
            let over = try await client.send(.get, "/v1/views/ApplicationQueue?limit=51", token: token)
            #expect(over.status == .contentTooLarge)
            #expect(try over.problemCode() == "limit-exceeded")
            let programme = try #require(fixture.programmes.first)
            let oldPeriod = try await client.send(
                .get, "/v1/programmes/\(programme)/indicators?from=0012-01-01&to=0467-02-01",
                token: try fixture.token(.evaluator))
            #expect(oldPeriod.status == .badRequest, "no rule set in force is the caller's problem, never a 500")
            let badQueries = [
                "limit=0", "limit=ten", "offset=-1", "today=yesterday", "minPosition=x", "key=not-a-uuid",
                "limit=%2B3", "offset=-0", "minPosition=%2B1", "limit=%203", "limit=3&limit=5000",
                "key=" + String(repeating: "a", count: 201),
            ]
            for bad in badQueries {
                let response = try await client.send(.get, "/v1/views/PlanStatusView?\(bad)", token: token)
                #expect(response.status == .badRequest, "\(bad)")
                #expect(try response.problemCode() == "invalid-request")
                #expect(!response.text.contains("yesterday") && !response.text.contains("not-a-uuid"))
            }
            #expect(try await client.send(.get, "/v1/views/NoSuchView", token: token).status == .notFound)
        }
    }

    @Test("minPosition waits for the projections, bounded: 503 not-yet-projected when they lag; beyond the ledger 400")
    func minPositionBounded() async throws {
        let fixture = try await APIFixture(limits: APILimits(minPositionWait: .milliseconds(200)))
        let token = try fixture.token(.director)
        let size = try fixture.server.services.ledger.treeSize()
        try await fixture.test { client in
            let caughtUp = try await client.send(
                .get, "/v1/views/PlanStatusView?limit=1&minPosition=\(size - 1)", token: token)
            #expect(caughtUp.status == .ok)
            let beyond = try await client.send(.get, "/v1/views/PlanStatusView?minPosition=\(size)", token: token)
            #expect(beyond.status == .badRequest)
            await fixture.server.engine.stop()
            let position = try await Self.register(client, fixture)
            let lagging = try await client.send(
                .get, "/v1/views/PlanStatusView?minPosition=\(position)", token: token)
            #expect(lagging.status == .serviceUnavailable)
            #expect(try lagging.problemCode() == "not-yet-projected")
            #expect(lagging.headers[.retryAfter] == "1")
        }
    }

    @Test(
        "A page answered after events its view skips keeps its rows under the newer checkpoint; a relevant event changes them"
    )
    func viewRowsFollowContent() async throws {
        let fixture = try await APIFixture()
        let clerk = try fixture.token(.intakeClerk)
        let programme = try #require(fixture.programmes.first)
        let service = try #require(
            try fixture.server.services.facts.programmeFacts(programme).services.keys.sorted().first)
        let path = "/v1/views/ApplicationQueue?key=\(programme)&limit=1000"
        try await fixture.test { client in
            let before = try await client.send(.get, path, token: clerk).object()
            let person = UUID().uuidString.lowercased()
            let registered = try await client.send(
                .post, "/v1/persons", token: clerk, json: CommandTests.registration(person),
                headers: [CommandTests.key()])
            let position = try #require(try registered.object()["lastPosition"] as? Int)
            let skipped = try await client.send(.get, path + "&minPosition=\(position)", token: clerk).object()
            #expect(try #require(skipped["checkpoint"] as? Int) > position)
            #expect(
                try JSONSerialization.data(withJSONObject: skipped["rows"] ?? [], options: .sortedKeys)
                    == JSONSerialization.data(withJSONObject: before["rows"] ?? [], options: .sortedKeys))

            let application = UUID().uuidString.lowercased()
            let submit =
                #"{"personRef":"\#(person)","applicantRole":"self","channel":"inPerson","programmeIds":["\#(programme)"],"requestedServiceIds":["\#(service)"],"filedAt":"2025-04-18"}"#
            let submitted = try await client.send(
                .post, "/v1/applications/\(application)", token: clerk, json: submit, headers: [CommandTests.key()])
            let submittedAt = try #require(try submitted.object()["lastPosition"] as? Int, "\(submitted.text)")
            let changed = try await client.send(.get, path + "&minPosition=\(submittedAt)", token: clerk)
            #expect(changed.text.contains(application))
            #expect(try changed.object()["total"] as? Int == (try #require(before["total"] as? Int)) + 1)
        }
    }

    @Test("Indicators: suppressed cells for evaluators, live and as of a size; other roles 403")
    func indicators() async throws {
        let fixture = try await APIFixture()
        let evaluator = try fixture.token(.evaluator)
        let programme = try #require(fixture.programmes.first)
        let size = try fixture.server.services.ledger.treeSize()
        let path = "/v1/programmes/\(programme)/indicators?from=2025-01-01&to=2025-05-01"
        try await fixture.test { client in
            let live = try await client.send(.get, path, token: evaluator).object()
            #expect(live["checkpoint"] as? Int == Int(size))
            let cells = try #require(live["indicators"] as? [[String: Any]])
            #expect(cells.contains { $0["id"] as? String == "R1" })
            #expect(cells.filter { $0["suppressed"] as? Bool == true }.allSatisfy { $0["value"] == nil })
            let unknown = try await client.send(
                .get, "/v1/programmes/\(UUID().uuidString.lowercased())/indicators?from=2025-01-01&to=2025-05-01",
                token: evaluator)
            #expect(unknown.status == .notFound, "a programme never adopted has no indicators, not zeros")
            let organiser = try fixture.token(.servicesOrganiser)
            let asOf = try await client.send(.get, path + "&asOfSize=\(size / 2)", token: organiser).object()
            #expect(asOf["checkpoint"] as? Int == Int(size / 2))
            for cutoff in ["asOfSize=\(size + 1)", "asOfSize=0", "asOf=0165-10-25"] {
                let response = try await client.send(.get, path + "&" + cutoff, token: organiser)
                #expect(response.status == .badRequest, "\(cutoff)")
            }
            for role in [APIRole.providerStaff, .coordinator, .intakeClerk, .operator, .financeOfficer] {
                let response = try await client.send(.get, path, token: try fixture.token(role))
                #expect(response.status == .forbidden, "\(role)")
            }
            let noPeriod = try await client.send(.get, "/v1/programmes/\(programme)/indicators", token: evaluator)
            #expect(noPeriod.status == .badRequest)
            // Monthly allocations, capacities and charges are per month: half a month would mix them (§6.1).
            let partial = try await client.send(
                .get, "/v1/programmes/\(programme)/indicators?from=2025-04-15&to=2025-05-15", token: evaluator)
            #expect(partial.status == .badRequest && partial.text.contains("whole months"), "\(partial.text)")
        }
    }

    @Test("An evaluator measures live or as of a month's last day: a ledger size or another day is 403 (ADR 0027)")
    func evaluatorCutoffs() async throws {
        let fixture = try await APIFixture()
        let evaluator = try fixture.token(.evaluator)
        let director = try fixture.token(.director)
        let path = try Self.indicatorsPath(fixture)
        let size = try fixture.server.services.ledger.treeSize()
        // The last day of the month the ledger's newest record was recorded in (cutoffs follow `recordedAt`).
        let newestEvent = try fixture.server.services.ledger.event(at: Position(size - 1))
        let newest = try #require(newestEvent).recordedAt
        let day = Instant(microsecondsSinceEpoch: newest.rawValue).localDate.components
        let first = try #require(LocalDate(year: day.year, month: day.month, day: 1))
        let monthEnd = first.adding(months: 1).adding(days: -1)
        try await fixture.test { client in
            let refusals = [
                "asOfSize=1", "asOfSize=\(size / 2)", "asOfSize=\(size)", "asOf=\(monthEnd.adding(days: -1))",
                "asOf=\(monthEnd.adding(days: 1))",
                // The month of the newest record has not ended: its end would cut at the current size.
                "asOf=\(monthEnd)", "asOf=\(first.adding(months: 2).adding(days: -1))",
            ]
            for cutoff in refusals {
                let refused = try await client.send(.get, path + "&" + cutoff, token: evaluator)
                #expect(refused.status == .forbidden, "\(cutoff): \(refused.text)")
                #expect(refused.text.contains("month's last day"), "\(cutoff): \(refused.text)")
                let staff = try await client.send(.get, path + "&" + cutoff, token: director)
                #expect(staff.status != .forbidden, "staff keep every cutoff: \(cutoff): \(staff.text)")
            }
            let minPosition = try await client.send(.get, path + "&minPosition=1", token: evaluator)
            #expect(minPosition.status == .forbidden, "\(minPosition.text)")
            let (lastMonthEnd, monthBefore) = (first.adding(days: -1), first.adding(months: -1).adding(days: -1))
            // Ended months: admitted (the fixture's events are all of this month, so these cutoffs hold none, 400).
            for cutoff in [lastMonthEnd, monthBefore] {
                let answer = try await client.send(.get, path + "&asOf=\(cutoff)", token: evaluator)
                #expect(answer.status != .forbidden, "\(cutoff): \(answer.text)")
                let staff = try await client.send(.get, path + "&asOf=\(cutoff)", token: director)
                #expect(answer.text == staff.text, "the same suppressed report at a month's end")
            }
            let session = try await client.session(evaluator)
            let programme = try #require(fixture.programmes.first)
            let page = "/ui/programmes/\(programme)"
            let dayBefore = "asOf=\(monthEnd.adding(days: -1))"
            #expect(try await client.page(page + "?" + dayBefore, session).status == .forbidden)
            let csv = page + "/indicators.csv?from=2025-01-01&to=2025-04-01&"
            #expect(try await client.page(csv + dayBefore, session).status == .forbidden)
            #expect(try await client.page(page + "?asOf=\(monthEnd)", session).status == .forbidden)
            #expect(try await client.page(page + "?asOf=\(lastMonthEnd)", session).status != .forbidden)
        }
    }

    @Test("Indicators are answered from the report cache per cutoff; a new event moves the cutoff and the answer")
    func indicatorCache() async throws {
        let fixture = try await APIFixture(limits: APILimits(indicatorStaleness: .zero))
        let evaluator = try fixture.token(.evaluator)
        let path = try Self.indicatorsPath(fixture)
        try await fixture.test { client in
            let first = try await client.send(.get, path, token: evaluator)
            let again = try await client.send(.get, path, token: evaluator)
            #expect(first.text == again.text)
            let asOf = try await client.send(.get, path + "&asOfSize=100", token: try fixture.token(.director))
            #expect(try asOf.object()["checkpoint"] as? Int == 100)
            #expect(asOf.text != first.text)

            let position = try await Self.registerProjected(client, fixture)
            let after = try await client.send(.get, path, token: evaluator)
            let checkpoint = try #require(try after.object()["checkpoint"] as? Int, "\(after.status) \(after.text)")
            #expect(checkpoint > (try #require(try first.object()["checkpoint"] as? Int)))
            #expect(checkpoint > position, "without staleness a live answer follows every projected event")
        }
    }

    @Test("Within the staleness bound a live report answers after new events; minPosition forces a newer one")
    func indicatorStaleness() async throws {
        let fixture = try await APIFixture(limits: APILimits(indicatorStaleness: .seconds(3_600)))
        let evaluator = try fixture.token(.director)  // minPosition is staff's (evaluators get 403)
        let path = try Self.indicatorsPath(fixture)
        try await fixture.test { client in
            let first = try await client.send(.get, path, token: evaluator)
            let checkpoint = try #require(try first.object()["checkpoint"] as? Int)
            let position = try await Self.registerProjected(client, fixture)
            let stale = try await client.send(.get, path, token: evaluator)
            #expect(stale.text == first.text, "a report within the bound answers, naming its own checkpoint")
            let fresh = try await client.send(.get, path + "&minPosition=\(position)", token: evaluator)
            let freshCheckpoint = try #require(try fresh.object()["checkpoint"] as? Int, "\(fresh.text)")
            #expect(freshCheckpoint > position && freshCheckpoint > checkpoint)
            let root = try fixture.server.services.ledger.root(atSize: UInt64(freshCheckpoint)).hex
            #expect(try fresh.object()["root"] as? String == root)
            let afterFresh = try await client.send(.get, path, token: evaluator)
            #expect(afterFresh.text == fresh.text, "the newest report within the bound answers")
        }
    }

    @Test("Past the staleness bound the cached report still answers while a background refresh computes a newer one")
    func indicatorBackgroundRefresh() async throws {
        let bound = Duration.seconds(2)
        let clock = IndicatorReportCacheTests.ManualClock()
        let fixture = try await APIFixture(limits: APILimits(indicatorStaleness: bound), cacheClock: { clock.now })
        let evaluator = try fixture.token(.evaluator)
        let path = try Self.indicatorsPath(fixture)
        try await fixture.test { client in
            let first = try await client.send(.get, path, token: evaluator)
            let checkpoint = try #require(try first.object()["checkpoint"] as? Int)
            let position = try await Self.registerProjected(client, fixture)
            clock.advance(bound + .milliseconds(500))
            let stale = try await client.send(.get, path, token: evaluator)
            #expect(stale.text == first.text, "past the bound, within twice it, the cached report answers at once")
            var refreshed: Int?
            for _ in 0..<200 where refreshed == nil {
                try await Task.sleep(for: .milliseconds(50))
                let answer = try await client.send(.get, path, token: evaluator)
                let seen = try #require(try answer.object()["checkpoint"] as? Int, "\(answer.text)")
                if seen != checkpoint { refreshed = seen }
            }
            let newer = try #require(refreshed, "the background refresh never landed")
            #expect(newer > position, "the refresh measured the live checkpoint after the registration")

            clock.advance(bound * 2 + .milliseconds(500))
            let second = try await Self.registerProjected(client, fixture)
            let recomputed = try await client.send(.get, path, token: evaluator)
            let now = try #require(try recomputed.object()["checkpoint"] as? Int, "\(recomputed.text)")
            #expect(now > second, "past twice the bound the request itself computes at the live checkpoint")
        }
    }

    /// Registers a new resident and waits until every view has applied it; returns its last position.
    static func registerProjected(_ client: some TestClientProtocol, _ fixture: APIFixture) async throws -> Int {
        let position = try await register(client, fixture)
        #expect(await fixture.server.engine.waitUntilProjected(Position(UInt64(position)), timeout: .seconds(600)))
        return position
    }

    /// The first programme's indicators for January to April 2025.
    static func indicatorsPath(_ fixture: APIFixture) throws -> String {
        let programme = try #require(fixture.programmes.first)
        return "/v1/programmes/\(programme)/indicators?from=2025-01-01&to=2025-05-01"
    }

    /// Registers a new resident through the API; returns the position of its last event.
    static func register(_ client: some TestClientProtocol, _ fixture: APIFixture) async throws -> Int {
        let registered = try await client.send(
            .post, "/v1/persons", token: try fixture.token(.intakeClerk),
            json: CommandTests.registration(UUID().uuidString.lowercased()), headers: [CommandTests.key()])
        return try #require(try registered.object()["lastPosition"] as? Int, "\(registered.text)")
    }
}
