import ArgumentParser
import Foundation

/// `cus-bench domain`: issue #5's payload codec, alone (`payload-decode`, against Foundation's `JSONDecoder`)
/// and in a replay of a domain-event ledger (`replay`, against the raw LMDB scan); prints a table and
/// optionally writes JSON in `cus-bench ledger`'s format.
struct DomainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "domain",
        abstract: "Domain payload codec (ADR 0006): binary decode vs JSONDecoder, and replay decode vs raw scan.")

    enum Workload: String, CaseIterable, ExpressibleByArgument {
        case payloadDecode = "payload-decode"
        case replay
    }

    @Option(name: .customLong("json"), help: "Also write the results as JSON to this file.")
    var jsonPath: String?

    @Option(help: "Events in the ledger the replay reads.")
    var events = 1_000_000

    @Option(help: "Binary clear parts payload-decode decodes per run.")
    var decodeEvents = 1_000_000

    @Option(help: "Of those, how many the JSONDecoder baseline decodes per run (the same mix, a rate).")
    var jsonEvents = 200_000

    @Option(help: "Variants of each catalogue sample (varied ids, strings, dates).")
    var variants = 64

    @Option(help: "Interleaved baseline/ours runs per workload (≥ 3 for a report).")
    var runs = 3

    @Option(help: "Base directory for the fresh per-run scratch directories.")
    var dir = "/tmp"

    @Option(name: .customLong("map-size-gib"), help: "LMDB map size of both sides, in GiB.")
    var mapSizeGiB = 8

    @Option(name: .customLong("linger-us"), help: "The writer's group-commit linger in µs (ADR 0005; 0 = off).")
    var lingerMicroseconds: UInt32 = 1_000

    @Option(parsing: .upToNextOption, help: "Workloads to run (payload-decode, replay).")
    var workloads: [Workload] = Workload.allCases

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
        guard events >= 1, decodeEvents >= 1, jsonEvents >= 1, variants >= 1 else {
            throw ValidationError("--events, --decode-events, --json-events and --variants must be positive")
        }
    }

    func run() async throws {
        let settings = DomainSettings(
            runs: runs, directory: dir, mapSizeBytes: mapSizeGiB << 30, decodeEvents: decodeEvents,
            jsonEvents: jsonEvents, replayEvents: events, variantsPerType: variants,
            lingerMicroseconds: lingerMicroseconds)
        let machine = MachineInfo.collect(directory: dir, mapSizeBytes: settings.mapSizeBytes)
        machine.summaryLines.forEach { Progress.log($0) }
        let started = ContinuousClock.now
        let corpus = try DomainCorpus(variantsPerType: variants)
        var results: [BenchmarkResult] = []
        if workloads.contains(.payloadDecode) {
            results += try await PayloadDecodeWorkload(settings: settings).run(corpus)
        }
        if workloads.contains(.replay) { results += try await ReplayWorkload(settings: settings).run(corpus) }
        let elapsed = (ContinuousClock.now - started).seconds
        print(
            (machine.summaryLines + ["runs: \(runs) interleaved, \(Format.number(elapsed)) s in all", ""]).joined(
                separator: "\n"))
        print(ResultTable.render(results))
        if let jsonPath { try write(Report(machine: machine, settings: settings, results: results), to: jsonPath) }
    }

    private struct Report: Encodable {
        let machine: MachineInfo
        let settings: DomainSettings
        let results: [BenchmarkResult]
    }

    private func write(_ report: Report, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(report).write(to: URL(fileURLWithPath: path))
    }
}
