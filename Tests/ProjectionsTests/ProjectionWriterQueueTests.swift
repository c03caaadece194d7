import Foundation
import Synchronization
import Testing

@testable import Projections

/// The engine's serial writer queue: blocking builds run there one at a time, and cancelling the waiting task
/// reaches the build through `shouldStop`.
@Suite("Projection writer queue")
struct ProjectionWriterQueueTests {
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    @Test("Cancelling the waiting task turns the running work's shouldStop true")
    func cancellationReachesTheWork() async {
        let queue = ProjectionWriterQueue()
        let started = Counter()
        let task = Task {
            await queue.run { shouldStop in
                started.value.store(1, ordering: .relaxed)
                // Long past any wait of a passing test: in a full `swift test` on two cores the cooperative pool,
                // where this test waits to cancel, was once busy for over 30 s, and the work gave up first.
                let deadline = Date().addingTimeInterval(1_800)
                while !shouldStop() && Date() < deadline { usleep(1_000) }
                return shouldStop()
            }
        }
        while started.value.load(ordering: .relaxed) == 0 { try? await Task.sleep(for: .milliseconds(5)) }
        task.cancel()
        #expect(await task.value)
    }

    @Test("Work from many tasks runs one item at a time, each answered with its own result")
    func oneAtATime() async {
        let queue = ProjectionWriterQueue()
        let running = Counter()
        let overlaps = Counter()
        let results = await withTaskGroup(of: Int.self) { group in
            for index in 0..<16 {
                group.addTask {
                    await queue.run { _ in
                        if running.value.add(1, ordering: .sequentiallyConsistent).newValue > 1 {
                            overlaps.value.add(1, ordering: .relaxed)
                        }
                        usleep(2_000)
                        running.value.subtract(1, ordering: .sequentiallyConsistent)
                        return index
                    }
                }
            }
            return await group.reduce(into: Set<Int>()) { $0.insert($1) }
        }
        #expect(results == Set(0..<16))
        #expect(overlaps.value.load(ordering: .relaxed) == 0)
    }
}
