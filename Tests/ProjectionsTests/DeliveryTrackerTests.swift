import Commands
import Domain
import Foundation
import LMDB
import Ledger
import LedgerTesting
import Testing

@testable import Projections

/// Logs every change `DeliveryTracker` reports, keyed by position, with the reports kept or not.
protocol DeliveryChangeLog: Projection {
    static var reports: DeliveryTracker.Reports { get }
}

extension DeliveryChangeLog {
    static var version: UInt32 { 1 }
    static var eventTypes: Set<String> { DeliveryTracker.eventTypes }
    static var tables: [String] { ["changes", DeliveryTracker.table, DeliveryTracker.supersededTable] }

    func apply(_ event: ProjectedEvent, to rows: RowBatch) throws(ProjectionError) {
        let changes = try DeliveryTracker.changes(for: event, in: rows, reports: Self.reports)
        try rows.table("changes", of: String.self).put(
            RowKey().appending(event.position.rawValue),
            changes.map { "\($0.units)@\($0.date)" }.joined(separator: " "))
    }
}

struct ChangesKeepingReports: DeliveryChangeLog {
    static let name = "ChangesKeepingReports"
    static let reports = DeliveryTracker.Reports.keptAsFacts
}

struct ChangesOnly: DeliveryChangeLog {
    static let name = "ChangesOnly"
    static let reports = DeliveryTracker.Reports.notKept
}

@Suite("DeliveryTracker: corrections and reversals, the reports they name read back from the ledger")
struct DeliveryTrackerTests {
    @Test("Corrections of corrections, of reports already corrected, repeats, unknown and non-report ids; facts alike")
    func keptOrNotAlike() async throws {
        let fixture = try ProjectionsFixture()
        let story = PlanStory()
        for event in story.opening { try await fixture.emit(event) }
        let firstReport = try await fixture.emit(story.delivered("d1", on: "2025-03-03", units: 4))
        let secondReport = try await fixture.emit(story.delivered("d2", on: "2025-03-10", units: 4))
        let d1 = try fixture.eventID(at: firstReport)
        let d2 = try fixture.eventID(at: secondReport)
        let c1 = try fixture.eventID(at: try await fixture.emit(story.corrected(d1, on: "2025-03-04", units: 2)))
        let c2 = try fixture.eventID(at: try await fixture.emit(story.corrected(c1, on: "2025-03-05", units: 3)))
        // d1 was corrected twice since: the decider lets a correction name any report of the delivery, and it
        // applies to the report in force, c2.
        let c3 = try fixture.eventID(at: try await fixture.emit(story.corrected(d1, on: "2025-03-06", units: 9)))
        let c4 = try fixture.eventID(at: try await fixture.emit(story.corrected(c3, on: "2025-03-08", units: 5)))
        try await fixture.emit(story.reversed(c3))  // c4 is in force: it is taken back
        try await fixture.emit(story.reversed(d2))
        try await fixture.emit(story.reversed(d2))  // already reversed
        try await fixture.emit(story.reversed(c2))  // its delivery was reversed: nothing in force
        let correctsUnknown = try fixture.eventID(
            at: try await fixture.emit(story.corrected(UUID(), on: "2025-03-07", units: 1)))  // no such event
        let authorisation = try fixture.eventID(at: Position(firstReport.rawValue - 1))
        try await fixture.emit(story.reversed(authorisation))  // not a delivery report
        try await fixture.emit(story.delivered("d3", on: "2025-03-17", units: 5))

        let expected = [
            "4@2025-03-03", "4@2025-03-10", "-4@2025-03-03 2@2025-03-04", "-2@2025-03-04 3@2025-03-05",
            "-3@2025-03-05 9@2025-03-06", "-9@2025-03-06 5@2025-03-08", "-5@2025-03-08", "-4@2025-03-10", "", "", "",
            "", "5@2025-03-17",
        ]
        for projection in [ChangesKeepingReports() as any DeliveryChangeLog, ChangesOnly()] {
            // Live one event per batch, as a server applies them; rebuilt in one batch.
            fixture.batchEvents = 1
            let (live, rebuilt) = try fixture.liveAndRebuiltContents(projection)
            #expect(live == rebuilt, "\(type(of: projection).name)")
            let log = try fixture.store.read(type(of: projection)) { reader in
                try reader.rows("changes", as: String.self).map(\.row)
            }
            #expect(log == expected, "\(type(of: projection).name)")
        }
        // Each report once replaced or reversed, and the correction of an unknown id, which corrected nothing.
        let supersededKeys = Set([d1, c1, d2, c2, c3, c4, correctsUnknown].map { RowKey.uuid($0) })
        for projection in [ChangesKeepingReports.self as any DeliveryChangeLog.Type, ChangesOnly.self] {
            let (reports, superseded) = try fixture.store.read(projection) { reader in
                (
                    try reader.rows(DeliveryTracker.table, as: DeliveryReport.self).map(\.key),
                    Set(try reader.rows(DeliveryTracker.supersededTable, as: UInt64.self).map(\.key))
                )
            }
            // Kept: d1, d2, c1, c2, c3, c4 and d3, each inserted once.
            #expect(reports.count == (projection.reports == .keptAsFacts ? 7 : 0), "\(projection.name)")
            #expect(superseded == supersededKeys, "\(projection.name)")
        }
    }

    @Test("A correction's original is read in the scan's own snapshot: with one ledger reader slot free, it applies")
    func lookupNeedsNoReaderSlot() async throws {
        let fixture = try ProjectionsFixture()
        try await PlanStory().feed(fixture)  // a correction and a reversal among the deliveries
        let size = try fixture.treeSize()
        let environment = fixture.services.ledger.environment
        let holders = ReaderSlotHolders(environment: environment, count: try environment.info().maxReaders - 1)
        defer { holders.release() }
        let record = try fixture.builder.build(PlanStatusProjection(), slot: .live, upTo: size)
        #expect(record.failure == nil)
        #expect(record.checkpoint == size)
        guard case .rows(let items) = try fixture.planRows().first?["items"] else {
            Issue.record("the plan's items are nested rows")
            return
        }
        #expect(items.first?["unitsDelivered"] == .int(6), "4 + 4 + 4, the first corrected to 2, the second reversed")
    }
}
