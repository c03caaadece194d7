/// Look-ups of earlier records by event id inside the snapshot of a `Ledger.scanRecordViews` call, lent to its
/// body: valid only during that call, like the `RecordView`s it returns.
public final class EarlierRecords {
    let lookup: IndexLookup

    init(lookup: IndexLookup) { self.lookup = lookup }

    /// The checked record of event `id` when it lies before `position`; nil when the ledger holds no such event
    /// there (an unknown id, or one recorded at or after `position`).
    public func record(_ id: EventID, before position: Position) throws(LedgerError) -> RecordView? {
        do {
            guard let found = try lookup.position(of: id), found < position else { return nil }
            return try record(at: found, before: position)
        } catch let error as LedgerError {
            throw error
        } catch {
            throw LedgerError.storage(error, "looking up \(id)")
        }
    }

    /// The checked record at `found` when it lies before `position`; nil when it does not (or the ledger is
    /// shorter).
    public func record(at found: Position, before position: Position) throws(LedgerError) -> RecordView? {
        do {
            guard found < position, let bytes = try lookup.recordBytes(at: found) else { return nil }
            return try RecordView(bytes, expectedPosition: found)
        } catch let error as LedgerError {
            throw error
        } catch {
            throw LedgerError.storage(error, "reading position \(found)")
        }
    }
}
