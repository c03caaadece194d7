/// What one group commit did, for an observer outside the ledger (the server's metrics): the seam that keeps
/// `Ledger` free of any metrics library (style.md §1).
public struct CommitReport: Sendable, Equatable {
    /// Requests the batch held (appends, imports, cosignatures; a checkpoint on its own counts none).
    public var requests: Int
    /// Events the batch made durable (the tree's growth; a retried append already recorded adds none).
    public var eventsAppended: UInt64
    /// Wall time of the write transaction, commit and fsync included.
    public var duration: Duration
    /// Whether the transaction committed (false: refused or failed; nothing of the batch is durable).
    public var committed: Bool
    /// Set when the commit itself failed (`ENOSPC`, an I/O error): the batch's outcome is unknown and the writer
    /// stops taking appends; this is why (the error's description: code, message, LMDB code, never payload bytes;
    /// ledger.md §2.5 item 4). Nil for a commit or a refused batch.
    public var writerStopped: String?
    /// How often the committed batch found the clock earlier than the previous batch's `recordedAt` (0 or 1;
    /// ledger.md §6: appends go on, order is by position, and the regression is counted).
    public var clockRegressions: UInt64

    public init(
        requests: Int, eventsAppended: UInt64, duration: Duration, committed: Bool,
        writerStopped: String? = nil, clockRegressions: UInt64 = 0
    ) {
        self.requests = requests
        self.eventsAppended = eventsAppended
        self.duration = duration
        self.committed = committed
        self.writerStopped = writerStopped
        self.clockRegressions = clockRegressions
    }
}

/// Called on the writer thread after every batch; must return quickly and never call back into the ledger.
public typealias CommitObserver = @Sendable (CommitReport) -> Void
