import Ledger
import LedgerTesting
import Synchronization
import Testing

/// ledger.md §6 "Clock goes backwards": appends succeed, order is by position, and the regressions are counted
/// (by the ledger and in every `CommitReport`, which the server turns into `cusledger_ledger_clock_regressions_total`).
@Suite("Clock running backwards")
struct ClockRegressionTests {
    @Test("An injected clock jumping back 1 h: appends succeed in position order and one regression is reported")
    func clockJumpsBackAnHour() async throws {
        try await TemporaryDirectory.with(prefix: "cusledger-clock") { directory in
            let clock = SimulationClock()
            let ledger = try Ledger(
                Ledger.Options(
                    dataDirectory: directory.path + "/data", initialMapSizeBytes: 8 << 20, clock: clock.ledgerClock))
            defer { ledger.close() }
            let reports = Mutex<[CommitReport]>([])
            ledger.observeCommits { report in reports.withLock { $0.append(report) } }
            let stream = Fixtures.stream()
            var positions: [Position] = []
            for index in 0..<20 {
                clock.move(byMicroseconds: index == 10 ? -3_600_000_000 : 1_000_000)
                let result = try await ledger.append(
                    to: stream, expectedVersion: index == 0 ? .noStream : .exact(StreamVersion(UInt64(index - 1))),
                    events: Fixtures.events(1))
                positions.append(result.firstPosition)
            }
            #expect(positions == (0..<20).map { Position(UInt64($0)) })
            let events = try ledger.readAll(from: .zero, limit: 20)
            #expect(events.map(\.position) == positions)
            #expect(events.map(\.version.rawValue) == Array(0..<20))
            let stamps = events.map(\.recordedAt.rawValue)
            let drops = zip(stamps, stamps.dropFirst()).filter { $0 > $1 }
            #expect(drops.count == 1 && drops.first.map { $0.0 - $0.1 } == 3_600_000_000)
            #expect(ledger.clockRegressions == 1)
            let seen = reports.withLock { $0 }
            #expect(seen.count == 20 && seen.allSatisfy(\.committed))
            #expect(seen.map(\.clockRegressions) == (0..<20).map { $0 == 10 ? 1 : 0 })
        }
    }
}
