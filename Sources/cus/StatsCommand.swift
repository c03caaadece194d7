import ArgumentParser
import Foundation
import Ledger

/// `cus ledger stats`: counts, sizes, time range and reader use of a ledger, read-only.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Show events, streams, sizes, time range and reader slots of the ledger.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await reportingFailures {
            let ledger = try store.openLedger(readOnly: true, purpose: "cus ledger stats")
            defer { ledger.close() }
            let statistics = try ledger.statistics()
            if output.json {
                print(Self.document(statistics).text)
            } else {
                printTable(statistics)
            }
        }
    }

    /// The `--json` document; its field names are a contract (issue #3).
    static func document(_ statistics: LedgerStatistics) -> JSONText {
        func counts(_ byName: [String: UInt64]) -> JSONText {
            .object(byName.sorted { $0.key < $1.key }.map { ($0.key, .number($0.value)) })
        }
        return .object([
            ("events", .number(statistics.events)), ("streams", .number(statistics.streams)),
            ("sizeBytes", .number(UInt64(statistics.sizeBytes))),
            ("mapSizeBytes", .number(UInt64(statistics.mapSizeBytes))),
            ("mapUsedBytes", .number(UInt64(statistics.mapUsedBytes))),
            ("firstPosition", statistics.firstPosition.map { .number($0.rawValue) } ?? .null),
            ("lastPosition", statistics.lastPosition.map { .number($0.rawValue) } ?? .null),
            ("firstRecordedAt", statistics.firstRecordedAt.map { .string(RFC3339.format($0)) } ?? .null),
            ("lastRecordedAt", statistics.lastRecordedAt.map { .string(RFC3339.format($0)) } ?? .null),
            ("byType", counts(statistics.byType)), ("byCategory", counts(statistics.byCategory)),
            ("readers", .number(UInt64(statistics.readers))),
        ])
    }

    private func printTable(_ statistics: LedgerStatistics) {
        let used = Double(statistics.mapUsedBytes)
        let percent = statistics.mapSizeBytes > 0 ? 100 * used / Double(statistics.mapSizeBytes) : 0
        let first = statistics.firstPosition.map { String($0.rawValue) } ?? "–"
        let last = statistics.lastPosition.map { String($0.rawValue) } ?? "–"
        let recorded = [statistics.firstRecordedAt, statistics.lastRecordedAt].map { $0.map(RFC3339.format) ?? "–" }
        print("ledger        \(store.data)/ledger")
        print("events        \(statistics.events) (positions \(first)…\(last))")
        print("streams       \(statistics.streams)")
        print("recorded      \(recorded[0]) … \(recorded[1])")
        print("size on disk  \(statistics.sizeBytes) bytes")
        print(
            "map           \(statistics.mapUsedBytes) of \(statistics.mapSizeBytes) bytes used "
                + "(\(String(format: "%.2f", percent)) %)")
        print("readers       \(statistics.readers) of \(statistics.maxReaders) slots in use")
        for (title, counts) in [("by type", statistics.byType), ("by category", statistics.byCategory)] {
            print(title)
            for (name, count) in counts.sorted(by: { $0.key < $1.key }) { print("  \(name)  \(count)") }
        }
    }
}
