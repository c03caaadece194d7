import Synchronization

/// Wakes readers waiting for the tree to grow: subscriptions and read-your-writes.
package final class CommitNotifier: Sendable {
    private struct Waiter {
        let id: UInt64
        let threshold: UInt64
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var size: UInt64
        var nextWaiterID: UInt64 = 0
        var waiters: [Waiter] = []
        var closed = false
    }

    private let state: Mutex<State>

    package init(size: UInt64) { state = Mutex(State(size: size)) }

    package var size: UInt64 { state.withLock { $0.size } }

    package func publish(size: UInt64) {
        let ready = state.withLock { state in
            state.size = max(state.size, size)
            let current = state.size
            let ready = state.waiters.filter { $0.threshold < current }
            state.waiters.removeAll { $0.threshold < current }
            return ready
        }
        for waiter in ready { waiter.continuation.resume() }
    }

    package func close() {
        let all = state.withLock { state in
            state.closed = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in all { waiter.continuation.resume() }
    }

    /// Returns once the tree size exceeds `size`, the notifier closes, or the task is cancelled.
    package func waitForSize(above size: UInt64) async {
        let id = state.withLock { state in
            defer { state.nextWaiterID += 1 }
            return state.nextWaiterID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state in
                    if state.closed || state.size > size || Task.isCancelled { return true }
                    state.waiters.append(Waiter(id: id, threshold: size, continuation: continuation))
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                let index = state.waiters.firstIndex { $0.id == id }
                return index.map { state.waiters.remove(at: $0) }
            }
            waiter?.continuation.resume()
        }
    }
}
