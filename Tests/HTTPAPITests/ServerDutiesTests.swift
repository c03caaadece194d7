import Commands
import Domain
import Duties
import Foundation
import HTTPTypes
import HummingbirdTesting
import Ledger
import ServiceLifecycle
import Synchronization
import Testing

@testable import HTTPAPI

@Suite("cus serve runs the duties; ledger and duty series in /metrics")
struct ServerDutiesTests {
    /// 2025-05-02 07:00 in Warsaw, after every duty's slot of the day (the monthly charge's is the 2nd at 06:00), the
    /// day after the generated centre's last month, so the monthly charge duty has months to assess.
    static let dutyDay = Instant(
        microsecondsSinceEpoch: Instant(startOf: LocalDate(daysSinceEpoch: 20_210)).microsecondsSinceEpoch
            + 7 * 3_600_000_000)

    @Test("The server's duties run on their schedule: derived events appended, each run counted in /metrics")
    func dutiesRunInTheServer() async throws {
        let fixture = try await APIFixture()
        let before = try fixture.server.services.ledger.treeSize()
        let duties = ServerDuties(clock: FixedDutyClock(Self.dutyDay), pollInterval: .milliseconds(50))
        let group = serviceGroup(fixture.server, duties: duties, signals: [], onServerRunning: { _ in })
        let running = Task { try await group.run() }
        let runs = DutyRunStore(dataDirectory: fixture.dataDirectory)
        let records = try await Self.stopOnceEveryDutyRan(runs, group: group, running: running)
        let appended = records.values.reduce(0) { $0 + $1.commandsAppended }
        #expect(appended > 0, "\(records.values.map(\.summary))")
        #expect(try fixture.server.services.ledger.treeSize() > before)
        let text = String(decoding: fixture.server.metrics.exposition(fixture.server), as: UTF8.self)
        let charge = try #require(records[.monthlyCharge])
        #expect(
            text.contains(
                #"cusledger_duty_commands_appended_total{duty="monthlyCharge"} \#(charge.commandsAppended)"#))
        #expect(text.contains(#"cusledger_duty_runs_total{duty="checkpoint",outcome="ok"} 1"#))
        #expect(text.contains(#"cusledger_duty_last_success_timestamp_seconds{duty="readerCheck"}"#))
        #expect(!text.contains("cusledger_duty_failures_total"))
        await fixture.close()
    }

    @Test("SIGTERM during a pass: the group waits for the pass, which records every duty, before it returns")
    func shutdownWaitsForThePass() async throws {
        let fixture = try await APIFixture()
        let clock = SlowFirstReadClock(Self.dutyDay, delay: .milliseconds(400))
        let duties = ServerDuties(clock: clock, pollInterval: .seconds(3_600))
        let group = serviceGroup(fixture.server, duties: duties, signals: [], onServerRunning: { _ in })
        let running = Task { try await group.run() }
        for _ in 0..<600 where !clock.wasRead { try await Task.sleep(for: .milliseconds(10)) }
        #expect(clock.wasRead)
        await group.triggerGracefulShutdown()
        try await running.value
        let records = try DutyRunStore(dataDirectory: fixture.dataDirectory).load()
        #expect(records.count == DutyKind.allCases.count)
        #expect(records.values.allSatisfy { $0.outcome != .failed }, "\(records.values.map(\.summary))")
        #expect(!fixture.server.services.ledger.isClosed)
        await fixture.close()
    }

    @Test("On an empty ledger no pass runs (nothing to decide on, no view tables yet); the first event starts them")
    func emptyLedgerWaits() async throws {
        let fixture = try await APIFixture(generate: false)
        let duties = ServerDuties(clock: FixedDutyClock(Self.dutyDay), pollInterval: .milliseconds(50))
        let group = serviceGroup(fixture.server, duties: duties, signals: [], onServerRunning: { _ in })
        let running = Task { try await group.run() }
        let runs = DutyRunStore(dataDirectory: fixture.dataDirectory)
        try await Task.sleep(for: .milliseconds(500))
        #expect(try runs.load().isEmpty)
        let clerk = try fixture.token(.intakeClerk)
        try await buildApplication(fixture.server).test(.router) { client in
            let registered = try await client.send(
                .post, "/v1/persons", token: clerk, json: CommandTests.registration(UUID().uuidString.lowercased()),
                headers: [CommandTests.key()])
            #expect(registered.status == .created)
        }
        _ = try await Self.stopOnceEveryDutyRan(runs, group: group, running: running)
        await fixture.close()
    }

    /// Waits until every duty has a run record, shuts the group down gracefully, and returns the records, none failed.
    static func stopOnceEveryDutyRan(_ runs: DutyRunStore, group: ServiceGroup, running: Task<Void, any Error>)
        async throws -> [DutyKind: DutyRunRecord]
    {
        for _ in 0..<600 where try runs.load().count < DutyKind.allCases.count {
            try await Task.sleep(for: .milliseconds(100))
        }
        await group.triggerGracefulShutdown()
        try await running.value
        let records = try runs.load()
        #expect(records.count == DutyKind.allCases.count)
        #expect(records.values.allSatisfy { $0.outcome != .failed }, "\(records.values.map(\.summary))")
        return records
    }

    @Test("A command moves the append, transaction, batch and commit-latency series")
    func ledgerSeries() async throws {
        let fixture = try await APIFixture(generate: false)
        let clerk = try fixture.token(.intakeClerk)
        let operatorToken = try fixture.token(.operator)
        try await fixture.test { client in
            let before = try await client.send(.get, "/metrics", token: operatorToken).text
            #expect(Self.value("cusledger_ledger_events_appended_total", in: before) == nil)
            let registered = try await client.send(
                .post, "/v1/persons", token: clerk, json: CommandTests.registration(UUID().uuidString.lowercased()),
                headers: [CommandTests.key()])
            #expect(registered.status == .created)
            let after = try await client.send(.get, "/metrics", token: operatorToken).text
            let events = try #require(Self.value("cusledger_ledger_events_appended_total", in: after))
            #expect(events >= 1)
            #expect(Self.value(#"cusledger_ledger_transactions_total{outcome="committed"}"#, in: after) ?? 0 >= 1)
            #expect(Self.value("cusledger_ledger_commit_batch_requests_count", in: after) ?? 0 >= 1)
            #expect(Self.value("cusledger_ledger_commit_duration_seconds_count", in: after) ?? 0 >= 1)
            #expect(after.contains(#"cusledger_ledger_commit_duration_seconds_bucket{le="+Inf"}"#))
            #expect(Self.value("cusledger_ledger_clock_regressions_total", in: after) == 0)
        }
    }

    /// The value of the sample line `series value`, if present.
    static func value(_ series: String, in text: String) -> Double? {
        text.split(separator: "\n").lazy.compactMap { line -> Double? in
            guard line.hasPrefix(series + " ") else { return nil }
            return Double(line.dropFirst(series.count + 1))
        }.first
    }
}

/// A duty clock whose first reading (the start of the first pass) takes `delay`, so the test can send the
/// shutdown while that pass is under way.
final class SlowFirstReadClock: DutyClock {
    private let instant: Instant
    private let delay: Duration
    private let read = Atomic<Bool>(false)

    init(_ instant: Instant, delay: Duration) {
        self.instant = instant
        self.delay = delay
    }

    var wasRead: Bool { read.load(ordering: .acquiring) }

    func now() -> Instant {
        if !read.exchange(true, ordering: .acquiringAndReleasing) {
            let microseconds = delay.components.seconds * 1_000_000 + delay.components.attoseconds / 1_000_000_000_000
            usleep(UInt32(microseconds))
        }
        return instant
    }
}
