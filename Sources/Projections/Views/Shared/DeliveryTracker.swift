public import Domain
public import Foundation
import Ledger

/// Turns providers' reports into changes of units delivered, following corrections and reversals (domain.md
/// §4.7): a correction replaces the units and date of the delivery's report in force, a reversal takes them back.
/// A correction or reversal names a report of the delivery's history (the original delivery or any correction
/// of it, as `AuthorisationDecider` accepts), and applies to the report in force: the named one while it is not in
/// the view's `supersededTable`, else the correction that replaced it, followed while that was replaced in turn.
/// Reports are read back from the ledger (`RowBatch.earlierEvents`, ADR 0016).
public enum DeliveryTracker {
    /// Every report, keyed by its event id, in a view that keeps them (`Reports.keptAsFacts`).
    public static let table = "deliveries"
    /// The event ids of reports not in force, each with the position of the event that ended it: reports a
    /// correction or reversal replaced, and corrections that replaced nothing (their original was unknown or no
    /// longer in force), which later events must not count either.
    public static let supersededTable = "supersededDeliveries"
    public static let eventTypes: Set<String> = [
        ServiceDelivered.eventType, DeliveryCorrected.eventType, DeliveryReversed.eventType,
    ]

    /// Whether a view also keeps every report as a row of `table`.
    public enum Reports: Sendable {
        /// Only the changes: deliveries, a third of the ledger, write no row of their own.
        case notKept
        /// Every report inserted into `table` as a fact for readers (MetricsFacts' deliveries); a report counts
        /// while its key is not in `supersededTable`.
        case keptAsFacts
    }

    /// Units added (positive) or taken back (negative) on a date for one authorisation.
    public struct Change: Sendable, Hashable {
        public var authorisationId: AuthorisationID
        public var date: LocalDate
        public var units: Int64
    }

    /// The zero, one or two changes one event makes (a correction takes back and adds), kept inline: a third of
    /// the ledger is deliveries, and an array would cost an allocation each.
    public struct Changes: Sequence, Sendable {
        private var first: Change?
        private var second: Change?
        /// The event id of the report in force that a correction replaced or a reversal took back: the id the
        /// event names, or the correction that replaced that one since. Views that keep marks under a report's
        /// id (an over-delivery) move them from here.
        public private(set) var replacedReport: UUID?

        init(_ first: Change? = nil, _ second: Change? = nil, replacing replacedReport: UUID? = nil) {
            self.first = first
            self.second = second
            self.replacedReport = replacedReport
        }

        /// The last change: the report in force after the event.
        public var last: Change? { second ?? first }

        public var count: Int { (first == nil ? 0 : 1) + (second == nil ? 0 : 1) }

        public func makeIterator() -> Iterator { Iterator(rest: self) }

        public struct Iterator: IteratorProtocol {
            var rest: Changes

            public mutating func next() -> Change? {
                if let first = rest.first {
                    rest.first = nil
                    return first
                }
                defer { rest.second = nil }
                return rest.second
            }
        }
    }

    /// The changes an event makes; empty for other events, and for a correction or reversal naming no report, or a
    /// report whose delivery was reversed (the deciders refuse those, so it means an older ledger).
    public static func changes(for event: ProjectedEvent, in rows: RowBatch, reports: Reports)
        throws(ProjectionError) -> Changes
    {
        switch event.event {
        case .serviceDelivered(let delivered):
            let report = DeliveryReport(delivered)
            try keep(report, of: event, rows, reports)
            return Changes(report.change(adding: true))
        case .deliveryCorrected(let corrected):
            guard let original = try reportInForce(corrected.originalEventId, before: event, rows) else {
                // A correction that corrected nothing is no report: one naming it later corrects nothing either.
                try supersede(event.eventUUID, by: event, rows)
                return Changes()
            }
            try supersede(original.id, by: event, rows)
            let report = DeliveryReport(corrected)
            try keep(report, of: event, rows, reports)
            return Changes(
                original.report.change(adding: false), report.change(adding: true), replacing: original.id)
        case .deliveryReversed(let reversed):
            guard let original = try reportInForce(reversed.originalEventId, before: event, rows) else {
                return Changes()
            }
            try supersede(original.id, by: event, rows)
            return Changes(original.report.change(adding: false), replacing: original.id)
        default:
            return Changes()
        }
    }

