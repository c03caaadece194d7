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

    @Test("A key inserted twice stops that projection alone, with nothing of the batch; one name is one kind of table")
    func misuseStopsTheProjection() async throws {
        let fixture = try ProjectionsFixture()
        try await PlanStory().feed(fixture)
        let size = try fixture.treeSize()
        let records = try fixture.builder.build(
            [CoordinatorCaseloadProjection(), InsertingProjection(keysRepeat: true)], slot: .live, upTo: size)
        #expect(records[0].failure == nil && records[0].checkpoint == size, "the other projection goes on")
        #expect(records[1].failure?.message.contains("a key inserted twice") == true)
        #expect(records[1].checkpoint == 0)
        let inserted = try fixture.store.read(InsertingProjection.self) { reader in
            try reader.rows("inserted", as: String.self)
        }
        #expect(inserted.isEmpty, "no row of the refused batch was written")
        let another = try ProjectionsFixture()
        try await PlanStory().feed(another)
        let mixed = try another.builder.build(
            InsertingProjection(mixesKinds: true), slot: .live, upTo: try another.treeSize())
        #expect(mixed.failure?.message.contains("two kinds of table") == true)
        #expect(mixed.checkpoint == mixed.failure?.position)
    }
}
