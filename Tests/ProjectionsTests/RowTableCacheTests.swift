import Domain
import Foundation
import Ledger
import Testing

@testable import Projections

/// Puts one row per event, never reading it back in that batch (so the commit evicts it from the cache), and reads
/// the previous event's row: when the batch boundary falls between the two, the row comes back from the table.
/// `found` counts the rows read back; `changed` counts an update per event on one busy row.
struct PutThenReadProjection: Projection {
    static let name = "PutThenRead"
    static let version: UInt32 = 1
    static let tables = ["put", "found"]
    static let eventTypes = Set(DomainEvent.samples.map(\.eventType))

    func apply(_ event: ProjectedEvent, to rows: RowBatch) throws(ProjectionError) {
        let put = try rows.table("put", of: UInt64.self)
        let position = event.position.rawValue
        put.put(RowKey().appending(position), position)
        let found = try rows.table("found", of: UInt64.self)
        if position > 0, let previous = try put.get(RowKey().appending(position - 1)) {
            try found.update(.single, orInsert: { 0 }) { $0 += previous + 1 == position ? 1 : 0 }
        }
    }
}

@Suite("Row tables' caches across batches")
struct RowTableCacheTests {
    @Test("A row only put is evicted at the commit and read back from the table in a later batch")
    func evictedRowsAreReadBack() async throws {
        let fixture = try ProjectionsFixture()
        fixture.batchEvents = 3
        try await PlanStory().feed(fixture)
        let size = try fixture.treeSize()
        let (live, rebuilt) = try fixture.liveAndRebuiltContents(PutThenReadProjection())
        #expect(live == rebuilt)
        let found = try fixture.store.read(PutThenReadProjection.self) { reader in
            try reader.get("found", .single, as: UInt64.self)
        }
        #expect(found == size - 1, "every event found the row the one before it put")
    }
}
