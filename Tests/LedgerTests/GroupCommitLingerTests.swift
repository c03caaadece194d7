import Ledger
import Testing

/// The wait after a commit that the ledger's writer and the keys env's group commit share (ADR 0005, ADR 0019).
/// `queued` stands in for the queue: each call returns the next length.
@Suite("Group-commit linger")
struct GroupCommitLingerTests {
    /// Replays `lengths` (the last one repeats) and counts how often the queue was looked at.
    final class Queue {
        var lengths: [Int]
        var looks = 0
        init(_ lengths: [Int]) { self.lengths = lengths }

        func next() -> Int {
            looks += 1
            return lengths.count > 1 ? lengths.removeFirst() : lengths[0]
        }
    }

    @Test("After a commit of one request, or with lingering off, the queue is not even looked at")
    func loneCallerNeverWaits() {
        let queue = Queue([0])
        GroupCommitLinger(microsecondsMax: 1_000).wait(afterBatchOf: 1, queued: queue.next)
        GroupCommitLinger(microsecondsMax: 0).wait(afterBatchOf: 50, queued: queue.next)
        #expect(queue.looks == 0)
    }

    @Test("It waits while the queue grows and stops once it stops growing")
    func stopsWhenTheQueueStopsGrowing() {
        let queue = Queue([1, 3, 4, 4, 9])
        GroupCommitLinger(microsecondsMax: 1_000).wait(afterBatchOf: 10, queued: queue.next)
        #expect(queue.looks == 4)  // 1, 3, 4, then 4 again: stopped growing
    }

    @Test("It stops once the queue holds as many requests as the last commit carried")
    func stopsAtTheLastBatchSize() {
        let queue = Queue([2, 5, 8, 9])
        GroupCommitLinger(microsecondsMax: 1_000).wait(afterBatchOf: 8, queued: queue.next)
        #expect(queue.looks == 3)
    }

    @Test("An empty queue is waited on up to the bound, in 100 µs steps")
    func boundedByItsMaximum() {
        let queue = Queue([0])
        GroupCommitLinger(microsecondsMax: 1_000).wait(afterBatchOf: 4, queued: queue.next)
        #expect(queue.looks == 11)  // one look before the first step, one after each of ten steps
    }
}
