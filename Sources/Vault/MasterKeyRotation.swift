import Crypto
import Foundation
import LMDB
import Ledger

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The files beside the master key file during and after rotations (ledger.md §4.5): `master.key.next`, the new
/// key while a rotation runs, and `master.key.epoch-N`, the retired key of epoch N, kept while keys backups of
/// that epoch are (`KeysBackups.prune` destroys it once none is left).
struct MasterKeyFiles {
    let masterPath: String

    var pendingPath: String { masterPath + ".next" }
    var directory: String { masterPath.lastIndex(of: "/").map { String(masterPath[..<$0]) } ?? "." }

    func retiredPath(epoch: UInt32) -> String { masterPath + ".epoch-\(epoch)" }

    /// The epochs of the retired key files beside the master key file.
    func retiredEpochs() -> [UInt32] {
        let prefix = (masterPath.split(separator: "/").last.map(String.init) ?? masterPath) + ".epoch-"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { name in name.hasPrefix(prefix) ? UInt32(name.dropFirst(prefix.count)) : nil }
            .sorted()
    }

    /// Keeps the current key file as the retired key of `epoch` (a hard link: the bytes never exist half-copied).
    func retire(epoch: UInt32) throws(VaultError) {
        let target = retiredPath(epoch: epoch)
        if link(masterPath, target) != 0 && errno != EEXIST {
            throw failure("cannot keep the retired master key as \(target)")
        }
        FileSync.directory(directory)
    }

    /// Renames the pending key over the master key file: after this the env's new epoch opens with it.
    func promotePending() throws(VaultError) {
        guard rename(pendingPath, masterPath) == 0 else {
            throw failure("cannot move \(pendingPath) to \(masterPath)")
        }
        FileSync.directory(directory)
    }

    /// Overwrites a key file with zeros, flushes it and removes it. A file with another name as well is only
    /// unlinked: a rotation that stopped after `retire` and before its commit leaves the retired name a hard link
    /// of the live `master.key`, whose bytes must stay.
    static func destroy(_ path: String) throws(VaultError) {
        var status = stat()
        // A regular file of its own: not a symbolic link either, whose target is another file.
        let ownBytes = lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFREG && status.st_nlink == 1
        if ownBytes { _ = chmod(path, 0o600) }
        let descriptor = ownBytes ? open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW) : -1
        if descriptor >= 0 {
            let zeros = [UInt8](repeating: 0, count: KeyFile.keyBytes)
            _ = zeros.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
            _ = fsync(descriptor)
            close(descriptor)
        }
        guard unlink(path) == 0 || errno == ENOENT else {
            throw VaultError(.storage, "cannot remove \(path): \(String(cString: strerror(errno)))")
        }
    }

    private func failure(_ what: String) -> VaultError {
        VaultError(.storage, "\(what): \(String(cString: strerror(errno)))")
    }
}

/// What `Vault.rotateMasterKey` did.
public struct MasterKeyRotation: Sendable, Equatable {
    public var fromEpoch: UInt32
    public var toEpoch: UInt32
    /// Data keys re-wrapped under the new master key.
    public var rewrappedKeys: Int
    /// Where the old master key now lives, until its backups expire.
    public var retiredKeyPath: String
}

extension Vault {
    /// Where a rotation may be stopped, to test that opening finishes or ignores it.
    package enum RotationStop: Sendable {
        case afterPendingKeyFile
        case afterCommit
    }

    /// Moves the keys env to a new master-key epoch (ledger.md §4.5): a new random master key file, every live
    /// data key re-wrapped under it in one transaction together with the new epoch and check value, the old
    /// key file kept as `master.key.epoch-N` for the backups of that epoch, then a compacting copy so no page
    /// of the env still holds a key wrapped under the old master key. The caller holds the writer lock and no
    /// other process has the keys env open.
    ///
    /// Crash safety: the new key file is durable before the transaction commits; until the rename that
    /// follows, opening the env finds the new epoch's key at `master.key.next` and finishes the rename.
    public static func rotateMasterKey(_ options: VaultOptions) throws(VaultError) -> MasterKeyRotation {
        try rotateMasterKey(options, stoppingAfter: nil)
    }

    package static func rotateMasterKey(_ options: VaultOptions, stoppingAfter stop: RotationStop?)
        throws(VaultError) -> MasterKeyRotation
    {
        guard !options.readOnly else { throw VaultError(.invalidArgument, "cannot rotate a read-only keys env") }
        // Before any change: the rotation ends with `compactInPlace`, which another process's open env refuses.
        try requireNoOtherProcess(options, "rotate the master key")
        let files = MasterKeyFiles(masterPath: options.resolvedMasterKeyPath)
        let rotation: MasterKeyRotation
        do {
            let vault = try Vault(options)
            defer { vault.close() }
            // A pending file left by a rotation that never committed is not the env's key: start afresh.
            try MasterKeyFiles.destroy(files.pendingPath)
            let pending = KeyFile.master(path: files.pendingPath)
            try pending.create()
            guard let newKey = try pending.load() else {
                throw VaultError(.storage, "the new master key file \(files.pendingPath) vanished")
            }
            if stop == .afterPendingKeyFile { return try vault.plannedRotation(files) }
            try files.retire(epoch: vault.masterKeyEpoch)
            rotation = try vault.rewrapAll(under: newKey, files: files)
        }
        if stop == .afterCommit { return rotation }
        try files.promotePending()
        try compactInPlace(options)
        return rotation
    }

    private func plannedRotation(_ files: MasterKeyFiles) throws(VaultError) -> MasterKeyRotation {
        MasterKeyRotation(
            fromEpoch: masterKeyEpoch, toEpoch: masterKeyEpoch + 1, rewrappedKeys: 0,
            retiredKeyPath: files.retiredPath(epoch: masterKeyEpoch))
    }

    /// One transaction: every `dataKeys` value re-wrapped, the new epoch and its check value.
    private func rewrapAll(under newKey: SymmetricKey, files: MasterKeyFiles) throws(VaultError) -> MasterKeyRotation {
        let (oldKey, oldEpoch) = (masterKey, masterKeyEpoch)
        guard oldEpoch < UInt32.max else { throw VaultError(.invalidArgument, "the master-key epoch is exhausted") }
        let newEpoch = oldEpoch + 1
        let check = try VaultOpening.masterCheck(newKey, epoch: newEpoch)
        let count: Int = try store.write("cannot re-wrap the data keys") { txn in
            var rewrapped: [(key: [UInt8], value: [UInt8])] = []
            try txn.withCursor(store.dataKeys) { cursor in
                var entry = try cursor.first()
                while let current = entry {
                    let keyID = try KeysLayout.uuid(current.key, "a dataKeys key")
                    let record = try DataKeyRecord(bytes: current.value)
                    let moved = try record.rewrapped(
                        keyID: keyID, from: oldKey, oldEpoch: oldEpoch, to: newKey, epoch: newEpoch)
                    rewrapped.append((Array(current.key), moved.bytes))
                    entry = try cursor.next()
                }
            }
            for (key, value) in rewrapped { try txn.put(value, key: key, in: store.dataKeys) }
            try txn.put(KeysLayout.bigEndian(newEpoch), key: KeysLayout.MetaKey.masterKeyEpoch, in: store.meta)
            try txn.put(check, key: KeysLayout.MetaKey.masterKeyCheck, in: store.meta)
            return rewrapped.count
        }
        return MasterKeyRotation(
            fromEpoch: oldEpoch, toEpoch: newEpoch, rewrappedKeys: count,
            retiredKeyPath: files.retiredPath(epoch: oldEpoch))
    }
}
