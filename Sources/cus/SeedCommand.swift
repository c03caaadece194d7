import ArgumentParser
import Foundation
import Ledger

/// `cus ledger seed`: synthetic events without personal data, through the normal append path.
struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Append synthetic events (no personal data, ~250-byte clear payloads) to the ledger.")

    @OptionGroup var store: StoreOptions
    @Option(help: "How many events to append.") var events: UInt64
    @Option(help: "How many new streams to spread them over (event i goes to stream i mod K).") var streams = 1_000

    func validate() throws {
        guard events >= 1 else { throw ValidationError("--events must be at least 1") }
        guard streams >= 1 else { throw ValidationError("--streams must be at least 1") }
    }

    func run() async throws {
        try await reportingFailures {
            let ledger = try store.openLedger(readOnly: false, purpose: "cus ledger seed")
            defer { ledger.close() }
            let seeder = try LedgerSeeder(streamCount: streams)
            var bar = ProgressBar(total: events, label: "seeding")
            let stopwatch = Stopwatch()
            try await seeder.seed(ledger, count: events) { bar.update($0) }
            let seconds = stopwatch.seconds
            let size = try ledger.treeSize()
            print(
                "appended \(events) events over \(streams) streams in \(String(format: "%.2f", seconds)) s "
                    + "(\(Int(Double(events) / max(seconds, 1e-9))) events/s); the ledger holds \(size) events")
        }
    }
}
