/// A point inside one commit of the writer, where a test may make the commit fail as a crash would
/// (ledger.md §6, the seeded simulation). Nothing in the product sets a fault hook.
@_spi(Testing) public enum CommitStep: Sendable, Hashable, CustomStringConvertible {
    /// The write transaction is open; nothing is put yet.
    case transactionOpened
    /// `count` records of the transaction are put (1 … the batch's records).
    case recordsPut(count: Int)
    /// Every record, tile, meta entry and checkpoint of the batch is put; the commit comes next.
    case beforeCommit
    /// The transaction is durable; the writer has not yet updated its state or answered anyone.
    case afterCommit

    public var description: String {
        switch self {
        case .transactionOpened: "transactionOpened"
        case .recordsPut(let count): "recordsPut(\(count))"
        case .beforeCommit: "beforeCommit"
        case .afterCommit: "afterCommit"
        }
    }
}

/// Told every `CommitStep` the writer thread reaches; throwing ends the commit there. Before `afterCommit` the
/// transaction is aborted (nothing of the batch is durable); at `afterCommit` it is already durable. Either way
/// the writer answers the batch `outcomeUnknown` and stops, as after a failed commit (ledger.md §2.5 item 4).
/// Called on the writer thread inside the write transaction: it must not call back into the ledger.
@_spi(Testing) public protocol CommitFaults: Sendable {
    func reached(_ step: CommitStep) throws
}
