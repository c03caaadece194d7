import Foundation
import LMDB
import Ledger
import LedgerTesting
import Vault

/// A data directory inside a fresh temporary directory, so `DIR.keys/` is removed with it.
struct VaultFixture {
    let directory: TemporaryDirectory

    var root: String { directory.path }
    var dataDirectory: String { directory.path + "/data" }
    var options: VaultOptions { VaultOptions(dataDirectory: dataDirectory) }
    var keysDirectory: String { directory.path + "/data.keys" }
    var masterKeyPath: String { keysDirectory + "/master.key" }
    var lookupKeyPath: String { keysDirectory + "/lookup.key" }

    static func with<R>(_ body: (VaultFixture) throws -> R) throws -> R {
        let directory = try TemporaryDirectory(prefix: "cusvault")
        defer { directory.remove() }
        return try body(VaultFixture(directory: directory))
    }

    /// Opens a vault for the body and closes it afterwards.
    func withVault<R>(_ options: VaultOptions? = nil, _ body: (Vault) throws -> R) throws -> R {
        let vault = try Vault(options ?? self.options)
        defer { vault.close() }
        return try body(vault)
    }

    /// The raw value stored under `key` in one database of the keys env (the vault must be closed).
    func rawValue(database: String, key: [UInt8]) throws -> [UInt8]? {
        let environment = try Environment(
            path: dataDirectory + "/keys",
            options: Environment.Options(mapSizeBytes: 1 << 30, maxDatabases: 8, flags: .readOnly))
        defer { environment.close() }
        let handle = try environment.openDatabase(named: database)
        return try environment.read { txn in try txn.value(in: handle, key: key).map(Array.init) }
    }
}

func binding(
    eventID: EventID = EventID(UUID128(high: 1, low: 2)), type: String = "PersonRegistered",
    schemaVersion: UInt16 = 1
) throws -> SealBinding {
    SealBinding(
        eventID: eventID, stream: StreamID(category: try Category("person"), id: UUID128(high: 3, low: 4)),
        eventType: try EventType(type), schemaVersion: schemaVersion)
}

extension Array where Element == UInt8 {
    /// Whether `needle` occurs as a contiguous run.
    func contains(run needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return false }
        return (0...(count - needle.count)).contains { start in
            self[start..<(start + needle.count)].elementsEqual(needle)
        }
    }
}

func fileBytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

func expectVaultError(_ code: VaultError.Code, _ body: () throws -> Void) -> Bool {
    do {
        try body()
        return false
    } catch let error as VaultError {
        return error.code == code
    } catch {
        return false
    }
}
