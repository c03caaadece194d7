public import Domain
import Foundation

/// Turns providers' reports into changes of units delivered, following corrections and reversals (domain.md
/// §4.7): a correction replaces the units and date of the report (or earlier correction) it names, a reversal
/// takes them back. Each view that counts deliveries keeps the reports it has seen in its own `deliveries`
/// table, keyed by event id, so corrections find what they correct.
public enum DeliveryTracker {
    public static let table = "deliveries"
    public static let eventTypes: Set<String> = [
        ServiceDelivered.eventType, DeliveryCorrected.eventType, DeliveryReversed.eventType,
    ]

    /// Units added (positive) or taken back (negative) on a date for one authorisation.
    public struct Change: Sendable, Hashable {
        public var authorisationId: AuthorisationID
        public var date: LocalDate
        public var units: Int64
    }

    /// The changes an event makes; empty for other events, and for a correction or reversal of a report the
    /// table does not know or has already reversed (the deciders refuse those, so it means an older ledger).
    public static func changes(for event: ProjectedEvent, in rows: RowBatch) throws(ProjectionError) -> [Change] {
        let reports = try rows.table(table, of: DeliveryReport.self)
        switch event.event {
        case .serviceDelivered(let delivered):
            reports.put(
                .uuid(event.eventUUID),
                DeliveryReport(
                    authorisationId: delivered.authorisationId, date: delivered.deliveredOn, units: delivered.units))
            return [
                Change(
                    authorisationId: delivered.authorisationId, date: delivered.deliveredOn,
                    units: Int64(delivered.units))
            ]
        case .deliveryCorrected(let corrected):
            guard let original = try reports.get(.uuid(corrected.originalEventId)), original.isEffective else {
                return []
            }
            reports.put(.uuid(corrected.originalEventId), original.superseded)
            reports.put(
                .uuid(event.eventUUID),
                DeliveryReport(
                    authorisationId: corrected.authorisationId, date: corrected.deliveredOn, units: corrected.units))
            return [
                Change(authorisationId: original.authorisationId, date: original.date, units: -Int64(original.units)),
                Change(
                    authorisationId: corrected.authorisationId, date: corrected.deliveredOn,
                    units: Int64(corrected.units)),
            ]
        case .deliveryReversed(let reversed):
            guard let original = try reports.get(.uuid(reversed.originalEventId)), original.isEffective else {
                return []
            }
            reports.put(.uuid(reversed.originalEventId), original.superseded)
            return [
                Change(authorisationId: original.authorisationId, date: original.date, units: -Int64(original.units))
            ]
        default:
            return []
        }
    }
}

/// A delivery report (or correction) as recorded, and whether it still counts.
struct DeliveryReport: PayloadCodable, Hashable, Sendable {
    var authorisationId: AuthorisationID
    var date: LocalDate
    var units: UInt64
    var isEffective = true

    init(authorisationId: AuthorisationID, date: LocalDate, units: UInt64) {
        self.authorisationId = authorisationId
        self.date = date
        self.units = units
    }

    var superseded: DeliveryReport {
        var copy = self
        copy.isEffective = false
        return copy
    }

    func encode(to writer: inout PayloadWriter) {
        writer.write(authorisationId)
        writer.write(date)
        writer.write(units)
        writer.write(isEffective)
    }

    init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        authorisationId = try reader.read()
        date = try reader.read()
        units = try reader.read()
        isEffective = try reader.read()
    }
}
