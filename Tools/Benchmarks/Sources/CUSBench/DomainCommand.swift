import ArgumentParser
import Foundation

/// `cus-bench domain`: issue #5's payload codec, alone (`payload-decode`, against Foundation's `JSONDecoder`)
/// and in a replay of a domain-event ledger (`replay`, against the raw LMDB scan); prints a table and
/// optionally writes JSON in `cus-bench ledger`'s format.
struct DomainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "domain",
        abstract: "Domain payload codec (ADR 0006): binary decode vs JSONDecoder, and replay decode vs raw scan.")

    @OptionGroup var common: RunOptions

    enum Workload: String, CaseIterable, ExpressibleByArgument {
        case payloadDecode = "payload-decode"
        case replay
    }

    @Option(help: "Events in the ledger the replay reads.")
    var events = 1_000_000

    @Option(help: "Binary clear parts payload-decode decodes per run.")
    var decodeEvents = 1_000_000

    @Option(help: "Of those, how many the JSONDecoder baseline decodes per run (the same mix, a rate).")
    var jsonEvents = 200_000

    @Option(help: "Variants of each catalogue sample (varied ids, strings, dates).")
    var variants = 64

    @Option(parsing: .upToNextOption, help: "Workloads to run (payload-decode, replay).")
    var workloads: [Workload] = Workload.allCases

    func validate() throws {
        guard events >= 1, decodeEvents >= 1, jsonEvents >= 1, variants >= 1 else {
            throw ValidationError("--events, --decode-events, --json-events and --variants must be positive")
        }
    }

    func run() async throws {
        let settings = DomainSettings(
            runs: common.runs, directory: common.dir, mapSizeBytes: common.mapSizeBytes, decodeEvents: decodeEvents,
            jsonEvents: jsonEvents, replayEvents: events, variantsPerType: variants,
            lingerMicroseconds: common.lingerMicroseconds)
        let machine = MachineInfo.collect(directory: common.dir, mapSizeBytes: settings.mapSizeBytes)
        machine.summaryLines.forEach { Progress.log($0) }
        let started = ContinuousClock.now
        let corpus = try DomainCorpus(variantsPerType: variants)
        var results: [BenchmarkResult] = []
        if workloads.contains(.payloadDecode) {
            results += try await PayloadDecodeWorkload(settings: settings).run(corpus)
        }
        if workloads.contains(.replay) { results += try await ReplayWorkload(settings: settings).run(corpus) }
        try common.finish(machine: machine, settings: settings, results: results, started: started)
    }
}
