import LMDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What one compaction of the keys env did.
public struct KeysCompactionReport: Sendable, Hashable {
    /// Data keys in the env (the copy was checked to hold as many).
    public var dataKeys: Int
    /// Size of `data.mdb` before and after.
    public var bytesBefore: Int
    public var bytesAfter: Int
}

/// Compaction of the keys env (ledger.md §4.5, after each erasure batch): a compacting copy (`MDB_CP_COMPACT`)
/// leaves free pages, which may still hold destroyed keys, behind; an atomic `rename` of the copy's `data.mdb`
/// over the live one is the commit point, so a crash at any step leaves the old file or the new one.
extension Vault {
    /// Compacts the keys env of a process that does not have it open: from the process that holds
    /// `writer.lock`, before opening the `Vault`. Refuses, changing nothing, while any other process has the env
    /// open (a `cus projections` or `cus keys backup` run reads it without `writer.lock`): renamed under its
    /// lock file, the copy would be read through that lock file's transaction id, which may pick the copy's empty
    /// meta page, and the next write there would overwrite the copy's root.
    public static func compactInPlace(_ options: VaultOptions) throws(VaultError) {
        guard !options.readOnly else { throw VaultError(.invalidArgument, "cannot compact a read-only keys env") }
        try requireNoOtherProcess(options, "compact the keys env")
        let staging = CompactionStaging(options)
        do {
            let vault = try Vault(options)
            defer { vault.close() }
            try vault.store.withShared { store throws(VaultError) in
                _ = try staging.writeCompactedCopy(of: store)
            }
        }
        try staging.swapIn()
    }

    /// Throws `storage` naming what was refused when another process has the keys env open. Call it while this
    /// process has the env closed (checking drops this process's own `fcntl` locks on the lock file).
    static func requireNoOtherProcess(_ options: VaultOptions, _ action: String) throws(VaultError) {
        do { try EnvironmentLockFile.withOtherProcessesLockedOut(directory: options.keysEnvironmentPath) {} } catch {
            throw VaultError.storage(error, "cannot \(action): another process has the keys env open (stop it first)")
        }
    }

    /// Compacts the keys env while this process serves from it. Waits until no transaction of this process
    /// is active and holds off new ones (they wait, then run on the compacted env), closes the env, swaps the
    /// checked copy in and reopens it. Throws `storage` without swapping when another process has the keys env
    /// open (its lock file would not match the copy); the old env is then reopened. Cached data keys stay
    /// valid: the keys are the same.
    @discardableResult
    public func compactOnline() throws(VaultError) -> KeysCompactionReport {
        guard !options.readOnly else { throw VaultError(.invalidArgument, "cannot compact a read-only keys env") }
        let staging = CompactionStaging(options)
        let outcome: Result<KeysCompactionReport, VaultError> = try store.swap { old throws(VaultError) in
            let bytesBefore = staging.liveBytes()
            let dataKeys = try staging.writeCompactedCopy(of: old)
            old.environment.close()
            let swapped = Result { () throws(VaultError) in
                do { try staging.copy.swapInLockedOut() } catch {
                    throw VaultError.storage(error, "cannot swap the compacted keys env in; the old one stays")
                }
            }
            let reopened = try Self.openStore(options)
            return (
                reopened,
                swapped.map {
                    KeysCompactionReport(dataKeys: dataKeys, bytesBefore: bytesBefore, bytesAfter: staging.liveBytes())
                }
            )
        }
        return try outcome.get()
    }
}

/// The staging directory `keys.compacting` next to the keys env, and the steps done there (`CompactedCopy`,
/// shared with the projections env), with the keys env's own check of the copy.
struct CompactionStaging {
    let options: VaultOptions
    let copy: CompactedCopy

    init(_ options: VaultOptions) {
        self.options = options
        copy = CompactedCopy(live: options.keysEnvironmentPath)
    }

    var directory: String { copy.staging }

    /// Size of the live `data.mdb` (0 when it cannot be read).
    func liveBytes() -> Int { copy.liveBytes() }

    /// Copies `store` compacted into the staging directory (replacing a copy an interrupted run left there),
    /// checks the copy holds as many data keys, makes it owner-only and flushes it. Returns the data key count.
    /// On failure the staging directory is removed; the live env is untouched.
    func writeCompactedCopy(of store: KeysStore) throws(VaultError) -> Int {
        do throws(VaultError) {
            let expected = try store.read("cannot count data keys") { txn in
                try txn.statistics(of: store.dataKeys).entries
            }
            do { try copy.write(from: store.environment) } catch {
                throw VaultError.storage(error, "cannot write the compacted copy of the keys env to \(directory)")
            }
            try checkCopy(expectedDataKeys: expected)
            return expected
        } catch {
            discard()
            throw error
        }
    }

    /// The commit point: renames the copy over the live `data.mdb`, flushes the directory, removes the staging;
    /// refused (the copy removed, the live env kept) when another process has the env open.
    func swapIn() throws(VaultError) {
        do { try copy.swapInLockedOut() } catch {
            throw VaultError.storage(error, "cannot swap in the compacted copy; the live keys env stays")
        }
    }

    /// Removes what the staging directory holds (the copy's `lock.mdb` comes from `checkCopy`).
    func discard() { copy.discard() }

    /// Opens the copy read-only and checks it holds as many data keys as the live env.
    private func checkCopy(expectedDataKeys: Int) throws(VaultError) {
        let environment: Environment
        do {
            environment = try Environment(
                path: directory,
                options: Environment.Options(mapSizeBytes: options.mapSizeBytes, maxDatabases: 8, flags: .readOnly))
        } catch {
            throw VaultError.storage(error, "cannot open the compacted copy at \(directory)")
        }
        defer { environment.close() }
        let store: KeysStore
        do { store = try KeysStore(environment: environment, create: false) } catch {
            throw VaultError.storage(error, "cannot open the databases of the compacted copy at \(directory)")
        }
        let found = try store.read("cannot count the compacted copy's data keys") { txn in
            try txn.statistics(of: store.dataKeys).entries
        }
        guard found == expectedDataKeys else {
            throw VaultError(.storage, "the compacted copy holds \(found) data keys, the live env \(expectedDataKeys)")
        }
    }
}
