import Domain
public import Ledger

/// The ledger's earlier events, found by id or position, for a projection that keeps no copy of an event it may
/// need again: a delivery correction names a report of the delivery, and views read that report here rather than
/// storing every report (ADR 0016), following its replacements by the positions of the events that replaced it.
/// The look-up runs in the snapshot of the scan that is applying the event (the builder lends it for each
/// record), so it needs no reader slot of its own and sees the same ledger.
public final class EarlierEvents {
    /// The look-ups of the snapshot the scan is applying records from; nil outside a scan.
    var records: EarlierRecords?

    init() {}

    /// The event recorded under `id` before `position` when it is of one of `types`, decoded as the builder
    /// decodes; nil when the ledger holds no such event there (an unknown id, one recorded later, which no decider
    /// lets a correction name, or another type, which is not decoded at all).
    public func event(_ id: EventID, before position: Position, ofType types: Set<String>) throws(ProjectionError)
        -> ProjectedEvent?
    {
        try decoded("event \(id)", ofType: types) { records throws(LedgerError) in
            try records.record(id, before: position)
        }
    }

    /// The event recorded at `found` when it lies before `position` and is of one of `types`, decoded as the
    /// builder decodes; nil otherwise.
    public func event(at found: Position, before position: Position, ofType types: Set<String>)
        throws(ProjectionError) -> ProjectedEvent?
    {
        try decoded("position \(found)", ofType: types) { records throws(LedgerError) in
            try records.record(at: found, before: position)
        }
    }

    private func decoded(
        _ what: String, ofType types: Set<String>, _ find: (EarlierRecords) throws(LedgerError) -> RecordView?
    ) throws(ProjectionError) -> ProjectedEvent? {
        guard let records else { throw ProjectionError.storage("looking up \(what) outside a ledger scan") }
        let record: RecordView?
        do { record = try find(records) } catch { throw ProjectionError.storage("looking up \(what): \(error)") }
        guard let record else { return nil }
        guard let typeIndex = EventTypeIndex.shared.index(of: record.eventTypeBytes),
            types.contains(EventTypeIndex.shared.names[typeIndex])
        else { return nil }
        return try ProjectedEvent.decode(record, typeIndex: typeIndex)
    }
}
