import Foundation
import HTTPAPI
import Ledger

#if canImport(Glibc)
    import Glibc
#endif

/// The data directory a restore writes, and the crash-safe way it gets there: everything is built in a staging
/// directory beside it (`.NAME.restoring`, same file system), fsynced, then renamed into place. A crash leaves
/// the target as it was (or, between the two renames of a `--force` replacement, absent with the finished copy
/// staged); running the same restore again starts from a clean staging directory and gives the same result.
struct RestoreTarget {
    let data: String
    let parent: String
    let staging: String
    /// Where the replaced directory waits between the two renames of a `--force` restore.
    let replaced: String

    /// `data` with its symbolic links resolved: a link to the real directory is restored where it points (the
    /// link stays), not replaced by a directory beside the data the server keeps using.
    init(data: String) {
        let url = URL(fileURLWithPath: data).standardizedFileURL.resolvingSymlinksInPath()
        self.data = url.path
        parent = url.deletingLastPathComponent().path
        staging = parent + "/." + url.lastPathComponent + ".restoring"
        replaced = parent + "/." + url.lastPathComponent + ".replaced"
    }

    var exists: Bool { FileManager.default.fileExists(atPath: data) }

    var isEmpty: Bool { ((try? FileManager.default.contentsOfDirectory(atPath: data)) ?? []).isEmpty }

    /// Whether `path` is the target or lies inside it (a restore would delete it).
    func contains(_ path: String) -> Bool {
        let standardized = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        return standardized == data || standardized.hasPrefix(data + "/")
    }

    /// Refuses (exit 75) while a server or another writer holds the target, (exit 73) a non-empty target without
    /// `force`, and (exit 73) a missing target whose previous directory an interrupted restore left at `replaced`.
    /// Returns the target's writer lock, held until the restore is renamed into place. A missing target is made
    /// (empty, owner-only) and locked the same way: a server started at its path meanwhile finds the lock held
    /// instead of making a ledger there that the rename would delete under it.
    func admit(force: Bool) throws -> (lock: WriterLock, created: Bool) {
        let created = !exists
        if created {
            guard !FileManager.default.fileExists(atPath: replaced) else {
                throw CommandFailure(
                    exitCode: 73,
                    reason: "an interrupted restore left the previous \(data) at \(replaced); move it back to \(data) "
                        + "(or remove it) and run again")
            }
            do {
                try FileManager.default.createDirectory(
                    atPath: data, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw CommandFailure(exitCode: 73, reason: "cannot create \(data): \(error.localizedDescription)")
            }
        }
        if let server = ServerFile.live(dataDirectory: data) {
            throw CommandFailure(
                exitCode: 75, reason: "cus serve (pid \(server.pid), \(server.url)) holds \(data); stop it first")
        }
        guard isEmpty || force else {
            throw CommandFailure(
                exitCode: 73, reason: "\(data) is not empty; pass --force to replace it with the restored copy")
        }
        do { return (try WriterLock(dataDirectory: data, purpose: "cus restore"), created) } catch {
            throw CommandFailure(error)
        }
    }

    /// Removes the target `admit` made, after a failed restore, while it holds nothing but its lock file.
    func removeCreated() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: data)) ?? []
        guard names.allSatisfy({ $0 == "writer.lock" }) else { return }
        try? FileManager.default.removeItem(atPath: data)
    }

    /// A fresh, empty staging directory (left-overs of an interrupted restore are removed first), locked so that
    /// two restores of one target cannot share it.
    func prepareStaging() throws -> WriterLock {
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: parent, withIntermediateDirectories: true)
            try manager.createDirectory(
                atPath: staging, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw CommandFailure(exitCode: 73, reason: "cannot create \(staging): \(error.localizedDescription)")
        }
        let lock: WriterLock
        do { lock = try WriterLock(dataDirectory: staging, purpose: "cus restore (staging)") } catch {
            throw CommandFailure(error)
        }
        do {
            for name in try manager.contentsOfDirectory(atPath: staging) where name != "writer.lock" {
                try manager.removeItem(atPath: staging + "/" + name)
            }
            // The target is in place (`admit` refused the state where only `replaced` holds the data), so this is
            // what a restore that crashed after its second rename left.
            if manager.fileExists(atPath: replaced) { try manager.removeItem(atPath: replaced) }
        } catch {
            throw CommandFailure(exitCode: 74, reason: "cannot clear \(staging): \(error.localizedDescription)")
        }
        return lock
    }

    /// Makes the staged copy the target: fsyncs it, renames an existing target aside, renames the copy into
    /// place, fsyncs the parent, then deletes the replaced directory.
    func commit() throws {
        // A copy not known to be on disk is never renamed into place.
        if let unsynced = Self.syncTree(staging) {
            throw CommandFailure(
                exitCode: 74,
                reason: "cannot fsync \(unsynced): \(String(cString: strerror(errno))); nothing was replaced")
        }
        if exists {
            guard rename(data, replaced) == 0 else { throw Self.renameFailure(data, replaced) }
        }
        guard rename(staging, data) == 0 else { throw Self.renameFailure(staging, data) }
        _ = Self.sync(parent)
        try? FileManager.default.removeItem(atPath: replaced)
    }

    /// Removes the staging directory after a failed restore, so nothing is left behind.
    func discardStaging() { try? FileManager.default.removeItem(atPath: staging) }

    private static func renameFailure(_ from: String, _ to: String) -> CommandFailure {
        CommandFailure(exitCode: 74, reason: "cannot rename \(from) to \(to): \(String(cString: strerror(errno)))")
    }

    /// fsyncs every file and directory under `root` (LMDB synced its own commits; copied files were not); returns
    /// the first path that could not be opened or flushed, nil when all were.
    static func syncTree(_ root: String) -> String? {
        let enumerator = FileManager.default.enumerator(atPath: root)
        while let relative = enumerator?.nextObject() as? String {
            guard sync(root + "/" + relative) else { return root + "/" + relative }
        }
        return sync(root) ? nil : root
    }

    /// Whether `path` was opened and flushed.
    static func sync(_ path: String) -> Bool {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return fsync(descriptor) == 0
    }
}
