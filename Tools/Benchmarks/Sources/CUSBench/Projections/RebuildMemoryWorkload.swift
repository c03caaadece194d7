import Ledger
import Projections

/// P5 (ledger.md §5.2): the peak `RssAnon` of a full rebuild of every view in one pass, sampled every 2 ms on
/// a second thread, beside the process's `RssAnon` just before the rebuild (binary, runtime, the open ledger)
/// and the peak `RssFile` (the ledger's mapped pages, page cache: reported apart, as P5 says). One run per
/// invocation: a second rebuild in the same process would only show the allocator's retained memory.
struct RebuildMemoryWorkload {
    let settings: ProjectionBenchSettings

    func run() async throws -> [BenchmarkResult] {
        try await ScratchDirectory.with(base: settings.directory) { directory in
            Progress.log("memory: rebuilding every view from \(settings.memoryData)")
            var before = 0
            let sampler = MemorySampler()
            let throughput = try settings.rebuild(
                ProjectionBenchSettings.projections, from: settings.memoryData, in: directory
            ) {
                before = MemorySampler.current()?.anonymousKiB ?? 0
                sampler.start()
            }
            let peaks = sampler.stop()
            let size = throughput.events
            let mebibytes = { (kibibytes: Int) in Double(kibibytes) / 1024 }
            let (beforeText, anonymousText) = (
                Format.number(mebibytes(before)), Format.number(mebibytes(peaks.anonymousKiB))
            )
            Progress.log(
                "memory: RssAnon \(beforeText) MiB before, peak \(anonymousText) MiB; peak RssFile "
                    + "\(Format.number(mebibytes(peaks.fileKiB))) MiB; \(Format.rate(throughput))")
            return [
                BenchmarkResult(
                    name: "P5 peak RssAnon, rebuild of all views, \(Format.grouped(size)) events",
                    value: Summary([mebibytes(peaks.anonymousKiB)]), unit: "MiB", target: 1024, targetOn: .valueBelow,
                    note: "\(peaks.samples) samples every 2 ms; RssAnon before the rebuild "
                        + "\(Format.number(mebibytes(before))) MiB; target < 1 GiB"),
                BenchmarkResult(
                    name: "P5 peak RssFile (mapped ledger and projections pages)",
                    value: Summary([mebibytes(peaks.fileKiB)]),
                    unit: "MiB", note: "page cache, reported apart (ledger.md §5.2)"),
                BenchmarkResult(
                    name: "P5 rebuild rate", value: Summary([throughput.eventsPerSecond]), unit: "events/s",
                    cpu: Summary([throughput.cpuMicrosecondsPerEvent]), note: "the same rebuild, one run"),
            ]
        }
    }
}
