import Foundation
import Ledger
import Vault

/// The inputs of a restore, checked before anything is written: a ledger backup (`cus ledger backup --to L`
/// makes `L/ledger/`), one keys backup (`cus keys backup` makes `K/keys-<time>/`; given the set `K`, its newest
/// complete backup is used), more erasure lists that survived, and trusted or witnessed checkpoints.
struct RestoreSources {
    let ledgerBackup: String
    let keysBackup: String
    let keysManifest: KeysBackupManifest
    private(set) var erasureLists: [String]
    let trustedCheckpoints: [SignedCheckpoint]

    init(ledgerBackup: String, keysBackup: String, erasureLists: [String], trustedCheckpoints: [String]) throws {
        guard FileManager.default.fileExists(atPath: ledgerBackup + "/ledger/data.mdb") else {
            throw CommandFailure(
                exitCode: 66, reason: "no ledger backup in \(ledgerBackup): \(ledgerBackup)/ledger/data.mdb is missing")
        }
        self.ledgerBackup = ledgerBackup
        (self.keysBackup, keysManifest) = try Self.keysBackup(keysBackup)
        for list in erasureLists { try Self.checkErasureList(list) }
        self.erasureLists = erasureLists
        self.trustedCheckpoints = try trustedCheckpoints.map(Self.checkpoint)
    }

    /// Every input path, so the restore can refuse inputs it would delete.
    var paths: [String] { [ledgerBackup, keysBackup] + erasureLists }

    /// Replays `list` too: the erasure list of the data directory being replaced, the newest of all (an erasure
    /// recorded after the keys backup is only there and in the exports).
    mutating func replaying(_ list: String) throws {
        try Self.checkErasureList(list)
        erasureLists.append(list)
    }

    private static func checkErasureList(_ list: String) throws {
        guard FileManager.default.fileExists(atPath: list) else {
            throw CommandFailure(exitCode: 66, reason: "no erasure list at \(list)")
        }
        do { _ = try ErasureList(path: list).entries() } catch { throw CommandFailure(error) }
    }

    /// `path` is one keys backup (it has a manifest) or a set of them (its newest complete backup).
    private static func keysBackup(_ path: String) throws -> (String, KeysBackupManifest) {
        let manifestPath = path + "/" + KeysBackups.manifestName
        if FileManager.default.fileExists(atPath: manifestPath) {
            let directory = URL(fileURLWithPath: path).standardizedFileURL
            let set = KeysBackups(directory: directory.deletingLastPathComponent().path)
            let manifests: [KeysBackupManifest]
            do { manifests = try set.list() } catch { throw CommandFailure(error) }
            guard let manifest = manifests.first(where: { $0.name == directory.lastPathComponent }) else {
                throw CommandFailure(exitCode: 66, reason: "\(path) is not a complete keys backup (keys-<time>/)")
            }
            return try checked(path, manifest)
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw CommandFailure(exitCode: 66, reason: "no keys backup at \(path)")
        }
        let manifests: [KeysBackupManifest]
        do { manifests = try KeysBackups(directory: path).list() } catch { throw CommandFailure(error) }
        guard let newest = manifests.last else {
            throw CommandFailure(exitCode: 66, reason: "no keys backup (keys-<time>/manifest.json) in \(path)")
        }
        return try checked(path + "/" + newest.name, newest)
    }

    private static func checked(_ path: String, _ manifest: KeysBackupManifest) throws -> (String, KeysBackupManifest) {
        guard manifest.format == KeysBackupManifest.currentFormat else {
            throw CommandFailure(
                exitCode: 65,
                reason: "the keys backup \(path) has format \(manifest.format); this build restores "
                    + KeysBackupManifest.currentFormat)
        }
        guard FileManager.default.fileExists(atPath: path + "/data.mdb") else {
            throw CommandFailure(exitCode: 66, reason: "the keys backup \(path) has no data.mdb")
        }
        return (path, manifest)
    }

    private static func checkpoint(_ path: String) throws -> SignedCheckpoint {
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw CommandFailure(exitCode: 66, reason: "cannot read the trusted checkpoint \(path)")
        }
        do { return try SignedCheckpoint(text: String(decoding: bytes, as: UTF8.self)) } catch {
            throw CommandFailure(exitCode: 65, reason: "the trusted checkpoint \(path) does not parse: \(error)")
        }
    }
}
