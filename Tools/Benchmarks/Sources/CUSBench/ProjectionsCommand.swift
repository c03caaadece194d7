import ArgumentParser
import Foundation
import Projections

/// `cus-bench projections`: issue 7's P3, P5 and live lag on a generated ledger (`cus generate`): full rebuilds
/// of each view and of all views in one pass against a raw cursor scan of the same ledger in the same run, the
/// peak anonymous memory of a rebuild, and how far the live views trail a sustained append load.
struct ProjectionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projections",
        abstract: "Projection rebuilds (P3) beside a raw LMDB scan, rebuild memory (P5) and live lag.")

    @OptionGroup var common: RunOptions

    enum Workload: String, CaseIterable, ExpressibleByArgument {
        case rebuild, memory, lag
    }

    @Option(help: "A data directory made by `cus generate` (read only; its ledger is never written).")
    var data: String

    @Option(help: "The data directory whose rebuild's memory P5 measures (default: --data).")
    var memoryData: String?

    @Option(help: "Events per second the live-lag writer appends.")
    var lagRate = 20_000

    @Option(help: "Seconds the live-lag writer runs (it stops earlier when --data's events run out).")
    var lagSeconds = 8.0

    @Option(help: "The live engine's spacing of catch-ups while nobody waits, in ms (ADR 0021; 0 = one per commit).")
    var catchUpIntervalMs = Int(ProjectionEngine.catchUpIntervalDefault / .milliseconds(1))

    @Option(
        parsing: .upToNextOption,
        help: "Views the rebuild workload builds alone, and `all` for the one-pass build (default: every view and all)."
    )
    var views: [String] = []

    @Option(parsing: .upToNextOption, help: "Workloads to run (rebuild, memory, lag).")
    var workloads: [Workload] = Workload.allCases

    func validate() throws {
        guard lagRate >= 1, lagSeconds > 0 else {
            throw ValidationError("--lag-rate and --lag-seconds must be positive")
        }
        guard catchUpIntervalMs >= 0 else { throw ValidationError("--catch-up-interval-ms must be 0 or more") }
        guard FileManager.default.fileExists(atPath: data + "/ledger/data.mdb") else {
            throw ValidationError("--data \(data) holds no ledger (make one with `cus generate`)")
        }
    }

    func run() async throws {
        let settings = ProjectionBenchSettings(
            runs: common.runs, directory: common.dir, mapSizeBytes: common.mapSizeBytes, data: data,
            memoryData: memoryData ?? data, views: views, lagRate: lagRate, lagSeconds: lagSeconds,
            catchUpInterval: .milliseconds(catchUpIntervalMs), lingerMicroseconds: common.lingerMicroseconds)
        let machine = MachineInfo.collect(directory: common.dir, mapSizeBytes: settings.mapSizeBytes)
        machine.summaryLines.forEach { Progress.log($0) }
        let started = ContinuousClock.now
        var results: [BenchmarkResult] = []
        if workloads.contains(.rebuild) { results += try await RebuildWorkload(settings: settings).run() }
        if workloads.contains(.memory) { results += try await RebuildMemoryWorkload(settings: settings).run() }
        if workloads.contains(.lag) { results += try await LiveLagWorkload(settings: settings).run() }
        try common.finish(machine: machine, settings: settings, results: results, started: started)
    }
}
