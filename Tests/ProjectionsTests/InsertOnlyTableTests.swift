import Domain
import Foundation
import Ledger
import Testing

@testable import Projections

/// Inserts each event's type under a key of its own position, or under one key for every event
/// (`keysRepeat`) to show a key inserted twice fails the batch; `mixesKinds` also opens the table as a `RowTable`.
struct InsertingProjection: Projection {
    static let name = "Inserting"
    static let version: UInt32 = 1
    static let tables = ["inserted"]
    static let eventTypes = Set(DomainEvent.samples.map(\.eventType))

    var keysRepeat = false
    var mixesKinds = false

    func apply(_ event: ProjectedEvent, to rows: RowBatch) throws(ProjectionError) {
        let key = keysRepeat ? RowKey.single : RowKey().appending(UInt64.max - event.position.rawValue)
        try rows.insertOnlyTable("inserted", of: String.self).insert(key, event.event.eventType)
        if mixesKinds { _ = try rows.table("inserted", of: String.self) }
    }
}

@Suite("Insert-only tables")
struct InsertOnlyTableTests {
    @Test("Rows inserted over several batches are all stored, in key order, byte-identical to a one-batch build")
    func rowsAcrossBatches() async throws {
        let fixture = try ProjectionsFixture()
        fixture.batchEvents = 2
        try await PlanStory().feed(fixture)
        let (live, rebuilt) = try fixture.liveAndRebuiltContents(InsertingProjection())
        #expect(live == rebuilt)
        let rows = try fixture.store.read(InsertingProjection.self) { reader in
            try reader.rows("inserted", as: String.self)
        }
        #expect(rows.count == Int(try fixture.treeSize()))
        // Keys count down from the newest event, so key order is newest first.
        #expect(rows.first?.row == "ServiceNotDelivered")
        #expect(rows.map(\.key) == rows.map(\.key).sorted())
    }

    @Test("A key inserted twice in one batch fails the batch, which writes nothing; one name is one kind of table")
    func misuseFailsTheBatch() async throws {
        let fixture = try ProjectionsFixture()
        try await PlanStory().feed(fixture)
        let size = try fixture.treeSize()
        #expect(throws: ProjectionError.self) {
            try fixture.builder.build(InsertingProjection(keysRepeat: true), slot: .live, upTo: size)
        }
        #expect(try fixture.store.record(.live, of: InsertingProjection.name) == nil, "the batch was rolled back")
        let mixed = try fixture.builder.build(InsertingProjection(mixesKinds: true), slot: .live, upTo: size)
        #expect(mixed.failure?.message.contains("two kinds of table") == true)
        #expect(mixed.checkpoint == mixed.failure?.position)
    }
}
