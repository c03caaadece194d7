import Dispatch
import Synchronization

/// The one serial dispatch queue the engine runs its blocking work on: every live catch-up and start-up rebuild
/// writes the one projections env, whose write transactions LMDB runs one at a time anyway, and every commit
/// flushes to disk. Run on Swift's cooperative threads (as many as there are cores: two here), those waits —
/// for a flush, for LMDB's writer lock held by another projection — stalled the HTTP requests sharing them
/// (docs/benchmarks.md, issue 10).
final class ProjectionWriterQueue: Sendable {
    private final class CancellationFlag: Sendable {
        private let raised = Atomic<Bool>(false)
        var isRaised: Bool { raised.load(ordering: .relaxed) }
        func raise() { raised.store(true, ordering: .relaxed) }
    }

    private let queue = DispatchQueue(label: "cusledger.projections.writer")

    /// Runs `body` on the queue and returns its outcome; the `shouldStop` it is given turns true once the
    /// calling task is cancelled (`Task.isCancelled` means nothing on a dispatch queue).
    func run<R: Sendable, E: Error>(
        _ body: @escaping @Sendable (_ shouldStop: @escaping @Sendable () -> Bool) throws(E) -> R
    ) async throws(E) -> R {
        let cancellation = CancellationFlag()
        let outcome: Result<R, E> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                queue.async {
                    let shouldStop: @Sendable () -> Bool = { cancellation.isRaised }
                    continuation.resume(returning: Result { () throws(E) in try body(shouldStop) })
                }
            }
        } onCancel: {
            cancellation.raise()
        }
        return try outcome.get()
    }
}
