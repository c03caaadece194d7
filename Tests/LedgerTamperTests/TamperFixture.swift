import Foundation
import LMDB
import Ledger
import LedgerTesting

/// A small seeded ledger on disk, closed, plus raw access to its LMDB file for tampering.
struct TamperFixture {
    let directory: TemporaryDirectory
    var data: String { directory.path + "/data" }
    var dataFile: String { data + "/ledger/data.mdb" }

    static func make(events: UInt64 = 600, checkpointEvery: UInt64 = 250) async throws -> TamperFixture {
        let directory = try TemporaryDirectory(prefix: "cusledger-tamper")
        let fixture = TamperFixture(directory: directory)
        let ledger = try fixture.openWriter(checkpointEvery: checkpointEvery)
        try await LedgerSeeder(streamCount: 7, eventsPerAppend: 100).seed(ledger, count: events)
        ledger.close()
        return fixture
    }

    func openWriter(checkpointEvery: UInt64 = 250) throws -> Ledger {
        try Ledger(
            Ledger.Options(dataDirectory: data, initialMapSizeBytes: 64 << 20, checkpointEveryEvents: checkpointEvery))
    }

    func verify(_ options: LedgerVerifier.Options = .init()) throws -> VerificationReport {
        let ledger = try Ledger(Ledger.Options(dataDirectory: data, readOnly: true))
        defer { ledger.close() }
        return try LedgerVerifier(ledger: ledger, options: options).verify()
    }

    /// Runs `body` on the raw ledger environment (the ledger must be closed).
    func withRawEnvironment<R>(_ body: (Environment, (String) throws -> Database) throws -> R) throws -> R {
        let environment = try Environment(path: data + "/ledger", options: .init(mapSizeBytes: 64 << 20))
        defer { environment.close() }
        return try body(environment) { try environment.openDatabase(named: $0) }
    }

    /// Sets the ledger's `meta` entry `key` to `value`, as a damaged byte read back by LMDB would.
    func putMeta(_ key: String, _ value: [UInt8]) throws {
        try withRawEnvironment { environment, open in
            let meta = try open("meta")
            try environment.write { txn in try txn.put(value, key: Array(key.utf8), in: meta) }
        }
    }

    /// Flips one bit `offset` bytes into every occurrence of `needle` in the data file (freed pages may hold
    /// stale copies; the live one is among them).
    func flipByte(after needle: [UInt8], offset: Int) throws {
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dataFile)))
        let starts = bytes.ranges(of: needle).map(\.lowerBound)
        guard !starts.isEmpty else { throw FixtureError("needle not found") }
        for start in starts { bytes[start + offset] ^= 0x01 }
        try Data(bytes).write(to: URL(fileURLWithPath: dataFile))
    }

    /// The stored bytes of the record at `position`.
    func record(at position: UInt64) throws -> [UInt8] {
        let record = try withRawEnvironment { environment, open in
            let events = try open("events")
            return try environment.read { txn in try txn.value(in: events, key: positionKey(position)).map { Array($0) }
            }
        }
        guard let record else { throw FixtureError("no record at \(position)") }
        return record
    }

    func remove() { directory.remove() }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The `events` key of a position: u64 big-endian.
func positionKey(_ position: UInt64) -> [UInt8] { withUnsafeBytes(of: position.bigEndian, Array.init) }
