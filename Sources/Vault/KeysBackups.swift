public import Foundation
import LMDB
import Ledger

/// What a keys backup holds, written beside its copy as `manifest.json`.
public struct KeysBackupManifest: Codable, Sendable, Equatable {
    public static let currentFormat = "cusledger-keys-backup-v1"

    public var format: String
    /// The backup's directory name, `keys-YYYYMMDDTHHMMSSZ`.
    public var name: String
    public var createdAt: Date
    /// The master-key epoch its data keys are wrapped under: restoring it needs that epoch's key file.
    public var masterKeyEpoch: UInt32
    public var dataKeys: Int
    public var erasedKeys: Int
    /// Entries of the erasure list copied with it (ledger.md §4.5 step 3 replays them after a restore).
    public var erasureListEntries: Int
}

/// What `KeysBackups.prune` removed.
public struct KeysBackupPruning: Sendable, Equatable {
    /// Expired backups, and unfinished copies left by a `create` that never ended.
    public var removedBackups: [String]
    /// Retired master key files destroyed because no kept backup needs their epoch any more.
    public var destroyedMasterKeys: [String]
}

/// Backups of the keys env in their own set (ledger.md §4.5), never inside the data directory or a ledger
/// backup: each is `DIR/keys-<UTC time>/` with a compacting copy of the env (free pages, which may hold destroyed
/// keys, are not copied), the erasure list, and `manifest.json`; written under `.partial` and renamed, so a
/// half-written backup never looks like one. Retention is short (one master-key epoch plus grace): `prune`
/// removes backups older than the retention, keeping the newest, then destroys retired master key files that
/// no kept backup needs, so older residue becomes undecryptable.
public struct KeysBackups: Sendable {
    public static let manifestName = "manifest.json"
    static let namePrefix = "keys-"

    public let directory: String

    public init(directory: String) { self.directory = directory }

    /// Copies the keys env of `options` into a new backup; `now` names it.
    public func create(from options: VaultOptions, now: Date) throws(VaultError) -> KeysBackupManifest {
        try refuseInsideDataDirectory(options)
        do { try FileChecks.makeDirectory(directory) } catch {
            throw VaultError(.storage, "cannot create the keys backup directory \(directory)", underlying: error)
        }
        let name = Self.namePrefix + Self.stamp(now)
        let target = directory + "/" + name
        let partial = target + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        guard !FileManager.default.fileExists(atPath: target) else {
            throw VaultError(.invalidArgument, "a keys backup named \(name) exists already; try again in a second")
        }
        // A copy that fails half-way goes at once: it holds wrapped keys, some perhaps of persons erased later.
        do throws(VaultError) {
            let manifest = try writeBackup(of: options, named: name, now: now, into: partial)
            guard rename(partial, target) == 0 else {
                throw VaultError(
                    .storage, "cannot rename \(partial) to \(target): \(String(cString: strerror(errno)))")
            }
            FileSync.directory(directory)
            return manifest
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
    }

    /// The copy, the erasure list and the manifest in `partial`, each flushed.
    private func writeBackup(of options: VaultOptions, named name: String, now: Date, into partial: String)
        throws(VaultError) -> KeysBackupManifest
    {
        var readOnly = options
        readOnly.readOnly = true
        let manifest: KeysBackupManifest
        do {
            let vault = try Vault(readOnly)
            defer { vault.close() }
            let counts = try vault.keyCounts()
            try vault.compactCopy(to: partial)
            let erasures = try copyErasureList(options, into: partial)
            manifest = KeysBackupManifest(
                format: KeysBackupManifest.currentFormat, name: name, createdAt: now,
                masterKeyEpoch: vault.masterKeyEpoch, dataKeys: counts.dataKeys, erasedKeys: counts.erasedKeys,
                erasureListEntries: erasures)
        }
        try write(manifest, into: partial)
        let copy = partial + "/data.mdb"
        guard FileSync.file(copy) else { throw VaultError(.storage, "cannot fsync \(copy)") }
        FileSync.directory(partial)
        return manifest
    }

    /// Every complete backup in the directory, oldest first.
    public func list() throws(VaultError) -> [KeysBackupManifest] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var manifests: [KeysBackupManifest] = []
        for name in names.sorted() where name.hasPrefix(Self.namePrefix) && !name.hasSuffix(".partial") {
            let path = directory + "/" + name + "/" + Self.manifestName
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            do { manifests.append(try Self.decoder.decode(KeysBackupManifest.self, from: data)) } catch {
                throw VaultError(.corrupted, "the keys backup manifest \(path) does not parse: \(error)")
            }
        }
        return manifests.sorted { $0.createdAt < $1.createdAt }
    }

