import Foundation
import Ledger
import Logging
import Projections
import Synchronization

/// Live lag (issue 7): a writer appends the generated ledger's events again, in order, into a fresh ledger at
/// a steady rate (one multi-stream `Ledger.append` per step, each durable), while a `ProjectionEngine` keeps
/// every view live. For each append, the time from its acknowledgement until the engine's checkpoint passed its
/// last position (every view has committed it, checkpoint and rows in one projections transaction), seen by an
/// observer that polls the checkpoint: waiting with `waitUntilProjected` would wake the engine's spacing of
/// catch-ups (ADR 0021) and measure a reader's path, not the lag every other reader sees. Target: p99 under
/// 100 ms at 20,000 events/s.
struct LiveLagWorkload {
    let settings: ProjectionBenchSettings

    private static let eventsPerAppendMax = 5_000

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
                projections: ProjectionBenchSettings.projections, logger: Logger(label: "cus-bench"),
                catchUpInterval: settings.catchUpInterval)
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

    /// Appends `source` at the target rate while `LagObserver` watches the checkpoint.
    private func replay(_ source: [(StreamID, NewEvent)], into ledger: Ledger, engine: ProjectionEngine)
        async throws -> Run
    {
        let clock = ContinuousClock()
        let start = clock.now
        let observer = LagObserver()
        let watching = Task { await observer.watch(engine) }
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
            if let last = results.map(\.lastPosition).max() { observer.expect(last, acknowledged: acknowledged) }
        }
        run.seconds = (clock.now - start).seconds
        observer.finish()
        run.latenciesMilliseconds = await watching.value
        return run
    }

    /// The appends not yet projected, oldest first, and the lags of those that were, polled every 200 µs from the
    /// engine's checkpoint (so each lag is late by up to that, plus the sleep's own slack).
    private final class LagObserver: Sendable {
        private struct State {
            var pending: [(threshold: UInt64, acknowledged: ContinuousClock.Instant)] = []
            var next = 0
            var lagsMilliseconds: [Double] = []
            var finished = false
        }
        private let state = Mutex(State())

        func expect(_ last: Position, acknowledged: ContinuousClock.Instant) {
            state.withLock { $0.pending.append((last.rawValue + 1, acknowledged)) }
        }

        func finish() { state.withLock { $0.finished = true } }

        /// Polls until every expected append was projected after `finish`; returns their lags in order.
        func watch(_ engine: ProjectionEngine) async -> [Double] {
            while true {
                let checkpoint = engine.checkpoint
                let now = ContinuousClock.now
                let done = state.withLock { state in
                    while state.next < state.pending.count, state.pending[state.next].threshold <= checkpoint {
                        state.lagsMilliseconds.append((now - state.pending[state.next].acknowledged).seconds * 1_000)
                        state.next += 1
                    }
                    return state.finished && state.next == state.pending.count
                }
                if done { return state.withLock { $0.lagsMilliseconds } }
                try? await Task.sleep(for: .microseconds(200))
            }
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
