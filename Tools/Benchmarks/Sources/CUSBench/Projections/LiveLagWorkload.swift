import Foundation
import Ledger
import Logging
import Projections

/// Live lag (issue 7): a writer appends the generated ledger's events again, in order, into a fresh ledger at
/// a steady rate (one multi-stream `Ledger.append` per step, each durable), while a `ProjectionEngine` keeps
/// every view live. For each append, the time from its acknowledgement to `waitUntilProjected` of its last
/// position (every view has committed it, checkpoint and rows in one projections transaction). Target: p99
/// under 100 ms at 20,000 events/s.
struct LiveLagWorkload {
    let settings: ProjectionBenchSettings

    private static let eventsPerAppendMax = 2_000

    func run() async throws -> [BenchmarkResult] {
        let source = try loadSource()
        Progress.log("lag: \(Format.grouped(source.count)) events to replay at \(Format.grouped(settings.lagRate))/s")
        return try await ScratchDirectory.with(base: settings.directory) { directory in
            var options = Ledger.Options(
                dataDirectory: directory + "/data", initialMapSizeBytes: settings.mapSizeBytes,
                writerPurpose: "cus-bench")
            options.groupCommitLingerMicroseconds = settings.lingerMicroseconds
            let ledger = try Ledger(options)
            defer { ledger.close() }
            let store = try ProjectionsStore(directory: directory + "/data/projections")
            defer { store.close() }
            let engine = ProjectionEngine(
                builder: ProjectionBuilder(ledger: ledger, store: store),
                projections: ProjectionBenchSettings.projections, logger: Logger(label: "cus-bench"))
            engine.start()
            let run = try await replay(source, into: ledger, engine: engine)
            await engine.stop()
            return results(run)
        }
    }

    private struct Run {
        var events = 0
        var appends = 0
        var seconds = 0.0
        var latenciesMilliseconds: [Double] = []
    }

    /// Appends `source` at the target rate; each append's lag is awaited in its own task.
    private func replay(_ source: [(StreamID, NewEvent)], into ledger: Ledger, engine: ProjectionEngine)
        async throws -> Run
    {
        let clock = ContinuousClock()
        let start = clock.now
        return try await withThrowingTaskGroup(of: Double.self) { group in
            var run = Run()
            var next = 0
            while next < source.count {
                let elapsed = (clock.now - start).seconds
                if elapsed >= settings.lagSeconds { break }
                let due = min(
                    Int(Double(settings.lagRate) * elapsed) - run.events, Self.eventsPerAppendMax, source.count - next)
                if due <= 0 {
                    try await Task.sleep(for: .microseconds(500))
                    continue
                }
                let results = try await ledger.append(Self.grouped(source[next..<(next + due)]))
                let acknowledged = clock.now
                next += due
                run.events += due
                run.appends += 1
                guard let last = results.map(\.lastPosition).max() else { continue }
                group.addTask {
                    await engine.waitUntilProjected(last)
                    return (clock.now - acknowledged).seconds * 1_000
                }
            }
            run.seconds = (clock.now - start).seconds
            for try await latency in group { run.latenciesMilliseconds.append(latency) }
            return run
        }
    }

    /// One append: each stream's events in order, streams in the order they first appear.
    private static func grouped(_ events: ArraySlice<(StreamID, NewEvent)>) -> [StreamAppend] {
        var appends: [StreamAppend] = []
        var index: [StreamID: Int] = [:]
        for (stream, event) in events {
            if let part = index[stream] {
                appends[part].events.append(event)
            } else {
                index[stream] = appends.count
                appends.append(StreamAppend(stream: stream, expectedVersion: .any, events: [event]))
            }
        }
        return appends
    }

    /// The generated ledger's events as they were appended: ids, types, clear and sealed parts, metadata.
    private func loadSource() throws -> [(StreamID, NewEvent)] {
        let ledger = try settings.openSource(settings.data)
        defer { ledger.close() }
        var events: [(StreamID, NewEvent)] = []
        try ledger.scanEvents(from: .zero) { record in
            events.append(
                (
                    record.stream,
                    NewEvent(
                        id: record.id, type: record.type, schemaVersion: record.schemaVersion,
                        payload: Array(record.payload), sealed: record.sealed, metadata: record.metadata)
                ))
        }
        return events
    }

    private func results(_ run: Run) -> [BenchmarkResult] {
        let latencies = run.latenciesMilliseconds.isEmpty ? [0] : run.latenciesMilliseconds
        let rate = Double(run.events) / max(run.seconds, 1e-9)
        let load =
            "\(Format.grouped(run.events)) events in \(Format.grouped(run.appends)) appends at "
            + "\(Format.number(rate))/s (target \(Format.grouped(settings.lagRate))/s), all views live"
        Progress.log(
            "lag: \(load); p50 \(Format.number(Summary.percentile(0.5, of: latencies))) ms, p99 "
                + "\(Format.number(Summary.percentile(0.99, of: latencies))) ms")
        return [
            BenchmarkResult(
                name: "Live lag p99, projected − acknowledged",
                value: Summary([Summary.percentile(0.99, of: latencies)]),
                unit: "ms", target: 100, targetOn: .valueBelow, note: load),
            BenchmarkResult(
                name: "Live lag p50", value: Summary([Summary.percentile(0.5, of: latencies)]), unit: "ms",
                note: "max \(Format.number(latencies.max() ?? 0)) ms over \(latencies.count) appends"),
            BenchmarkResult(
                name: "Live lag: writer rate achieved", value: Summary([rate]), unit: "events/s",
                note: "durable appends (LMDB default sync), up to \(Self.eventsPerAppendMax) events each"),
        ]
    }
}
