import Testing

@testable import Projections

/// The pause between live catch-ups (ADR 0021): it lasts the rest of the interval unless a reader wakes it, and
/// a wake that comes between pauses is kept for the next one. The intervals are an hour, so a pause that failed
/// to end would stop the test at its time limit rather than pass by luck.
@Suite("Catch-up pacer")
struct CatchUpPacerTests {
    static let hour = Duration.seconds(3600)

    @Test("A pause ends at the interval's end, and at once when that is past or the interval is zero")
    func pauseEndsAtTheInterval() async {
        let short = CatchUpPacer(interval: .milliseconds(50))
        let began = ContinuousClock.now
        await short.pause(since: began)
        #expect(ContinuousClock.now - began >= .milliseconds(50))
        await CatchUpPacer(interval: Self.hour).pause(since: .now - Self.hour - .seconds(1))
        await CatchUpPacer(interval: .zero).pause(since: .now)
    }

    @Test("A wake ends the pause in progress", .timeLimit(.minutes(10)))
    func wakeEndsThePause() async throws {
        let pacer = CatchUpPacer(interval: Self.hour)
        let pausing = Task { await pacer.pause(since: .now) }
        try await Task.sleep(for: .milliseconds(100))
        pacer.wake()
        await pausing.value
    }

    @Test("A wake between pauses ends the next pause at once, and only that one", .timeLimit(.minutes(10)))
    func wakeBetweenPausesIsKept() async throws {
        let pacer = CatchUpPacer(interval: Self.hour)
        pacer.wake()
        await pacer.pause(since: .now)
        let start = ContinuousClock.now
        let pausing = Task {
            await pacer.pause(since: .now)
            return ContinuousClock.now
        }
        try await Task.sleep(for: .milliseconds(200))
        pausing.cancel()
        let ended = await pausing.value
        #expect(ended - start >= .milliseconds(200), "the kept wake served one pause only")
    }

    @Test("Cancelling the pausing task ends its pause", .timeLimit(.minutes(10)))
    func cancellationEndsThePause() async {
        let pacer = CatchUpPacer(interval: Self.hour)
        let pausing = Task { await pacer.pause(since: .now) }
        pausing.cancel()
        await pausing.value
    }
}
