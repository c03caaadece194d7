import Domain

/// A named, versioned function from events to rows (ledger.md §2.1, domain.md §5). Its rows live in its own
/// databases inside the projections environment, one set per generation, and its checkpoint is written in the
/// same transaction as its rows. `apply` must be deterministic: the same events give the same rows, byte for
/// byte, whether built live or rebuilt from zero.
public protocol Projection: Sendable {
    /// The view's name as domain.md §5 spells it.
    static var name: String { get }
    /// The code version: a change rebuilds the projection from position 0 on start.
    static var version: UInt32 { get }
    /// The event types it reads; every other record is skipped without decoding its payload.
    static var eventTypes: Set<String> { get }
    /// Its tables (LMDB databases of one generation).
    static var tables: [String] { get }

    /// Its cost per event of a rebuild relative to other projections (1 by default), from `cus-bench
    /// projections`' per-view figures: a build of several projections on several cores splits them into groups
    /// of about equal cost (`ProjectionBuilder.build`). Only the speed of a build depends on it.
    static var rebuildCost: Double { get }

    /// Applies one event to the rows of the batch in progress.
    func apply(_ event: ProjectedEvent, to rows: RowBatch) throws(ProjectionError)
}

extension Projection {
    var name: String { Self.name }

    public static var rebuildCost: Double { 1 }
}
