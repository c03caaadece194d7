import ArgumentParser
import Foundation

/// `cus-bench ledger`: P1 batched ingest, P2 concurrent single-event appends and the full scan, each run
/// interleaved with its raw-LMDB baseline; prints a table and optionally writes JSON.
struct LedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Ledger workloads (P1, P2, full scan) beside raw LMDB, with ratios against the targets.")

    @OptionGroup var common: RunOptions

    enum Workload: String, CaseIterable, ExpressibleByArgument {
        case p1, p2, scan
    }

    @Option(help: "Events per P1 run (each layout and batch size).")
    var events = 200_000

    @Option(help: "Events in the ledger the full scan reads.")
    var scanEvents = 1_000_000

    @Option(help: "Concurrent appending tasks in P2.")
    var concurrentTasks = 64

    @Option(help: "Seconds each P2 ledger run lasts.")
    var concurrentSeconds = 5.0

    @Option(parsing: .upToNextOption, help: "P1 events per transaction.")
    var batchSizes = [100, 10_000]

    @Option(parsing: .upToNextOption, help: "Workloads to run (p1, p2, scan).")
    var workloads: [Workload] = Workload.allCases

    func validate() throws {
        guard let largestBatch = batchSizes.max(), batchSizes.allSatisfy({ $0 >= 1 && $0 <= 10_000 }) else {
            throw ValidationError("--batch-sizes takes 1…10,000 (LedgerLimits.appendEventsMax)")
        }
        guard events >= largestBatch else { throw ValidationError("--events must hold at least one largest batch") }
        guard scanEvents >= 1 else { throw ValidationError("--scan-events must be positive") }
        guard concurrentTasks >= 1, concurrentSeconds > 0 else {
            throw ValidationError("--concurrent-tasks and --concurrent-seconds must be positive")
        }
    }

    func run() async throws {
        let settings = BenchmarkSettings(
            runs: common.runs, directory: common.dir, mapSizeBytes: common.mapSizeBytes, ingestEvents: events,
            scanEvents: scanEvents,
            concurrentTasks: concurrentTasks, concurrentSeconds: concurrentSeconds,
            lingerMicroseconds: common.lingerMicroseconds)
        let machine = MachineInfo.collect(directory: common.dir, mapSizeBytes: settings.mapSizeBytes)
        machine.summaryLines.forEach { Progress.log($0) }
        let started = ContinuousClock.now
        var results: [BenchmarkResult] = []
        if workloads.contains(.p1) {
            for eventsPerTransaction in batchSizes {
                for layout in [StreamLayout.grouped(eventsPerStream: 100), .interleaved(streamCount: 10_000)] {
                    let workload = IngestWorkload(
                        layout: layout, eventsPerTransaction: eventsPerTransaction, settings: settings)
                    results.append(try await workload.run())
                }
            }
        }
        if workloads.contains(.p2) { results += try await ConcurrentAppendWorkload(settings: settings).run() }
        if workloads.contains(.scan) { results += try await ScanWorkload(settings: settings).run() }
        try common.finish(machine: machine, settings: settings, results: results, started: started)
    }
}
