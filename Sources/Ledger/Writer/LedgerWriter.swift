import Dispatch
import Foundation
import Synchronization

/// The ledger's only write path: one OS thread drains queued appends and commits them in one durable
/// transaction per batch (group commit, ledger.md §2.5); callers resume only after that commit.
final class LedgerWriter: Sendable {
    typealias Reply = CheckedContinuation<Result<[AppendResult], LedgerError>, Never>

    private struct Pending {
        let request: BatchCommitter.Request
        let reply: Reply

        var eventCount: Int {
            switch request {
            case .append(let prepared): prepared.eventCount
            case .importRecords(let records): records.count
            case .checkpoint, .cosignatures: 0
            }
        }

        var byteCount: Int {
            switch request {
            case .append(let prepared): prepared.byteCount
            case .importRecords(let records): records.reduce(0) { $0 + $1.count }
            case .checkpoint, .cosignatures: 0
            }
        }
    }

    private struct Inbox {
        var pending: [Pending] = []
        var stopReason: LedgerError?
        var closing = false
    }

    private let inbox = Mutex(Inbox())
    private let wakeUp = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let committer: Mutex<BatchCommitter?>
    private let onCommit: @Sendable (UInt64) -> Void
    /// In a struct: a bare closure in a `Mutex` is re-abstracted through `withLock`'s `inout` and written back
    /// wrapped in two more thunks at every read, so each commit would call it through more frames than the last.
    private let observer = Mutex<Observer?>(nil)

    private struct Observer {
        let report: CommitObserver
    }

    private let linger: GroupCommitLinger

    init(
        committer: sending BatchCommitter, lingerMicroseconds: UInt32,
        onCommit: @escaping @Sendable (UInt64) -> Void
    ) {
        self.committer = Mutex(committer)
        self.linger = GroupCommitLinger(microsecondsMax: lingerMicroseconds)
        self.onCommit = onCommit
        let thread = Thread { [self] in runLoop() }
        thread.name = "cusledger.writer"
        thread.stackSize = 4 << 20
        thread.start()
    }

    /// Returns once the batch holding `request` is durable, or why it was refused.
    func append(_ request: PreparedAppend) async throws(LedgerError) -> [AppendResult] {
        try await submit(.append(request))
    }

    /// Appends records framed by another ledger, byte for byte.
    func importRecords(_ records: [[UInt8]]) async throws(LedgerError) -> [AppendResult] {
        try await submit(.importRecords(records))
    }

    /// Adds witness cosignature lines to the stored checkpoint of the same size; returns once durable.
    func addCosignatures(_ cosigned: SignedCheckpoint) async throws(LedgerError) {
        _ = try await submit(.cosignatures(cosigned))
    }

    /// Signs a checkpoint now if the tree grew since the last one; returns once it is durable.
    func checkpointNow() async throws(LedgerError) {
        _ = try await submit(.checkpoint)
    }

    private func submit(_ request: BatchCommitter.Request) async throws(LedgerError) -> [AppendResult] {
        let result = await withCheckedContinuation { (reply: Reply) in
            let refusal: LedgerError? = inbox.withLock { inbox in
                if let stopReason = inbox.stopReason { return stopReason }
                if inbox.closing { return LedgerError(.notWritable, "the ledger is closing") }
                if inbox.pending.count >= LedgerLimits.writerQueueRequestsMax {
                    return LedgerError(
                        .overloaded, "\(LedgerLimits.writerQueueRequestsMax) appends are queued; retry shortly")
                }
                inbox.pending.append(Pending(request: request, reply: reply))
                return nil
            }
            if let refusal { reply.resume(returning: .failure(refusal)) } else { wakeUp.signal() }
        }
        return try result.get()
    }

    /// Reports every later batch to `observer` (replacing any earlier one).
    func observeCommits(_ observer: @escaping CommitObserver) {
        self.observer.withLock { $0 = Observer(report: observer) }
    }

    /// Why the writer stopped taking appends, if it did.
    var stopReason: LedgerError? { inbox.withLock { $0.stopReason } }

    var clockRegressions: UInt64 { committer.withLock { $0?.state.clockRegressions ?? 0 } }

    /// Commits what is queued, then ends the thread.
    func close() {
        let alreadyClosing = inbox.withLock { inbox in
            defer { inbox.closing = true }
            return inbox.closing
        }
        guard !alreadyClosing else { return }
        wakeUp.signal()
        finished.wait()
    }

