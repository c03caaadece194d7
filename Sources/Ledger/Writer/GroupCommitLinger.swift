#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// ledger.md §2.5 item 3 and ADR 0005: after a commit of several requests, the callers just answered usually
/// send their next request at once. Waiting a bounded time while the queue is still growing lets them share
/// the next commit (its flushes) instead of splitting into two; a lone sequential caller never waits. Used by
/// the ledger's writer thread and by the keys env's group commit (ADR 0019).
public struct GroupCommitLinger: Sendable {
    /// The longest wait after one commit; 0 turns lingering off.
    public let microsecondsMax: UInt32
    static let stepMicroseconds: UInt32 = 100

    public init(microsecondsMax: UInt32) { self.microsecondsMax = microsecondsMax }

    /// Blocks the calling (writer) thread in 100 µs steps while `queued()` grows and stays below the
    /// `requests` the last commit carried, up to `microsecondsMax`.
    public func wait(afterBatchOf requests: Int, queued: () -> Int) {
        guard requests > 1, microsecondsMax > 0 else { return }
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
}
