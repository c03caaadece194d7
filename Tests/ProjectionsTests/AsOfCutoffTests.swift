import Domain
import Foundation
import Ledger
import LedgerTesting
import Synchronization
import Testing

@testable import Projections

/// ledger.md §5.3: `--as-of DATE` keeps the longest prefix recorded before the Europe/Warsaw midnight that ends
/// DATE; the first record at or past it ends the prefix, even when later ones run backwards.
@Suite("As-of date cutoffs in Europe/Warsaw")
struct AsOfCutoffTests {
    static let warsaw = TimeZone(identifier: "Europe/Warsaw") ?? .gmt

    /// A ledger whose records carry `recordedAt` (UTC, ISO 8601 with microseconds), one append each, in order.
    static func ledger(recordedAt times: [String], in directory: TemporaryDirectory) async throws -> Ledger {
        let stamps = times.map { Timestamp(microseconds: microseconds($0)) }
        let next = Mutex(0)
        let clock = LedgerClock {
            next.withLock { index in
                defer { index += 1 }
                return stamps[min(index, stamps.count - 1)]
            }
        }
        let ledger = try Ledger(Ledger.Options(dataDirectory: directory.path + "/data", clock: clock))
        for _ in times {
            _ = try await ledger.append([
                StreamAppend(stream: Fixtures.stream(), expectedVersion: .any, events: [Fixtures.event()])
            ])
        }
        return ledger
    }

    /// `2025-03-30T21:59:59.999999Z` in µs since 1970.
    static func microseconds(_ text: String) -> Int64 {
        let (seconds, fraction) = (String(text.prefix(19)) + "Z", text.dropFirst(20).dropLast())
        let date = ISO8601DateFormatter().date(from: seconds) ?? .distantPast
        return Int64(date.timeIntervalSince1970) * 1_000_000 + (Int64(fraction) ?? 0)
    }

    static func size(_ date: String, _ ledger: Ledger) throws -> UInt64 {
        try AsOfBuild.size(endOf: try #require(LocalDate(date)), timeZone: warsaw, ledger: ledger)
    }

    @Test(
        "The last microsecond of a day is in, its midnight is out: spring's 23-hour day, autumn's 25-hour day",
        arguments: [
            // 2025-03-30 ends at 00:00 CEST = 22:00Z (the clocks went forward that night).
            ("2025-03-30", "2025-03-30T21:59:59.999999Z", "2025-03-30T22:00:00.000000Z"),
            // The day before ends at 00:00 CET = 23:00Z.
            ("2025-03-29", "2025-03-29T22:59:59.999999Z", "2025-03-29T23:00:00.000000Z"),
            // 2025-10-26 ends at 00:00 CET = 23:00Z (the clocks went back that night, 25 hours).
            ("2025-10-26", "2025-10-26T22:59:59.999999Z", "2025-10-26T23:00:00.000000Z"),
            // A summer day ends at 00:00 CEST = 22:00Z.
            ("2025-07-15", "2025-07-15T21:59:59.999999Z", "2025-07-15T22:00:00.000000Z"),
        ])
    func lastMicrosecondInMidnightOut(_ day: String, _ lastIn: String, _ firstOut: String) async throws {
        let directory = try TemporaryDirectory(prefix: "cus-as-of")
        defer { directory.remove() }
        let ledger = try await Self.ledger(
            recordedAt: ["2025-01-01T00:00:00.000000Z", lastIn, firstOut, "2025-12-31T12:00:00.000000Z"],
            in: directory)
        defer { ledger.close() }
        #expect(try Self.size(day, ledger) == 2)
    }

    @Test("A record after the cutoff ends the prefix even when later records run back before it")
    func clockRunningBackwards() async throws {
        let directory = try TemporaryDirectory(prefix: "cus-as-of")
        defer { directory.remove() }
        let ledger = try await Self.ledger(
            recordedAt: [
                "2025-04-01T08:00:00.000000Z", "2025-04-02T08:00:00.000000Z", "2025-04-01T09:00:00.000000Z",
            ], in: directory)
        defer { ledger.close() }
        #expect(try Self.size("2025-04-01", ledger) == 1)
        #expect(try Self.size("2025-04-02", ledger) == 3)
        #expect(try Self.size("2025-03-31", ledger) == 0)
    }

    @Test("A cutoff past the first page of the paged walk is found, and the whole ledger counts past its end")
    func cutoffPastAPage() async throws {
        let directory = try TemporaryDirectory(prefix: "cus-as-of")
        defer { directory.remove() }
        let count = Int(AsOfBuild.sizeScanPageEvents) + 3
        let times = (0..<count).map { $0 < count - 1 ? "2025-05-01T10:00:00.000000Z" : "2025-05-03T10:00:00.000000Z" }
        let ledger = try await Self.ledger(recordedAt: times, in: directory)
        defer { ledger.close() }
        #expect(try Self.size("2025-05-01", ledger) == UInt64(count - 1))
        #expect(try Self.size("2025-05-03", ledger) == UInt64(count))
    }
}
