import Ledger
import Projections

/// PlanStatusView's floor in this engine: a projection that reads exactly PlanStatusView's event types, so the
/// builder walks, checks and decodes the same records, and applies nothing. The gap between it and the raw scan
/// is what the engine costs before any view does its work; the gap between it and PlanStatusView is the view's
/// own work (row look-ups, updates, the batch's writes).
struct DecodeOnlyProjection: Projection {
    static let name = "DecodeOnly"
    static let version: UInt32 = 1
    static let eventTypes = PlanStatusProjection.eventTypes
    static let tables: [String] = []

    func apply(_ event: ProjectedEvent, to rows: RowBatch) throws(ProjectionError) {
        blackHole(event.position.rawValue)
    }
}
