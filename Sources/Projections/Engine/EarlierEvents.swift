import Domain
public import Ledger

/// The ledger's earlier events, found by id, for a projection that keeps no copy of an event it may need again:
/// a delivery correction names the report it corrects, and views read that report here rather than storing
/// every report (ADR 0016). Lookups are rare (corrections, reversals), so each opens its own read snapshot.
public struct EarlierEvents: Sendable {
    let ledger: Ledger

    /// The event recorded under `id` before `position`, decoded as the builder decodes; nil when the ledger
    /// holds none there (an unknown id, or one recorded later, which no decider lets a correction name).
    public func event(_ id: EventID, before position: Position) throws(ProjectionError) -> ProjectedEvent? {
        let recorded: RecordedEvent?
        do { recorded = try ledger.event(id: id) } catch {
            throw ProjectionError.storage("looking up event \(id): \(error)")
        }
        guard let recorded, recorded.position < position else { return nil }
        return try ProjectedEvent.decode(recorded)
    }
}
