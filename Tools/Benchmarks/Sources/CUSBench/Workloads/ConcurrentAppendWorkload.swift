import LMDB
import Ledger

/// P2 (ledger.md §5.2): `concurrentTasks` tasks, each appending one event with `.exact(v)` to its own stream
/// and awaiting the durable ack, for `concurrentSeconds`. Group commit is what makes this fast, so the run
/// reports the mean events per commit (events ÷ write transactions, from `me_last_txnid`) and compares with
/// raw LMDB at 1 event/txn, at that mean batch, and at one event per task per transaction (the most that
/// `concurrentTasks` callers can put into one commit: this disk's ceiling for P2).
struct ConcurrentAppendWorkload {
    let settings: BenchmarkSettings

    private static let baselineEventsMax = 250_000

    /// One run of the ledger side.
    private struct Run {
        let throughput: Throughput
        let commits: Int
        let latencies: [Double]

        var eventsPerCommit: Double { Double(throughput.events) / Double(max(commits, 1)) }
    }

    func run() async throws -> [BenchmarkResult] {
        let tasks = settings.concurrentTasks
        let corpus = try EventCorpus(layout: .interleaved(streamCount: tasks))
        Progress.log("P2: preparing \(Format.grouped(Self.baselineEventsMax)) raw baseline events")
        let encoded = EncodedEvents(corpus, count: Self.baselineEventsMax)
        let baselineSeconds = min(settings.concurrentSeconds, 3)
        var single = PairedSamples()
        var batched = PairedSamples()
        var ceiling = PairedSamples()
        var runs: [Run] = []
        for index in 1...settings.runs {
            let raw = try await rawRate(encoded, eventsPerTransaction: 1, seconds: baselineSeconds)
            let ours = try await ScratchDirectory.with(base: settings.directory) { directory in
                try await measureLedger(corpus, directory: directory)
            }
            let batch = max(1, Int(ours.eventsPerCommit.rounded()))
            let rawBatched = try await rawRate(encoded, eventsPerTransaction: batch, seconds: baselineSeconds)
            let rawCeiling = try await rawRate(encoded, eventsPerTransaction: tasks, seconds: baselineSeconds)
            single.add(baseline: raw, ours: ours.throughput)
            batched.add(baseline: rawBatched, ours: ours.throughput)
            ceiling.add(baseline: rawCeiling, ours: ours.throughput)
            runs.append(ours)
            Progress.log(
                "P2 run \(index)/\(settings.runs): raw 1/txn \(Format.rate(raw)), ours \(Format.rate(ours.throughput))"
                    + " at \(Format.number(ours.eventsPerCommit)) events/commit, raw \(batch)/txn "
                    + "\(Format.rate(rawBatched)), raw \(tasks)/txn \(Format.rate(rawCeiling))")
        }
        return results(single: single, batched: batched, ceiling: ceiling, runs: runs)
    }

    private func results(single: PairedSamples, batched: PairedSamples, ceiling: PairedSamples, runs: [Run])
        -> [BenchmarkResult]
    {
        let tasks = settings.concurrentTasks
        let batches = runs.map { String(Int($0.eventsPerCommit.rounded())) }.joined(separator: ", ")
        let percentile = { (fraction: Double) in
            Summary(runs.map { Summary.percentile(fraction, of: $0.latencies) * 1000 })
        }
        return [
            .comparison(
                "P2 \(tasks) tasks × 1 event, durable ack", single, target: 20_000, targetOn: .value,
                note: "baseline: raw LMDB at 1 event/txn; \(Format.number(settings.concurrentSeconds)) s per run"),
            .comparison(
                "P2 vs raw at the mean batch", batched, target: nil, targetOn: nil,
                note: "baseline: raw LMDB at the run's mean events per commit (\(batches) events/txn)"),
            .comparison(
                "P2 vs raw at \(tasks)/txn", ceiling, target: nil, targetOn: nil,
                note: "baseline: raw LMDB at \(tasks) events/txn, the largest batch \(tasks) callers can form"),
            BenchmarkResult(
                name: "P2 mean events per commit", value: Summary(runs.map(\.eventsPerCommit)),
                unit: "events/commit", target: 8, targetOn: .value),
            BenchmarkResult(name: "P2 ack latency p50", value: percentile(0.50), unit: "ms"),
            BenchmarkResult(name: "P2 ack latency p99", value: percentile(0.99), unit: "ms"),
        ]
    }

    private func rawRate(_ encoded: EncodedEvents, eventsPerTransaction: Int, seconds: Double) async throws
        -> Throughput
    {
        try await ScratchDirectory.with(base: settings.directory) { directory in
            try RawIngest.run(
                encoded, eventsPerTransaction: eventsPerTransaction, directory: directory + "/raw",
                mapSizeBytes: settings.mapSizeBytes, until: .now + .seconds(seconds))
        }
    }

    private func measureLedger(_ corpus: EventCorpus, directory: String) async throws -> Run {
        let ledger = try settings.openLedger(in: directory)
        defer { ledger.close() }
        let tasks = settings.concurrentTasks
        let transactionsBefore = try ledger.environment.info().lastTransactionID
        let deadline = ContinuousClock.now + .seconds(settings.concurrentSeconds)
        var latencies: [Double] = []
        let throughput = try await Stopwatch.measure {
            latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
                for stream in 0..<tasks {
                    group.addTask {
                        try await Self.appendLoop(ledger, corpus, stream: stream, streamCount: tasks, until: deadline)
                    }
                }
                var all: [Double] = []
                for try await part in group { all += part }
                return all
            }
            return latencies.count
        }
        let commits = try ledger.environment.info().lastTransactionID - transactionsBefore
        return Run(throughput: throughput, commits: commits, latencies: latencies)
    }

    /// One task: the next event of its stream, `.noStream` then `.exact(previous)`, until the deadline.
    /// Returns each append's ack latency in seconds.
    private static func appendLoop(
        _ ledger: Ledger, _ corpus: EventCorpus, stream streamIndex: Int, streamCount: Int,
        until deadline: ContinuousClock.Instant
    ) async throws -> [Double] {
        let stream = corpus.stream(streamIndex)
        var latencies: [Double] = []
        var version: UInt64 = 0
        while ContinuousClock.now < deadline {
            let event = corpus.event(Int(version) * streamCount + streamIndex)
            let expected: ExpectedVersion = version == 0 ? .noStream : .exact(StreamVersion(version - 1))
            let sent = ContinuousClock.now
            let result = try await ledger.append(to: stream, expectedVersion: expected, events: [event])
            latencies.append((ContinuousClock.now - sent).seconds)
            guard result.streamVersion.rawValue == version else {
                throw BenchmarkError("\(stream) acknowledged version \(result.streamVersion), expected \(version)")
            }
            version += 1
        }
        return latencies
    }
}
