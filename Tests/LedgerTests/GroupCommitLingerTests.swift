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

    /// A commit of `requests` that took `milliseconds` while `arrived` other requests queued.
    static func commit(_ requests: Int, milliseconds: Int = 1, arrived: Int = 0) -> GroupCommitLinger.Commit {
        GroupCommitLinger.Commit(
            requests: requests, duration: .milliseconds(milliseconds), queuedBefore: 0, queuedAfter: arrived)
    }

    static let linger = GroupCommitLinger(microsecondsMax: 1_000)

    @Test("After a commit of one request, or with lingering off, the queue is not even looked at")
    func loneCallerNeverWaits() {
        let queue = Queue([0])
        Self.linger.wait(after: Self.commit(1, arrived: 5), queued: queue.next)
        GroupCommitLinger(microsecondsMax: 0).wait(after: Self.commit(50, arrived: 5), queued: queue.next)
        #expect(queue.looks == 0)
    }

    @Test("When the queue held more than one batch took, the next batch is already there: no wait, no look")
    func fullQueueNeverWaits() {
        let queue = Queue([0])
        let leftBehind = GroupCommitLinger.Commit(
            requests: 64, duration: .milliseconds(1), queuedBefore: 3, queuedAfter: 3)
        Self.linger.wait(after: leftBehind, queued: queue.next)
        let stillArriving = GroupCommitLinger.Commit(
            requests: 64, duration: .milliseconds(1), queuedBefore: 3, queuedAfter: 9)
        Self.linger.wait(after: stillArriving, queued: queue.next)
        #expect(queue.looks == 0)
    }

    @Test("When nothing queued during the commit, it waits while the queue grows and stops once it stops growing")
    func stopsWhenTheQueueStopsGrowing() {
        let queue = Queue([1, 3, 4, 4, 9])
        Self.linger.wait(after: Self.commit(10), queued: queue.next)
        #expect(queue.looks == 4)  // 1, 3, 4, then 4 again: stopped growing
    }

    @Test("When nothing queued during the commit, it stops once the queue holds as many requests as it carried")
    func stopsAtTheLastBatchSize() {
        let queue = Queue([2, 5, 8, 9])
        Self.linger.wait(after: Self.commit(8), queued: queue.next)
        #expect(queue.looks == 3)
    }

    @Test("An empty queue is waited on up to the bound, in 100 µs steps")
    func boundedByItsMaximum() {
        let queue = Queue([0])
        Self.linger.wait(after: Self.commit(4), queued: queue.next)
        #expect(queue.looks == 11)  // one look before the first step, one after each of ten steps
    }

    @Test("When requests queued during the commit, it waits past the last batch's size while they keep coming")
    func keepsWaitingWhileRequestsArrive() {
        let growing = Queue(Array(4...20))
        Self.linger.wait(after: Self.commit(4, arrived: 4), queued: growing.next)
        #expect(growing.looks == 11)  // to the bound; with nothing queued during the commit it stops at once
        let closedLoop = Queue(Array(4...20))
        Self.linger.wait(after: Self.commit(4), queued: closedLoop.next)
        #expect(closedLoop.looks == 1)
    }

    @Test("When requests queued during the commit, it stops once none has come for twice their mean gap")
    func stopsWhenArrivalsAreOverdue() {
        // 10 during a 1 ms commit, then 2 more in the first step: a gap of about 100 µs, so 300 µs of quiet is
        // overdue (200 µs is not).
        let fast = Queue([10, 12])
        Self.linger.wait(after: Self.commit(10, arrived: 10), queued: fast.next)
        #expect(fast.looks == 5)
        // 2 during a 1 ms commit: a gap of 500 µs or more, which the 1 ms bound never lets become overdue.
        let slow = Queue([2])
        Self.linger.wait(after: Self.commit(10, arrived: 2), queued: slow.next)
        #expect(slow.looks == 11)
    }
}