    /// Removes backups created more than `retentionDays` before `now` (the newest always stays), and copies a
    /// backup left unfinished (`.partial`, untouched for `partialAbandonedAfter`: a crash or a kill during
    /// `create`), then destroys every retired master key file (`master.key.epoch-N`) of an epoch no kept backup
    /// has.
    public func prune(retentionDays: Int, now: Date, options: VaultOptions) throws(VaultError) -> KeysBackupPruning {
        guard retentionDays >= 0 else { throw VaultError(.invalidArgument, "the retention must be 0 days or more") }
        // Retired keys are destroyed for want of a backup that needs them: a mistyped directory, or one with no
        // backup at all, would destroy every one of them, and with them the use of every older backup.
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw VaultError(.invalidArgument, "no keys backup directory at \(directory)")
        }
        var removed = try removeAbandonedPartials()
        let backups = try list()
        guard !backups.isEmpty else {
            throw VaultError(
                .invalidArgument, "\(directory) holds no keys backup; nothing is pruned and no retired key destroyed")
        }
        let cutoff = now.addingTimeInterval(-Double(retentionDays) * 86_400)
        let expired = backups.dropLast().filter { $0.createdAt < cutoff }
        for backup in expired {
            let path = directory + "/" + backup.name
            do { try FileManager.default.removeItem(atPath: path) } catch {
                throw VaultError(.storage, "cannot remove the expired keys backup \(path): \(error)")
            }
            removed.append(path)
        }
        let keptEpochs = Set(backups.filter { !expired.contains($0) }.map(\.masterKeyEpoch))
        let files = MasterKeyFiles(masterPath: options.resolvedMasterKeyPath)
        var destroyed: [String] = []
        for epoch in files.retiredEpochs() where !keptEpochs.contains(epoch) {
            let path = files.retiredPath(epoch: epoch)
            try MasterKeyFiles.destroy(path)
            destroyed.append(path)
        }
        if !destroyed.isEmpty { FileSync.directory(files.directory) }
        return KeysBackupPruning(removedBackups: removed, destroyedMasterKeys: destroyed)
    }

    /// How long a `.partial` copy stays untouched before `prune` takes it for abandoned (a backup takes seconds).
    public static let partialAbandonedAfter: TimeInterval = 3_600

    /// Removes the `.partial` directories whose files last changed more than `partialAbandonedAfter` ago (by the
    /// file system's clock; a `create` in progress keeps writing into its own); returns their paths.
    private func removeAbandonedPartials() throws(VaultError) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var removed: [String] = []
        for name in names.sorted() where name.hasPrefix(Self.namePrefix) && name.hasSuffix(".partial") {
            let path = directory + "/" + name
            let contents = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).map { path + "/" + $0 }
            let changed = ([path] + contents).compactMap {
                (try? FileManager.default.attributesOfItem(atPath: $0))?[.modificationDate] as? Date
            }
            guard let latest = changed.max(), Date().timeIntervalSince(latest) > Self.partialAbandonedAfter else {
                continue
            }
            do { try FileManager.default.removeItem(atPath: path) } catch {
                throw VaultError(.storage, "cannot remove the unfinished keys backup \(path): \(error)")
            }
            removed.append(path)
        }
        return removed
    }

    // MARK: -

    private func refuseInsideDataDirectory(_ options: VaultOptions) throws(VaultError) {
        let target = URL(fileURLWithPath: directory).standardizedFileURL.path + "/"
        let data = URL(fileURLWithPath: options.dataDirectory).standardizedFileURL.path + "/"
        let keys =
            URL(fileURLWithPath: options.resolvedMasterKeyPath).deletingLastPathComponent().standardizedFileURL
            .path + "/"
        guard !target.hasPrefix(data), !target.hasPrefix(keys) else {
            throw VaultError(
                .invalidArgument,
                "keys backups go outside the data directory and the key files' directory (ledger.md §4.5), not "
                    + "into \(directory)")
        }
    }

    /// Copies the erasure list's bytes in one go (a torn last line, if the writer was mid-append, is ignored by
    /// every reader as in the original) and returns how many entries the copy holds.
    private func copyErasureList(_ options: VaultOptions, into partial: String) throws(VaultError) -> Int {
        let source = options.erasureListPath
        guard FileManager.default.fileExists(atPath: source) else { return 0 }
        let copy = partial + "/erasures.log"
        do { try FileManager.default.copyItem(atPath: source, toPath: copy) } catch {
            throw VaultError(.storage, "cannot copy the erasure list \(source) into the keys backup: \(error)")
        }
        guard FileSync.file(copy) else { throw VaultError(.storage, "cannot fsync \(copy)") }
        return try ErasureList(path: copy).entries().count
    }

    private func write(_ manifest: KeysBackupManifest, into partial: String) throws(VaultError) {
        let path = partial + "/" + Self.manifestName
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            try encoder.encode(manifest).write(to: URL(fileURLWithPath: path))
        } catch {
            throw VaultError(.storage, "cannot write \(path): \(error)")
        }
        guard FileSync.file(path) else { throw VaultError(.storage, "cannot fsync \(path)") }
    }

    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    static func stamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date)
    }
}
