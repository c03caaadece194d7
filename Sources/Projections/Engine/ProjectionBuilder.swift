public import Ledger
import LMDB

/// Extends one projection generation by batches of events: each batch is one write transaction of the
/// projections environment holding the batch's coalesced rows and the new checkpoint (issue 7). A projection
/// that refuses an event keeps every earlier event's rows, records the position and the error, and stops.
public struct ProjectionBuilder: Sendable {
    public static let batchEventsMax = 10_000

    public let ledger: Ledger
    public let store: ProjectionsStore
    public let batchEvents: Int

    public init(ledger: Ledger, store: ProjectionsStore, batchEvents: Int = Self.batchEventsMax) {
        self.ledger = ledger
        self.store = store
        self.batchEvents = max(1, min(batchEvents, Self.batchEventsMax))
    }

    /// Applies one batch of at most `batchEvents` events below `limit` to the generation in `slot`, creating
    /// the record (a new generation after `firstGeneration`) when there is none. Returns the record after the
    /// batch; its checkpoint equals the old one when there was nothing to do.
    @discardableResult
    public func advance(
        _ projection: any Projection, slot: ProjectionSlot, upTo limit: UInt64, firstGeneration: UInt64 = 0
    ) throws(ProjectionError) -> ProjectionRecord {
        let type = type(of: projection)
        let outcome = try batch(projection, slot: slot, upTo: limit, firstGeneration: firstGeneration)
        guard case .failed(let position, let message) = outcome.result else { return outcome.record }
        // Redo the batch up to the refused event so its rows are kept, and record the failure with them.
        let kept = try batch(projection, slot: slot, upTo: position, firstGeneration: firstGeneration)
        return try write { txn throws(ProjectionError) in
            var record = kept.record
            record.failure = .init(position: position, message: message)
            try store.save(record, slot, type.name, in: txn)
            return record
        }
    }

    /// Runs batches until the generation holds every event below `limit` or the ledger's last, fails, or
    /// `shouldStop` says so (then `cancelled`; the checkpoint keeps what was built, so a rerun resumes).
    @discardableResult
    public func build(
        _ projection: any Projection, slot: ProjectionSlot, upTo limit: UInt64, firstGeneration: UInt64 = 0,
        progress: (ProjectionRecord) -> Void = { _ in }, shouldStop: () -> Bool = { false }
    ) throws(ProjectionError) -> ProjectionRecord {
        var before: UInt64?
        while true {
            let record = try advance(projection, slot: slot, upTo: limit, firstGeneration: firstGeneration)
            progress(record)
            // Done at the limit, at a failure, or at the end of the ledger (a batch that found nothing).
            if record.failure != nil || record.checkpoint >= limit || record.checkpoint == before { return record }
            if shouldStop() { throw ProjectionError.cancelled }
            before = record.checkpoint
        }
    }

    private enum BatchResult {
        case applied
        case failed(position: UInt64, message: String)
    }

    /// One write transaction. Rows reach the transaction only at `flush`, after every event of the batch
    /// applied, so a refused event leaves the transaction without any of the batch's rows.
    private func batch(
        _ projection: any Projection, slot: ProjectionSlot, upTo limit: UInt64, firstGeneration: UInt64
    ) throws(ProjectionError) -> (record: ProjectionRecord, result: BatchResult) {
        let type = type(of: projection)
        var opened: [String: LMDB.Database] = [:]
        let outcome = try write { txn throws(ProjectionError) -> (ProjectionRecord, BatchResult) in
            var record =
                try store.record(slot, type.name, in: txn)
                ?? ProjectionRecord(version: type.version, generation: firstGeneration)
            guard record.version == type.version else {
                throw ProjectionError.outdated(projection: type.name, built: record.version, code: type.version)
            }
            guard record.failure == nil, record.checkpoint < limit else { return (record, .applied) }
            guard
                let databases = try store.databases(
                    of: type, generation: record.generation, in: txn, create: true)
            else { throw ProjectionError.storage("could not create the tables of \(type.name)") }
            opened = databases
            let rows = RowBatch(transaction: txn, databases: databases)
            var next = record.checkpoint
            var refusal: (position: UInt64, message: String)?
            do {
                try ledger.scanEvents(from: Position(next), limit: min(UInt64(batchEvents), limit - next)) {
                    recorded in
                    guard refusal == nil else { return }
                    if type.eventTypes.contains(recorded.type.description) {
                        do throws(ProjectionError) {
                            if let event = try ProjectedEvent.decode(recorded) { try projection.apply(event, to: rows) }
                        } catch {
                            refusal = (recorded.position.rawValue, error.description)
                            return
                        }
                    }
                    next = recorded.position.rawValue + 1
                }
            } catch { throw ProjectionError.storage("reading the ledger: \(error)") }
            if let refusal { return (record, .failed(position: refusal.position, message: refusal.message)) }
            try rows.flush()
            record.checkpoint = next
            try store.save(record, slot, type.name, in: txn)
            return (record, .applied)
        }
        store.remember(opened)
        return outcome
    }

    func write<R>(_ body: (Transaction) throws(ProjectionError) -> R) throws(ProjectionError) -> R {
        do { return try store.environment.write { txn in try body(txn) } } catch let error as ProjectionError {
            throw error
        } catch { throw ProjectionError.storage("committing: \(error)") }
    }
}
