import Testing

@testable import Projections

/// The pause between live catch-ups (ADR 0021): it lasts the rest of the interval unless a reader waits or wakes
/// it. The intervals are an hour, so a pause that failed to end would stop the test at its time limit rather than
/// pass by luck. The limit is far above what a passing test needs, because the pause's tasks run on the cooperative
/// pool: in a full `swift test` on two cores, synchronous tests beside them kept both of its threads busy and
/// delayed this suite by minutes (409 s once, with a pause that ended at its wake), so a limit of one minute
/// stopped passing tests. Thirty minutes is below the hour, so a pause that never ends still fails.
@Suite("Catch-up pacer")
struct CatchUpPacerTests {
    static let hour = Duration.seconds(3600)
    static func nobody() -> Bool { false }

    /// A pause of an hour in a task of its own, once it is under way.
    static func pausing(_ pacer: CatchUpPacer) async throws -> Task<Void, Never> {
        let task = Task { await pacer.pause(since: .now, unless: nobody) }
        while !pacer.isPausing { try await Task.sleep(for: .milliseconds(5)) }
        return task
    }

    @Test("A pause ends at the interval's end, and at once when that is past or the interval is zero")
    func pauseEndsAtTheInterval() async {
        let began = ContinuousClock.now
        await CatchUpPacer(interval: .milliseconds(50)).pause(since: began, unless: Self.nobody)
        #expect(ContinuousClock.now - began >= .milliseconds(50))
        await CatchUpPacer(interval: Self.hour).pause(since: .now - Self.hour - .seconds(1), unless: Self.nobody)
        await CatchUpPacer(interval: .zero).pause(since: .now, unless: Self.nobody)
    }

    @Test("No pause while someone waits", .timeLimit(.minutes(30)))
    func noPauseWhileSomeoneWaits() async {
        let pacer = CatchUpPacer(interval: Self.hour)
        await pacer.pause(since: .now, unless: { true })
        #expect(!pacer.isPausing)
    }

    enum Interruption: CaseIterable { case wake, cancellation }

    @Test(
        "A wake, or cancelling the pausing task, ends the pause in progress", .timeLimit(.minutes(30)),
        arguments: Interruption.allCases)
    func interruptionEndsThePause(_ interruption: Interruption) async throws {
        let pacer = CatchUpPacer(interval: Self.hour)
        let pause = try await Self.pausing(pacer)
        switch interruption {
        case .wake: pacer.wake()
        case .cancellation: pause.cancel()
        }
        await pause.value
        #expect(!pacer.isPausing)
    }

    @Test("A wake with no pause in progress changes nothing for the next pause")
    func wakeWithoutPauseIsNotKept() async throws {
        let pacer = CatchUpPacer(interval: Self.hour)
        pacer.wake()
        let start = ContinuousClock.now
        let pause = Task {
            await pacer.pause(since: .now, unless: Self.nobody)
            return ContinuousClock.now
        }
        try await Task.sleep(for: .milliseconds(200))
        pause.cancel()
        let ended = await pause.value
        #expect(ended - start >= .milliseconds(200))
    }
}