    private func runLoop() {
        while true {
            // A stopped writer signs nothing more (and must not spin retrying a failed checkpoint).
            let due = stopReason == nil ? committer.withLock { $0?.secondsUntilCheckpointDue } : nil
            if let due {
                if wakeUp.wait(timeout: .now() + due) == .timedOut {
                    commit([])  // the cadence's interval elapsed with no append
                    continue
                }
            } else {
                wakeUp.wait()
            }
            let (batch, closing, leftOver) = takeBatch()
            if !batch.isEmpty {
                let made = commit(batch, queuedBefore: leftOver)
                linger.wait(after: made) { inbox.withLock { $0.pending.count } }
            }
            if closing && batch.isEmpty { break }
            if !batch.isEmpty { wakeUp.signal() }  // more may be queued than one batch held
        }
        if stopReason == nil { commit([], forceCheckpoint: true) }  // a writing command signs when it finishes
        committer.withLock { $0 = nil }
        finished.signal()
    }

    /// The next batch, whether the writer is closing, and how many requests stay queued after it.
    private func takeBatch() -> ([Pending], Bool, Int) {
        inbox.withLock { inbox in
            var events = 0
            var bytes = 0
            var count = 0
            for pending in inbox.pending {
                let nextEvents = events + pending.eventCount
                let nextBytes = bytes + pending.byteCount
                if count > 0
                    && (nextEvents > LedgerLimits.appendBatchEventsMax || nextBytes > LedgerLimits.appendBatchBytesMax)
                {
                    break
                }
                (events, bytes, count) = (nextEvents, nextBytes, count + 1)
            }
            let batch = Array(inbox.pending.prefix(count))
            inbox.pending.removeFirst(count)
            return (batch, inbox.closing, inbox.pending.count)
        }
    }

    /// Commits `batch`, taken off the queue leaving `queuedBefore` requests, and answers its callers; returns
    /// what the group-commit linger needs to know of it.
    @discardableResult
    private func commit(_ batch: [Pending], queuedBefore: Int = 0, forceCheckpoint: Bool = false)
        -> GroupCommitLinger.Commit
    {
        let clock = ContinuousClock()
        let started = clock.now
        let before = committer.withLock { $0?.state }
        let outcome = committer.withLock { committer in
            committer.map { $0.commit(batch.map(\.request), forceCheckpoint: forceCheckpoint) }
        }
        let duration = clock.now - started
        let made = GroupCommitLinger.Commit(
            requests: batch.count, duration: duration, queuedBefore: queuedBefore,
            queuedAfter: inbox.withLock { $0.pending.count })
        report(batch, outcome: outcome, before: before, duration: duration)
        switch outcome {
        case .committed(let results)?:
            if let size = committer.withLock({ $0?.state.treeSize }) { onCommit(size) }
            for (pending, result) in zip(batch, results) { pending.reply.resume(returning: result) }
        case .refused(let error)?:
            for pending in batch { pending.reply.resume(returning: .failure(error)) }
        case .failed(let error)?:
            stop(because: error, failing: batch)
        case nil:
            for pending in batch {
                pending.reply.resume(returning: .failure(LedgerError(.notWritable, "writer closed")))
            }
        }
        return made
    }

    private func report(
        _ batch: [Pending], outcome: BatchCommitter.Outcome?, before: BatchCommitter.State?, duration: Duration
    ) {
        guard !batch.isEmpty, let observer = observer.withLock({ $0 }) else { return }
        let requests = batch.count { if case .checkpoint = $0.request { false } else { true } }
        var committed = false
        var appended: UInt64 = 0
        var regressions: UInt64 = 0
        if case .committed = outcome, let before, let after = committer.withLock({ $0?.state }) {
            committed = true
            appended = after.treeSize - before.treeSize
            regressions = after.clockRegressions - before.clockRegressions
        }
        var stoppedBy: String?
        if case .failed(let error)? = outcome { stoppedBy = error.description }
        observer.report(
            CommitReport(
                requests: requests, eventsAppended: appended, duration: duration, committed: committed,
                writerStopped: stoppedBy, clockRegressions: regressions))
    }

    /// ledger.md §2.5 item 4: never retry a failed commit; answer the batch, refuse everything after it.
    private func stop(because error: LedgerError, failing batch: [Pending]) {
        let stopped = LedgerError(
            .writerStopped, "the writer stopped after: \(error.message). Restart to verify and resume",
            underlying: error.underlying)
        let queued = inbox.withLock { inbox in
            inbox.stopReason = stopped
            defer { inbox.pending.removeAll() }
            return inbox.pending
        }
        for pending in batch { pending.reply.resume(returning: .failure(error)) }
        for pending in queued { pending.reply.resume(returning: .failure(stopped)) }
    }
}
