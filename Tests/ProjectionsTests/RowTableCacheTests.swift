import Commands
import Domain
import Foundation
import Ledger
import Testing

@testable import Projections

/// Puts one row per event, never reading it back in that batch (so the commit evicts it from the cache), and reads
/// the previous event's row: when the batch boundary falls between the two, the row comes back from the table.
/// `found` counts the rows read back.
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

/// Puts 1 under a key, then runs an update whose body sets 99 and throws, and records what the table holds after.
struct ThrowingUpdateProjection: Projection {
    static let name = "ThrowingUpdate"
    static let version: UInt32 = 1
    static let tables = ["rows", "seen"]
    static let eventTypes = Set(DomainEvent.samples.map(\.eventType))

    func apply(_ event: ProjectedEvent, to rows: RowBatch) throws(ProjectionError) {
        let table = try rows.table("rows", of: UInt64.self)
        let key = RowKey().appending(event.position.rawValue)
        table.put(key, 1)
        do {
            try table.update(key) { (row: inout UInt64?) throws(ProjectionError) in
                row = 99
                throw ProjectionError.storage("a body that fails")
            }
        } catch {}
        try rows.table("seen", of: UInt64.self).put(key, try table.get(key) ?? 0)
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

    @Test("An update whose body throws leaves the row as the body left it, not lost")
    func throwingUpdateKeepsTheRow() async throws {
        let fixture = try ProjectionsFixture()
        try await PlanStory().feed(fixture)
        try fixture.catchUp(ThrowingUpdateProjection())
        let seen = try fixture.store.read(ThrowingUpdateProjection.self) { reader in
            try reader.rows("seen", as: UInt64.self).map(\.row)
        }
        #expect(!seen.isEmpty && seen.allSatisfy { $0 == 99 })
    }

    @Test("A pending insert-only row counts as half a changed row towards a batch's bound")
    func insertOnlyRowsWeighHalf() async throws {
        let fixture = try ProjectionsFixture()
        try await PlanStory().feed(fixture)
        let size = try fixture.treeSize()
        let builder = ProjectionBuilder(
            ledger: fixture.services.ledger, store: fixture.store, batchRows: 2, scanEvents: 1, workers: 1)
        var checkpoints: [UInt64] = []
        try builder.build([InsertingProjection()], slot: .live, upTo: size) { records in
            checkpoints.append(records[0].checkpoint)
        }
        // One row per event: a batch ends once (rows + 1) / 2 reaches 2, after 3 events (after 2 at full weight).
        #expect(size > 6 && checkpoints.prefix(2) == [3, 6])
    }
}
