import Synchronization

/// Spaces the live catch-ups while nobody waits for a position (ADR 0021): each write transaction of the
/// projections env costs a flush and rewrites the branch pages of every table it touches, so under a steady stream
/// of commits one catch-up every `interval` writes far fewer pages than one per commit, for at most `interval` of
/// extra lag. A reader waiting for read-your-writes `wake`s the pause, so it never waits for the spacing.
final class CatchUpPacer: Sendable {
    let interval: Duration
    private let state = Mutex(State())

    private struct State {
        /// The sleep of the pause in progress, which `wake` cancels.
        var sleep: Task<Void, Never>?
        /// A `wake` that came while no pause was in progress: the next pause returns at once.
        var woken = false
    }

    init(interval: Duration) {
        self.interval = interval
    }

    /// Returns once `interval` has passed since `began` (the start of the last catch-up), at `wake`, or when the
    /// calling task is cancelled; at once when the interval is zero or already over.
    func pause(since began: ContinuousClock.Instant) async {
        let deadline = began + interval
        guard deadline > .now else { return }
        let sleep = state.withLock { state -> Task<Void, Never>? in
            if state.woken {
                state.woken = false
                return nil
            }
            let sleep = Task { _ = try? await Task.sleep(until: deadline, clock: .continuous) }
            state.sleep = sleep
            return sleep
        }
        guard let sleep else { return }
        await withTaskCancellationHandler {
            await sleep.value
        } onCancel: {
            sleep.cancel()
        }
        state.withLock { $0.sleep = nil }
    }

    /// Ends the pause in progress, or the next one when none is.
    func wake() {
        let sleep = state.withLock { state -> Task<Void, Never>? in
            guard let sleep = state.sleep else {
                state.woken = true
                return nil
            }
            return sleep
        }
        sleep?.cancel()
    }
}
