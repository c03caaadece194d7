import Commands
import Foundation
import LMDB
import Ledger
import LedgerTesting
import Logging
import Testing

@testable import Projections

/// ADR 0020: the projections env commits without flushing; markers tell a process crash (nothing lost) from a
/// machine crash (the env may be torn: deleted and rebuilt from the ledger).
@Suite("Projections env: unflushed-write markers")
struct UnflushedWritesTests {
    static let record = ProjectionRecord(version: 1, generation: 1, checkpoint: 7)

    static func markers(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory + "/unflushed").filter { $0 != "lock" }.sorted()
    }

    static func placeMarker(_ name: String, in directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory + "/unflushed", withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: directory + "/unflushed/" + name, contents: Data()))
    }

    /// Opens a writer under `bootID`, saves the test record and closes it cleanly.
    static func writeRecord(_ directory: String, bootID: String) throws {
        let store = try ProjectionsStore(directory: directory, readOnly: false, bootID: bootID)
        try store.environment.write { txn in try store.save(record, .live, "View", in: txn) }
        store.close()
    }

    static func savedRecord(_ store: ProjectionsStore) throws -> ProjectionRecord? {
        try store.record(.live, of: "View")
    }

    @Test("A writer holds a marker of its boot and process from open to close; a clean close flushes and removes it")
    func markerLifetime() throws {
        let temporary = try TemporaryDirectory(prefix: "cus-unflushed")
        defer { temporary.remove() }
        let directory = temporary.path + "/projections"
        let store = try ProjectionsStore(directory: directory, readOnly: false, bootID: "boot-a")
        #expect(try Self.markers(directory) == ["boot-a.\(getpid())"])
        try store.environment.write { txn in try store.save(Self.record, .live, "View", in: txn) }
        #expect(try store.environment.flags().contains(.noSync))
        store.close()
        #expect(try Self.markers(directory).isEmpty)
        let reopened = try ProjectionsStore(directory: directory, readOnly: true, bootID: "boot-a")
        defer { reopened.close() }
        #expect(try Self.savedRecord(reopened) == Self.record)
    }

    @Test("A marker of an earlier boot: a reader refuses the env, the next writer deletes it and its markers")
    func earlierBootDeletes() throws {
        let temporary = try TemporaryDirectory(prefix: "cus-unflushed")
        defer { temporary.remove() }
        let directory = temporary.path + "/projections"
        try Self.writeRecord(directory, bootID: "boot-a")
        try Self.placeMarker("boot-a.4242", in: directory)  // a writer of boot-a died before it flushed

        let refusal = #expect(throws: ProjectionError.self) {
            try ProjectionsStore(directory: directory, readOnly: true, bootID: "boot-b")
        }
        #expect(refusal.map { "\($0)" }?.contains("went down") == true)
        #expect(try Self.markers(directory) == ["boot-a.4242"])  // a reader changes nothing

        let writer = try ProjectionsStore(directory: directory, readOnly: false, bootID: "boot-b")
        #expect(try Self.savedRecord(writer) == nil)
        #expect(try Self.markers(directory) == ["boot-b.\(getpid())"])
        writer.close()
        let reader = try ProjectionsStore(directory: directory, readOnly: true, bootID: "boot-b")
        reader.close()
    }

    @Test("Markers of this boot never delete the env; a clean close removes those of exited processes only")
    func sameBootKeeps() throws {
        let temporary = try TemporaryDirectory(prefix: "cus-unflushed")
        defer { temporary.remove() }
        let directory = temporary.path + "/projections"
        try Self.writeRecord(directory, bootID: "boot-a")
        let exited = Int32(Int32.max - 1)  // above any pid_max: no such process
        try Self.placeMarker("boot-a.\(exited)", in: directory)  // killed (-9): its pages are in the page cache
        try Self.placeMarker("boot-a.1", in: directory)  // a live writer (init) keeps its marker

        let store = try ProjectionsStore(directory: directory, readOnly: false, bootID: "boot-a")
        #expect(try Self.savedRecord(store) == Self.record)
        #expect(try Self.markers(directory).count == 3)
        store.close()
        #expect(try Self.markers(directory) == ["boot-a.1"])
    }

    @Test("After a failed flush the marker is no boot's own: the next writer, even of the same boot, deletes the env")
    func failedFlush() throws {
        let temporary = try TemporaryDirectory(prefix: "cus-unflushed")
        defer { temporary.remove() }
        let directory = temporary.path + "/projections"
        let store = try ProjectionsStore(directory: directory, readOnly: false, bootID: "boot-a")
        try store.environment.write { txn in try store.save(Self.record, .live, "View", in: txn) }
        UnflushedWriteMarkers(environmentDirectory: directory, bootID: "boot-a").markFlushFailed()
        store.close()
        #expect(try Self.markers(directory) == ["flush-failed.boot-a.\(getpid())"])

        let writer = try ProjectionsStore(directory: directory, readOnly: false, bootID: "boot-a")
        defer { writer.close() }
        #expect(try Self.savedRecord(writer) == nil)
        #expect(try Self.markers(directory) == ["boot-a.\(getpid())"])
    }

    @Test("Without a boot id every commit is flushed and no marker is written")
    func noBootID() throws {
        let temporary = try TemporaryDirectory(prefix: "cus-unflushed")
        defer { temporary.remove() }
        let directory = temporary.path + "/projections"
        let store = try ProjectionsStore(directory: directory, readOnly: false, bootID: nil)
        #expect(try store.environment.flags().contains(.noSync) == false)
        #expect(!FileManager.default.fileExists(atPath: directory + "/unflushed"))
        store.close()
    }

    @Test("The running boot's id is read from the kernel")
    func currentBootID() throws {
        let id = try #require(UnflushedWriteMarkers.currentBootID())
        #expect(UUID(uuidString: id) != nil)
    }

    @Test("After a machine crash the engine rebuilds the deleted env from the ledger to the same rows")
    func engineRebuildsDeletedEnvironment() async throws {
        let fixture = try ProjectionsFixture()
        let story = PlanStory()
        for event in story.opening { try await fixture.emit(event) }
        try fixture.catchUp(PlanStatusProjection())
        let before = try fixture.contents(PlanStatusProjection.self)
        #expect(!before.isEmpty)
        fixture.store.close()
        let directory = fixture.directory.path + "/data/projections"
        try Self.placeMarker("an-earlier-boot.1", in: directory)

        let store = try ProjectionsStore(directory: directory)
        defer { store.close() }
        #expect(try store.record(of: PlanStatusProjection.name) == nil)
        let engine = ProjectionEngine(
            builder: ProjectionBuilder(ledger: fixture.services.ledger, store: store),
            projections: [PlanStatusProjection()], logger: Logger(label: "test"))
        engine.start()
        await engine.waitUntilProjected(Position(try fixture.treeSize() - 1))
        await engine.stop()
        #expect(try fixture.contents(PlanStatusProjection.self, in: store) == before)
    }
}
