import Foundation
import LMDB
import LedgerTesting
import Synchronization
import Testing

@Suite("LMDB wrapper")
struct EnvironmentTests {
    /// A fresh env in a temporary directory with one database, `db`; the env is closed afterwards.
    static func withDatabase(
        options: Environment.Options = Environment.Options(), _ body: (Environment, Database) async throws -> Void
    ) async throws {
        try await TemporaryDirectory.with { directory in
            let environment = try Environment(path: directory.path + "/env", options: options)
            defer { environment.close() }
            try await body(environment, try environment.openDatabase(named: "db", flags: .create))
        }
    }

    @Test("A path opens once per process")
    func singleOpen() async throws {
        try await TemporaryDirectory.with { directory in
            let environment = try Environment(path: directory.path + "/env")
            defer { environment.close() }
            #expect { _ = try Environment(path: directory.path + "/env") } throws: { LMDBError.alreadyOpen ~= $0 }
        }
    }

    @Test("Forbidden flags are refused before anything opens")
    func forbidden() async throws {
        try await TemporaryDirectory.with { directory in
            let options = Environment.Options(flags: .noSync, forbiddenFlags: .weakeningDurability)
            #expect { _ = try Environment(path: directory.path + "/env", options: options) } throws: {
                LMDBError.forbiddenFlag ~= $0
            }
        }
    }

    @Test("Writes commit on return, abort on throw; MDB_APPEND refuses an out-of-order key")
    func transactions() async throws {
        try await Self.withDatabase { environment, database in
            try environment.write { txn in try txn.put([1], key: [0, 2], in: database, flags: .append) }
            struct Abort: Error {}
            #expect(throws: Abort.self) {
                try environment.write { txn in
                    try txn.put([9], key: [0, 3], in: database)
                    throw Abort()
                }
            }
            #expect {
                try environment.write { txn in try txn.put([1], key: [0, 1], in: database, flags: .append) }
            } throws: {
                LMDBError.keyExists ~= $0
            }
            #expect {
                try environment.write { txn in try txn.put([1], key: [0, 2], in: database, flags: .noOverwrite) }
            } throws: {
                LMDBError.keyExists ~= $0
            }
            let values = try environment.read { txn in
                (try txn.value(in: database, key: [0, 2]).map(Array.init), try txn.value(in: database, key: [0, 3]))
            }
            #expect(values.0 == [1] && values.1 == nil)
        }
    }

    @Test("A cursor's puts and deletes land where the transaction's would, in or out of key order, empty values too")
    func cursorPutsAndDeletes() async throws {
        try await Self.withDatabase { environment, database in
            // A mixed order and many keys, so the cursor's page changes and LMDB's same-page shortcut is taken too.
            let keys = (0..<2_000).map { [UInt8($0 % 7), UInt8(truncatingIfNeeded: $0 >> 8), UInt8($0 & 0xFF)] }
            try environment.write { txn in
                try txn.withCursor(database) { cursor in
                    for (index, key) in keys.enumerated() {
                        let value = index % 5 == 0 ? [] : [UInt8(index & 0xFF), 1]
                        try value.withBytes { value throws(LMDBError) in
                            try key.withBytes { key throws(LMDBError) in try cursor.put(value, key: key) }
                        }
                    }
                    try [UInt8(9)].withBytes { value throws(LMDBError) in
                        try keys[3].withBytes { key throws(LMDBError) in try cursor.put(value, key: key) }  // replaces
                    }
                    let deleted = try keys[4].withBytes { key throws(LMDBError) in try cursor.delete(key: key) }
                    let missing = try [UInt8(200)].withBytes { key throws(LMDBError) in try cursor.delete(key: key) }
                    #expect(deleted && !missing)
                }
            }
            let stored = try environment.read { txn in
                try txn.withCursor(database) { cursor in
                    var all: [[UInt8]: [UInt8]] = [:]
                    var entry = try cursor.first()
                    while let current = entry {
                        all[Array(current.key)] = Array(current.value)
                        entry = try cursor.next()
                    }
                    return all
                }
            }
            var expected: [[UInt8]: [UInt8]] = [:]
            for (index, key) in keys.enumerated() { expected[key] = index % 5 == 0 ? [] : [UInt8(index & 0xFF), 1] }
            expected[keys[3]] = [9]
            expected[keys[4]] = nil
            #expect(stored == expected)
        }
    }

    @Test("Growing the map keeps the data and reports the new size")
    func mapSize() async throws {
        try await Self.withDatabase(options: .init(mapSizeBytes: 1 << 20)) { environment, database in
            var written = 0
            do {
                for index in 0..<10_000 {
                    try environment.write { txn in
                        try txn.put(
                            [UInt8](repeating: 1, count: 1000),
                            key: withUnsafeBytes(of: UInt32(index).bigEndian, Array.init), in: database)
                    }
                    written += 1
                }
            } catch {
                #expect(LMDBError.mapFull ~= error)
            }
            try environment.setMapSize(64 << 20)
            #expect(try environment.info().mapSizeBytes == 64 << 20)
            try environment.write { txn in try txn.put([2], key: [0xFF, 0xFF, 0xFF, 0xFF], in: database) }
            let entries = try environment.read { txn in try txn.statistics(of: database).entries }
            #expect(entries == written + 1)
            // A size no address space can map: LMDB unmaps the file and fails to map it again, so the environment
            // is out of use (`closed`) instead of reading through a null map.
            #expect(throws: LMDBError.self) { try environment.setMapSize(1 << 62) }
            #expect(throws: LMDBError.self) { try environment.info() }
            #expect(throws: LMDBError.self) { try environment.read { txn in try txn.statistics(of: database) } }
        }
    }

    @Test("A waiting map growth goes before new readers, and a read inside a read still runs beside it")
    func mapGrowthGoesFirst() async throws {
        try await Self.withDatabase(options: .init(mapSizeBytes: 1 << 20)) { environment, database in
            try environment.write { txn in try txn.put([1], key: [1], in: database) }
            let events = Mutex<[String]>([])
            let (holding, release, done) = (DispatchSemaphore(value: 0), DispatchSemaphore(value: 0), DispatchGroup())
            func run(_ name: String, _ body: @escaping @Sendable () throws -> Void) {
                done.enter()
                Thread {
                    do { try body() } catch { events.withLock { $0.append("\(name) failed: \(error)") } }
                    done.leave()
                }.start()
            }
            // A holds a read until released, then reads again inside it (with the growth still waiting).
            run("A") {
                try environment.read { _ in
                    holding.signal()
                    release.wait()
                    _ = try environment.read { try $0.value(in: database, key: [1]) }
                    events.withLock { $0.append("A nested read") }
                }
            }
            holding.wait()
            run("growth") {
                try environment.setMapSize(2 << 20)
                events.withLock { $0.append("grown") }
            }
            usleep(300_000)  // the growth is now waiting for A's hold
            // B notes the map size its read saw: recorded after the read ends, its line may come before
            // "grown" (appended once the growth has let go), but the size says which went first.
            run("B") {
                let seen = try environment.read { txn in
                    _ = try txn.value(in: database, key: [1])
                    return try environment.info().mapSizeBytes
                }
                events.withLock { $0.append("B read a map of \(seen) bytes") }
            }
            usleep(300_000)
            #expect(events.withLock { $0 }.isEmpty, "B read while a map growth was waiting (the writer can starve)")
            release.signal()
            // A liveness bound, not a timing target: a nested read queued behind the growth deadlocks.
            #expect(done.wait(timeout: .now() + 60) == .success, "deadlock: \(events.withLock { $0 })")
            let seen = events.withLock { $0 }
            #expect(seen.first == "A nested read", "A's nested read ran beside the waiting growth: \(seen)")
            #expect(
                Set(seen) == ["A nested read", "grown", "B read a map of \(2 << 20) bytes"], "B read before the growth")
            #expect(try environment.info().mapSizeBytes == 2 << 20)
        }
    }
}