    /// Inserts the report under its event's id when the view keeps reports (the id is made only then).
    private static func keep(_ report: DeliveryReport, of event: ProjectedEvent, _ rows: RowBatch, _ reports: Reports)
        throws(ProjectionError)
    {
        guard case .keptAsFacts = reports else { return }
        try rows.insertOnlyTable(table, of: DeliveryReport.self).insert(.uuid(event.eventUUID), report)
    }

    /// The delivery's report in force, with its event id, for a correction or reversal naming `id`: `id`'s report
    /// while it is not superseded, else the correction recorded at the position that superseded it, and so on.
    /// Nil when the delivery was reversed (a reversal ended the chain), when a correction that corrected nothing
    /// is named (it is listed under its own id), or when `id` is no report. Each step goes to a later position, so
    /// the walk ends.
    private static func reportInForce(_ id: UUID, before event: ProjectedEvent, _ rows: RowBatch)
        throws(ProjectionError) -> (id: UUID, report: DeliveryReport)?
    {
        let superseded = try rows.table(supersededTable, of: UInt64.self)
        var current = id
        while let endedAt = try superseded.get(.uuid(current)) {
            guard
                let replacement = try rows.earlierEvents.event(
                    at: Position(endedAt), before: event.position, ofType: correctionType),
                replacement.eventUUID != current
            else { return nil }
            current = replacement.eventUUID
        }
        guard
            let earlier = try rows.earlierEvents.event(
                EventID(UUID128(current)), before: event.position, ofType: reportTypes),
            let report = DeliveryReport(reporting: earlier.event)
        else { return nil }
        return (current, report)
    }

    private static let correctionType: Set<String> = [DeliveryCorrected.eventType]

    /// The events that are reports: anything else a correction names is no report (and is never decoded).
    private static let reportTypes: Set<String> = [ServiceDelivered.eventType, DeliveryCorrected.eventType]

    private static func supersede(_ id: UUID, by event: ProjectedEvent, _ rows: RowBatch) throws(ProjectionError) {
        try rows.table(supersededTable, of: UInt64.self).put(.uuid(id), event.position.rawValue)
    }
}

/// A delivery report (or correction): the authorisation, day and units it reports.
struct DeliveryReport: PayloadCodable, Hashable, Sendable {
    var authorisationId: AuthorisationID
    var date: LocalDate
    var units: UInt64

    init(_ delivered: ServiceDelivered) {
        authorisationId = delivered.authorisationId
        date = delivered.deliveredOn
        units = delivered.units
    }

    init(_ corrected: DeliveryCorrected) {
        authorisationId = corrected.authorisationId
        date = corrected.deliveredOn
        units = corrected.units
    }

    /// The report a delivery or correction makes; nil for any other event.
    init?(reporting event: DomainEvent) {
        switch event {
        case .serviceDelivered(let delivered): self.init(delivered)
        case .deliveryCorrected(let corrected): self.init(corrected)
        default: return nil
        }
    }

    /// Its units added to (or taken back from) its authorisation on its date.
    func change(adding: Bool) -> DeliveryTracker.Change {
        DeliveryTracker.Change(
            authorisationId: authorisationId, date: date,
            units: adding ? Int64(clamping: units) : -Int64(clamping: units))
    }

    func encode(to writer: inout PayloadWriter) {
        writer.write(authorisationId)
        writer.write(date)
        writer.write(units)
    }

    init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        authorisationId = try reader.read()
        date = try reader.read()
        units = try reader.read()
    }
}
