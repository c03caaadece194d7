public import Domain
import Foundation
import Ledger

/// Turns providers' reports into changes of units delivered, following corrections and reversals (domain.md
/// §4.7): a correction replaces the units and date of the report (or earlier correction) it names, a reversal
/// takes them back. A correction or reversal needs the report it names and whether that report still counts;
/// `Bookkeeping` says where a view keeps that.
public enum DeliveryTracker {
    /// Every report, keyed by event id, with whether it still counts (`Bookkeeping.keepsReports`).
    public static let table = "deliveries"
    /// The event ids of reports no longer in force, each with the position of the event that ended it
    /// (`Bookkeeping.readsReportsFromLedger`).
    public static let supersededTable = "supersededDeliveries"
    public static let eventTypes: Set<String> = [
        ServiceDelivered.eventType, DeliveryCorrected.eventType, DeliveryReversed.eventType,
    ]

    /// Where a view finds the report a correction or reversal names.
    public enum Bookkeeping: Sendable {
        /// Every report in `table`: for a view whose rows are the reports themselves (MetricsFacts' delivery
        /// facts).
        case keepsReports
        /// Only the ids of superseded reports, in `supersededTable`; the named report is read back from the
        /// ledger through `RowBatch.earlierEvents` (ADR 0016). Deliveries write no row of their own: corrections
        /// and reversals are rare, deliveries are a third of the ledger.
        case readsReportsFromLedger
    }

    /// Units added (positive) or taken back (negative) on a date for one authorisation.
    public struct Change: Sendable, Hashable {
        public var authorisationId: AuthorisationID
        public var date: LocalDate
        public var units: Int64
    }

    /// The changes an event makes; empty for other events, and for a correction or reversal of a report that is
    /// unknown or already superseded (the deciders refuse those, so it means an older ledger).
    public static func changes(for event: ProjectedEvent, in rows: RowBatch, _ bookkeeping: Bookkeeping)
        throws(ProjectionError) -> [Change]
    {
        switch event.event {
        case .serviceDelivered(let delivered):
            let report = DeliveryReport(
                authorisationId: delivered.authorisationId, date: delivered.deliveredOn, units: delivered.units)
            try keep(report, as: event.eventUUID, rows, bookkeeping)
            return [report.change(adding: true)]
        case .deliveryCorrected(let corrected):
            guard let original = try reportInForce(corrected.originalEventId, before: event, rows, bookkeeping)
            else { return [] }
            try supersede(corrected.originalEventId, original, by: event, rows, bookkeeping)
            let report = DeliveryReport(
                authorisationId: corrected.authorisationId, date: corrected.deliveredOn, units: corrected.units)
            try keep(report, as: event.eventUUID, rows, bookkeeping)
            return [original.change(adding: false), report.change(adding: true)]
        case .deliveryReversed(let reversed):
            guard let original = try reportInForce(reversed.originalEventId, before: event, rows, bookkeeping)
            else { return [] }
            try supersede(reversed.originalEventId, original, by: event, rows, bookkeeping)
            return [original.change(adding: false)]
        default:
            return []
        }
    }

    private static func keep(_ report: DeliveryReport, as id: UUID, _ rows: RowBatch, _ bookkeeping: Bookkeeping)
        throws(ProjectionError)
    {
        guard case .keepsReports = bookkeeping else { return }
        try rows.table(table, of: DeliveryReport.self).put(.uuid(id), report)
    }

    private static func reportInForce(
        _ id: UUID, before event: ProjectedEvent, _ rows: RowBatch, _ bookkeeping: Bookkeeping
    ) throws(ProjectionError) -> DeliveryReport? {
        switch bookkeeping {
        case .keepsReports:
            guard let report = try rows.table(table, of: DeliveryReport.self).get(.uuid(id)), report.isEffective
            else { return nil }
            return report
        case .readsReportsFromLedger:
            guard try rows.table(supersededTable, of: UInt64.self).get(.uuid(id)) == nil,
                let earlier = try rows.earlierEvents.event(EventID(UUID128(id)), before: event.position)
            else { return nil }
            return DeliveryReport(reporting: earlier.event)
        }
    }

    private static func supersede(
        _ id: UUID, _ report: DeliveryReport, by event: ProjectedEvent, _ rows: RowBatch, _ bookkeeping: Bookkeeping
    ) throws(ProjectionError) {
        switch bookkeeping {
        case .keepsReports: try rows.table(table, of: DeliveryReport.self).put(.uuid(id), report.superseded)
        case .readsReportsFromLedger:
            try rows.table(supersededTable, of: UInt64.self).put(.uuid(id), event.position.rawValue)
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

    /// The report a delivery or correction makes; nil for any other event.
    init?(reporting event: DomainEvent) {
        switch event {
        case .serviceDelivered(let delivered):
            self.init(authorisationId: delivered.authorisationId, date: delivered.deliveredOn, units: delivered.units)
        case .deliveryCorrected(let corrected):
            self.init(authorisationId: corrected.authorisationId, date: corrected.deliveredOn, units: corrected.units)
        default:
            return nil
        }
    }

    /// Its units added to (or taken back from) its authorisation on its date.
    func change(adding: Bool) -> DeliveryTracker.Change {
        DeliveryTracker.Change(
            authorisationId: authorisationId, date: date, units: adding ? Int64(units) : -Int64(units))
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
