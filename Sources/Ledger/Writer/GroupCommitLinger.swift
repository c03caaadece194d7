#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// ledger.md §2.5 item 3, ADR 0005 and ADR 0026: after a commit of several requests, more requests usually
/// follow at once. Waiting a bounded time while they come lets them share the next commit (its flushes)
/// instead of splitting into two; a lone sequential caller never waits. Used by the ledger's writer thread and
/// by the keys env's group commit (ADR 0019).
public struct GroupCommitLinger: Sendable {
    /// The longest wait after one commit; 0 turns lingering off.
    public let microsecondsMax: UInt32
    static let stepMicroseconds: UInt32 = 100

    public init(microsecondsMax: UInt32) { self.microsecondsMax = microsecondsMax }

    /// What the linger needs to know of the commit just made. Only the committing thread takes requests off the
    /// queue, so the requests that arrived while it ran are the growth of the queue between the two lengths.
    public struct Commit: Sendable {
        /// The requests it carried.
        public var requests: Int
        /// How long it took.
        public var duration: Duration
        /// The queue's length once its batch was taken off.
        public var queuedBefore: Int
        /// The queue's length once it committed, before its own callers were answered.
        public var queuedAfter: Int

        public init(requests: Int, duration: Duration, queuedBefore: Int, queuedAfter: Int) {
            self.requests = requests
            self.duration = duration
            self.queuedBefore = queuedBefore
            self.queuedAfter = queuedAfter
        }

        var arrivedMeanwhile: Int { queuedAfter - queuedBefore }
    }

    /// Blocks the calling (writer) thread in 100 µs steps, up to `microsecondsMax`, while requests keep coming;
    /// not at all when a queue longer than one batch already held the next one. `queued()` is the queue's length
    /// now.
    public func wait(after commit: Commit, queued: () -> Int) {
        guard commit.requests > 1, commit.queuedBefore == 0, microsecondsMax > 0 else { return }
        if commit.arrivedMeanwhile > 0 {
            waitWhileArriving(after: commit, queued: queued)
        } else {
            waitForAnsweredCallers(count: commit.requests, queued: queued)
        }
    }

    /// Nothing queued during the commit: its callers were all waiting for it (P2's closed loop), and the ones
    /// that come back come within microseconds. Waits while the queue grows and stays below their number.
    private func waitForAnsweredCallers(count requests: Int, queued: () -> Int) {
        var waited: UInt32 = 0
        var previous = queued()
        while waited < microsecondsMax && previous < requests {
            usleep(Self.stepMicroseconds)
            waited += Self.stepMicroseconds
            let now = queued()
            if now == previous && now > 0 { break }  // stopped growing
            previous = now
        }
    }

    /// Requests queued while the commit ran: callers other than the ones it answered keep coming (a server's
    /// many connections, each request taking CPU before it reaches the queue), so the last batch's size is no
    /// bound. Waits while they come at about the pace seen since the commit began, and stops once none has
    /// come for twice the mean gap between them.
    private func waitWhileArriving(after commit: Commit, queued: () -> Int) {
        let commitMicroseconds = commit.duration / .microseconds(1)
        var waited: UInt32 = 0
        var quiet: UInt32 = 0
        var previous = queued()
        while waited < microsecondsMax {
            usleep(Self.stepMicroseconds)
            waited += Self.stepMicroseconds
            let now = queued()
            quiet = now > previous ? 0 : quiet + Self.stepMicroseconds
            previous = now
            let meanGap = (commitMicroseconds + Double(waited)) / Double(max(now, 1))
            if Double(quiet) > 2 * meanGap { break }
        }
    }
}
