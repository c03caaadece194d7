import ArgumentParser
import Foundation

/// What every `cus-bench` subcommand takes: how many interleaved runs, where the scratch directories go, the
/// LMDB map size and writer linger of both sides, and where to write the JSON report.
struct RunOptions: ParsableArguments {
    @Option(name: .customLong("json"), help: "Also write the results as JSON to this file.")
    var jsonPath: String?

    @Option(help: "Interleaved baseline/measured runs per workload (≥ 3 for a report).")
    var runs = 3

    @Option(help: "Base directory for the fresh per-run scratch directories.")
    var dir = "/tmp"

    @Option(name: .customLong("map-size-gib"), help: "LMDB map size of both sides, in GiB.")
    var mapSizeGiB = 8

    @Option(name: .customLong("linger-us"), help: "The writer's group-commit linger in µs (ADR 0005; 0 = off).")
    var lingerMicroseconds: UInt32 = 1_000

    var mapSizeBytes: Int { mapSizeGiB << 30 }

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
    }

    /// Prints the machine, the elapsed time and the result table, then writes the JSON report if asked.
    func finish<Settings: Encodable>(
        machine: MachineInfo, settings: Settings, results: [BenchmarkResult], started: ContinuousClock.Instant
    ) throws {
        let elapsed = (ContinuousClock.now - started).seconds
        print(
            (machine.summaryLines + ["runs: \(runs) interleaved, \(Format.number(elapsed)) s in all", ""]).joined(
                separator: "\n"))
        print(ResultTable.render(results))
        guard let jsonPath else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(Report(machine: machine, settings: settings, results: results))
            .write(to: URL(fileURLWithPath: jsonPath))
    }

    private struct Report<Settings: Encodable>: Encodable {
        let machine: MachineInfo
        let settings: Settings
        let results: [BenchmarkResult]
    }
}
