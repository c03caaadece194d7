#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A compacted copy of an environment made beside it (`<directory>.compacting`) and renamed over its
/// `data.mdb`: how the keys env (ledger.md §4.5) and the projections env (§4.4) leave the bytes LMDB keeps in
/// free pages behind after erasures. Until `swapIn` renames it, the live environment is untouched; a copy an
/// interrupted run left behind is replaced by the next one.
public struct CompactedCopy: Sendable {
    /// The live environment's directory.
    public let live: String
    /// The staging directory the copy is made in.
    public let staging: String

    public init(live: String) {
        self.live = live
        staging = live + ".compacting"
    }

    /// The copy's data file.
    public var file: String { staging + "/data.mdb" }

    /// Size of the live `data.mdb` (0 when it cannot be read).
    public func liveBytes() -> Int {
        var status = stat()
        return stat(live + "/data.mdb", &status) == 0 ? Int(status.st_size) : 0
    }

    /// Copies `environment` compacted into the staging directory (`mdb_env_copy2` with `MDB_CP_COMPACT`), makes
    /// the copy owner-only and flushes it. On failure the staging directory is removed.
    public func write(from environment: Environment) throws(LMDBError) {
        discard()
        do throws(LMDBError) {
            try environment.copy(to: staging, compact: true)
            // mdb_env_copy2 creates the copy with mode 0666 less the umask; the environments stay owner-only.
            guard chmod(file, 0o600) == 0 else { throw LMDBError(code: errno, call: "chmod(\(file))") }
            guard FileSync.file(file) else { throw LMDBError(code: errno, call: "fsync(\(file))") }
        } catch {
            discard()
            throw error
        }
    }

    /// The commit point: renames the copy over the live `data.mdb`, flushes the directory, removes the staging
    /// directory. Call it while the environment is closed in this process and locked out of others
    /// (`EnvironmentLockFile.withOtherProcessesLockedOut`).
    public func swapIn() throws(LMDBError) {
        guard rename(file, live + "/data.mdb") == 0 else {
            throw LMDBError(code: errno, call: "rename(\(file), \(live)/data.mdb)")
        }
        FileSync.directory(live)
        discard()
    }

    /// `swapIn` while no other process can open the environment, after checking that none has it open
    /// (`EnvironmentLockFile.withOtherProcessesLockedOut`); call it with the environment closed in this process.
    /// On failure the copy is removed and the live file stays.
    public func swapInLockedOut() throws {
        do {
            try EnvironmentLockFile.withOtherProcessesLockedOut(directory: live) { try swapIn() }
        } catch {
            discard()
            throw error
        }
    }

    /// Removes what the staging directory holds (a `lock.mdb` comes from opening the copy to check it).
    public func discard() {
        unlink(file)
        unlink(staging + "/lock.mdb")
        rmdir(staging)
    }
}
