import Foundation
import LMDB
import LedgerTesting
import Testing

@testable import Projections

/// ledger.md §4.4: LMDB keeps freed bytes in free pages, so after erasures the projections env is compacted into a
/// fresh file. `ProjectionsStore.compact` swaps the copy in under the store's gate while the store stays usable.
@Suite("Projections env compaction after erasures")
struct ProjectionsCompactionTests {
    static let marker = Array("district-MARKER-7f3a".utf8)

    static func fileHolds(_ bytes: [UInt8], in directory: String) throws -> Bool {
        try Data(contentsOf: URL(fileURLWithPath: directory + "/data.mdb")).range(of: Data(bytes)) != nil
    }

    @Test("A replaced value left in a free page is gone after compact; the store reads and writes on")
    func replacedValueLeavesTheFile() throws {
        let directory = try TemporaryDirectory(prefix: "cus-projections-compaction")
        let path = directory.path + "/projections"
        let store = try ProjectionsStore(directory: path)
        defer { store.close() }
        let people = try #require(try store.write { txn in try txn.openDatabase(named: "people", flags: .create) })
        try store.write { txn in try txn.put(Self.marker, key: Array("p1".utf8), in: people) }
        try store.write { txn in try txn.put(Array("redacted".utf8), key: Array("p1".utf8), in: people) }
        #expect(try Self.fileHolds(Self.marker, in: path), "the old value stays in a freed page until compaction")

        let report = try store.compact()
        #expect(report.bytesAfter <= report.bytesBefore)
        #expect(try !Self.fileHolds(Self.marker, in: path))
        #expect(!FileManager.default.fileExists(atPath: path + ".compacting"), "the staging directory is gone")
        let reopened = try #require(try store.read { txn in try txn.openDatabase(named: "people") })
        #expect(
            try store.read { txn in try txn.value(in: reopened, key: Array("p1".utf8)).map { Array($0) } }
                == Array("redacted".utf8))
        try store.write { txn in try txn.put(Array("after".utf8), key: Array("p2".utf8), in: reopened) }
        #expect(
            try store.read { txn in try txn.value(in: reopened, key: Array("p2".utf8)).map { Array($0) } }
                == Array("after".utf8))
    }

    @Test("A read-only store refuses to compact")
    func readOnlyRefuses() throws {
        let directory = try TemporaryDirectory(prefix: "cus-projections-compaction")
        let path = directory.path + "/projections"
        try ProjectionsStore(directory: path).close()
        let store = try ProjectionsStore(directory: path, readOnly: true)
        defer { store.close() }
        #expect(throws: ProjectionError.self) { try store.compact() }
    }
}
