import LMDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A hot, compacting copy of the ledger environment (ledger.md §2.6): `mdb_env_copy2` with
/// `MDB_CP_COMPACT` into a temporary directory, fsync, rename to `DIR/ledger`, then a full verify of the copy
/// against its newest checkpoint. A page leak makes the compacting copy fail, which is reported.
public enum LedgerBackup {
    /// Copies `ledger` into the data directory `target` (which must not hold a ledger yet) and verifies it.
    public static func run(_ ledger: Ledger, to target: String) throws(LedgerError) -> VerificationReport {
        let final = target + "/ledger"
        let staging = target + "/ledger.partial-\(getpid())"
        guard access(final, F_OK) != 0 else { throw LedgerError(.invalidArgument, "\(final) exists already") }
        do {
            try FileChecks.makeDirectory(staging)
            try ledger.environment.copy(to: staging, compact: true)
            try syncFile(staging + "/data.mdb")
            guard rename(staging, final) == 0 else {
                throw LedgerError(.storage, "cannot rename \(staging): \(String(cString: strerror(errno)))")
            }
            try syncFile(target)
        } catch {
            throw LedgerError.storage(error, "backup to \(target) failed")
        }
        let copy = try Ledger(Ledger.Options(dataDirectory: target, readOnly: true))
        defer { copy.close() }
        return try LedgerVerifier(ledger: copy).verify()
    }

    private static func syncFile(_ path: String) throws(LedgerError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0, fsync(descriptor) == 0 else {
            if descriptor >= 0 { close(descriptor) }
            throw LedgerError(.storage, "cannot sync \(path): \(String(cString: strerror(errno)))")
        }
        close(descriptor)
    }
}
