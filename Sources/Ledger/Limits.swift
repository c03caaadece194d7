/// Every bound of the ledger in one place; names carry their unit (style.md §3).
public enum LedgerLimits {
    /// ledger.md §3.1: clear payload bytes.
    public static let payloadBytesMax = 65_536
    /// ledger.md §3.1: sealed ciphertext plus tag.
    public static let sealedBytesMax = 65_552
    public static let actorBytesMax = 64
    /// Events in one append request (all its streams together).
    public static let appendEventsMax = 10_000
    /// ledger.md §2.5: events drained into one write transaction.
    public static let appendBatchEventsMax = 10_000
    /// ledger.md §2.5: record bytes drained into one write transaction.
    public static let appendBatchBytesMax = 16 << 20
    /// Requests waiting for the writer; beyond it appends fail fast with `overloaded`.
    public static let writerQueueRequestsMax = 16_384
    /// Records read per read transaction by long scans (ledger.md §2.4: short read transactions).
    public static let replayPageEventsMax = 100_000
    /// Events returned by one read call.
    public static let readEventsMax = 100_000
    /// Map-growth retries of one batch before answering `mapFull`.
    public static let mapGrowthRetriesMax = 32
}
