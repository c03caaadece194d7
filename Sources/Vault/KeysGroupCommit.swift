import Dispatch
import LMDB
import Ledger
import Synchronization

/// Group commit for the keys env, as the ledger's writer does for events (ledger.md §2.2, ADR 0005): writes
/// of concurrent commands (a new resident's data key, a PESEL entry) queue up; one drain at a time runs every
/// queued write in one LMDB write transaction and commits it with one flush, then resumes the callers. The
/// drain runs on its own dispatch queue, so the flush never blocks one of Swift's cooperative threads.
///
/// A write that throws a `VaultError` (a rule: the subject was erased, another subject holds the PESEL) fails
/// alone, so it must throw before its first put. Any other error (LMDB's: map full, disk) aborts the
/// transaction and fails every write of the batch; none of them committed.
final class KeysGroupCommit: Sendable {
    /// One queued write: `run` applies it inside the batch's transaction and returns how to answer its caller
    /// once the batch committed; `fail` answers it when the batch did not commit.
    private struct Pending: Sendable {
        let run: @Sendable (Transaction) throws -> @Sendable () -> Void
        let fail: @Sendable (VaultError) -> Void
    }

    private struct State {
        var queued: [Pending] = []
        var isDraining = false
    }

    /// Writes one transaction takes at most; the rest wait for the next one.
    static let writesPerCommitMax = 1024

    private let store: SwappableKeysStore
    private let state = Mutex(State())
    private let commitsMade = Atomic<Int>(0)
    private let writesCommitted = Atomic<Int>(0)
    private let queue = DispatchQueue(label: "cusledger.vault.keys-group-commit")

    private let linger: GroupCommitLinger

    init(store: SwappableKeysStore, linger: GroupCommitLinger) {
        self.store = store
        self.linger = linger
    }

    /// Runs `body` in a shared write transaction and returns its value once that transaction committed.
    func write<R: Sendable>(_ body: @escaping @Sendable (Transaction) throws -> R) async throws(VaultError) -> R {
        let outcome: Result<R, VaultError> = await withCheckedContinuation { continuation in
            let pending = Pending(
                run: { txn in
                    let answer: Result<R, VaultError>
                    do { answer = .success(try body(txn)) } catch let error as VaultError { answer = .failure(error) }
                    return { continuation.resume(returning: answer) }
                },
                fail: { error in continuation.resume(returning: .failure(error)) })
            enqueue(pending)
        }
        return try outcome.get()
    }

    private func enqueue(_ pending: Pending) {
        let startsDrain = state.withLock { state in
            state.queued.append(pending)
            defer { state.isDraining = true }
            return !state.isDraining
        }
        if startsDrain { queue.async { self.drain() } }
    }

    /// Commits batches until the queue is empty, then lets the next `enqueue` start a new drain.
    private func drain() {
        let clock = ContinuousClock()
        while let (batch, queuedBefore) = nextBatch() {
            var answers: [@Sendable () -> Void] = []
            let started = clock.now
            do {
                try store.write("cannot commit \(batch.count) writes to the keys env") { txn in
                    answers.removeAll(keepingCapacity: true)
                    for pending in batch { answers.append(try pending.run(txn)) }
                }
            } catch {
                for pending in batch { pending.fail(error) }
                continue
            }
            commitsMade.add(1, ordering: .relaxed)
            writesCommitted.add(batch.count, ordering: .relaxed)
            let made = GroupCommitLinger.Commit(
                requests: batch.count, duration: clock.now - started, queuedBefore: queuedBefore,
                queuedAfter: state.withLock { $0.queued.count })
            for answer in answers { answer() }
            linger.wait(after: made) { state.withLock { $0.queued.count } }
        }
    }

    /// Transactions committed and the writes they carried, since the vault opened.
    var statistics: (commits: Int, writes: Int) {
        (commitsMade.load(ordering: .relaxed), writesCommitted.load(ordering: .relaxed))
    }

    /// The next batch and how many writes stay queued after it; nil once the queue is empty.
    private func nextBatch() -> (batch: [Pending], queuedBefore: Int)? {
        state.withLock { state in
            guard !state.queued.isEmpty else {
                state.isDraining = false
                return nil
            }
            let count = min(state.queued.count, Self.writesPerCommitMax)
            let batch = Array(state.queued.prefix(count))
            state.queued.removeFirst(count)
            return (batch, state.queued.count)
        }
    }
}
