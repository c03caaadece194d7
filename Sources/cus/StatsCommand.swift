import ArgumentParser
import Foundation
import Ledger

/// `cus ledger stats`: counts, sizes, time range and reader use of a ledger, read-only.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Show events, streams, sizes, time range and reader slots of the ledger.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    /// The `--json` document; field names are a contract (issue #3).
    struct Document: Encodable {
        var events: UInt64
        var streams: UInt64
        var sizeBytes: Int
        var mapSizeBytes: Int
        var mapUsedBytes: Int
        var firstPosition: UInt64?
        var lastPosition: UInt64?
        var firstRecordedAt: String?
        var lastRecordedAt: String?
        var byType: [String: UInt64]
        var byCategory: [String: UInt64]
        var readers: Int

        enum CodingKeys: String, CodingKey {
            case events, streams, sizeBytes, mapSizeBytes, mapUsedBytes, firstPosition, lastPosition
            case firstRecordedAt, lastRecordedAt, byType, byCategory, readers
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(events, forKey: .events)
            try container.encode(streams, forKey: .streams)
            try container.encode(sizeBytes, forKey: .sizeBytes)
            try container.encode(mapSizeBytes, forKey: .mapSizeBytes)
            try container.encode(mapUsedBytes, forKey: .mapUsedBytes)
            try container.encode(firstPosition, forKey: .firstPosition)
            try container.encode(lastPosition, forKey: .lastPosition)
            try container.encode(firstRecordedAt, forKey: .firstRecordedAt)
            try container.encode(lastRecordedAt, forKey: .lastRecordedAt)
            try container.encode(byType, forKey: .byType)
            try container.encode(byCategory, forKey: .byCategory)
            try container.encode(readers, forKey: .readers)
        }
    }

    func run() async throws {
        try await reportingFailures {
            let ledger = try store.openLedger(readOnly: true, purpose: "cus ledger stats")
            defer { ledger.close() }
            let statistics = try ledger.statistics()
            let document = Document(
                events: statistics.events, streams: statistics.streams, sizeBytes: statistics.sizeBytes,
                mapSizeBytes: statistics.mapSizeBytes, mapUsedBytes: statistics.mapUsedBytes,
                firstPosition: statistics.firstPosition?.rawValue, lastPosition: statistics.lastPosition?.rawValue,
                firstRecordedAt: statistics.firstRecordedAt.map(RFC3339.format),
                lastRecordedAt: statistics.lastRecordedAt.map(RFC3339.format),
                byType: statistics.byType, byCategory: statistics.byCategory, readers: statistics.readers)
            if output.json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(document), as: UTF8.self))
            } else {
                printTable(document, maxReaders: statistics.maxReaders)
            }
        }
    }

    private func printTable(_ document: Document, maxReaders: Int) {
        let percent =
            document.mapSizeBytes > 0 ? 100 * Double(document.mapUsedBytes) / Double(document.mapSizeBytes) : 0
        print("ledger        \(store.data)/ledger")
        print(
            "events        \(document.events) (positions \(document.firstPosition.map(String.init) ?? "–")…\(document.lastPosition.map(String.init) ?? "–"))"
        )
        print("streams       \(document.streams)")
        print("recorded      \(document.firstRecordedAt ?? "–") … \(document.lastRecordedAt ?? "–")")
        print("size on disk  \(document.sizeBytes) bytes")
        print(
            "map           \(document.mapUsedBytes) of \(document.mapSizeBytes) bytes used (\(String(format: "%.2f", percent)) %)"
        )
        print("readers       \(document.readers) of \(maxReaders) slots in use")
        for (title, counts) in [("by type", document.byType), ("by category", document.byCategory)] {
            print(title)
            for (name, count) in counts.sorted(by: { $0.key < $1.key }) { print("  \(name)  \(count)") }
        }
    }
}
