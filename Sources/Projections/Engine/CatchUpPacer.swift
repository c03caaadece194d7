import Synchronization

/// Spaces the live catch-ups while nobody waits for a position (ADR 0021): each write transaction of the
/// projections env costs a flush and rewrites the branch pages of every table it touches, so under a steady stream
/// of commits one catch-up every `interval` writes far fewer pages than one per commit. A reader waiting for
/// read-your-writes `wake`s the pause, so it never waits for the spacing.
final class CatchUpPacer: Sendable {
    let interval: Duration
    /// The sleep of the pause in progress, which `wake` cancels.
    private let sleep = Mutex<Task<Void, Never>?>(nil)

    init(interval: Duration) {
        self.interval = interval
    }

    /// Whether a pause is in progress (for tests).
    var isPausing: Bool { sleep.withLock { $0 != nil } }

    /// Returns once `interval` has passed since `began` (the start of the last catch-up), at `wake`, or when the
    /// calling task is cancelled; at once when the interval is over or `someoneWaits`. `someoneWaits` is asked
    /// under the pacer's lock, which `wake` takes too, so a reader who starts waiting after it answered finds the
    /// pause to end: no wake is lost between the question and the sleep.
    func pause(since began: ContinuousClock.Instant, unless someoneWaits: () -> Bool) async {
        let deadline = began + interval
        guard deadline > .now else { return }
        let pause = sleep.withLock { sleep -> Task<Void, Never>? in
            if someoneWaits() { return nil }
            let pause = Task { _ = try? await Task.sleep(until: deadline, clock: .continuous) }
            sleep = pause
            return pause
        }
        guard let pause else { return }
        await withTaskCancellationHandler {
            await pause.value
        } onCancel: {
            pause.cancel()
        }
        sleep.withLock { $0 = nil }
    }

    /// Ends the pause in progress, if any. A reader calls it after it joined the waiters, so a pause that starts
    /// later sees it waiting and does not sleep.
    func wake() {
        sleep.withLock { $0 }?.cancel()
    }
}
