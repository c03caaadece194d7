internal import CLMDB
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One open LMDB environment (a directory holding `data.mdb` and `lock.mdb`).
///
/// `@unchecked Sendable`: lmdb.h allows an `MDB_env` to be shared by all threads of a process; transactions are
/// not shared, which the closure-scoped `read` and `write` guarantee (and `MDB_NOTLS` is always set, so a read
/// transaction's reader slot belongs to the transaction, not to the thread that happened to run it).
public final class Environment: @unchecked Sendable {
    /// How to open an environment; every limit is explicit (ledger.md §2.4).
    public struct Options: Sendable {
        public var mapSizeBytes: Int
        public var maxReaders: UInt32
        public var maxDatabases: UInt32
        public var flags: EnvironmentFlags
        /// Flags the environment must not run with; checked with `mdb_env_get_flags` after open.
        public var forbiddenFlags: EnvironmentFlags
        public var fileMode: UInt32

        public init(
            mapSizeBytes: Int = 64 << 30, maxReaders: UInt32 = 256, maxDatabases: UInt32 = 16,
            flags: EnvironmentFlags = [], forbiddenFlags: EnvironmentFlags = [], fileMode: UInt32 = 0o600
        ) {
            self.mapSizeBytes = mapSizeBytes
            self.maxReaders = maxReaders
            self.maxDatabases = maxDatabases
            self.flags = flags
            self.forbiddenFlags = forbiddenFlags
            self.fileMode = fileMode
        }
    }

    public let path: String
    public let options: Options
    let handle: OpaquePointer
    let gate = ReadWriteGate()
    private let registryKey: String
    private let isClosed = Atomic<Bool>(false)
    /// Set when a resize failed (`setMapSize`): the map may be gone, so no further use, but `close` still frees it.
    private let isBroken = Atomic<Bool>(false)

    /// Opens (creating the directory if needed) the environment at `path`.
    /// Throws `alreadyOpen` if this process has it open, `truncated` if its data file is shorter than its meta
    /// page says, and `forbiddenFlag` if it would run with a flag in `options.forbiddenFlags`.
    public init(path: String, options: Options = Options()) throws(LMDBError) {
        let flags = options.flags.union(.noTLS)
        let refused = flags.intersection(options.forbiddenFlags)
        if !refused.isEmpty {
            throw LMDBError(
                code: LMDBError.forbiddenFlag.rawValue, call: "Environment.init",
                message: "flag \(refused) is forbidden on this environment")
        }
        if !flags.contains(.readOnly) { try FileChecks.makeDirectory(path) }
        let key = try FileChecks.canonicalPath(path)
        try FileChecks.checkDataFileLength(directory: key)
        try EnvironmentRegistry.shared.claim(key)
        var opened: OpaquePointer?
        do throws(LMDBError) {
            try check(mdb_env_create(&opened), "mdb_env_create")
            guard let env = opened else { throw LMDBError(code: ENOMEM, call: "mdb_env_create") }
            try check(mdb_env_set_mapsize(env, options.mapSizeBytes), "mdb_env_set_mapsize")
            try check(mdb_env_set_maxreaders(env, options.maxReaders), "mdb_env_set_maxreaders")
            try check(mdb_env_set_maxdbs(env, MDB_dbi(options.maxDatabases)), "mdb_env_set_maxdbs")
            try check(mdb_env_open(env, key, flags.rawValue, mode_t(options.fileMode)), "mdb_env_open(\(key))")
            var actual: UInt32 = 0
            try check(mdb_env_get_flags(env, &actual), "mdb_env_get_flags")
            let running = EnvironmentFlags(rawValue: actual).intersection(options.forbiddenFlags)
            if !running.isEmpty {
                throw LMDBError(
                    code: LMDBError.forbiddenFlag.rawValue, call: "mdb_env_get_flags",
                    message: "environment runs with forbidden flag \(running)")
            }
        } catch {
            if let opened { mdb_env_close(opened) }
            EnvironmentRegistry.shared.release(key)
            throw error
        }
        self.handle = opened.unsafelyUnwrapped
        self.path = key
        self.options = options
        self.registryKey = key
    }

    deinit { close() }

    /// Closes the environment; later use throws `closed`. lmdb.h: only once every transaction has ended.
    public func close() {
        guard !isClosed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        gate.withExclusive { mdb_env_close(handle) }
        EnvironmentRegistry.shared.release(registryKey)
    }

    func ensureOpen() throws(LMDBError) {
        if isClosed.load(ordering: .acquiring) || isBroken.load(ordering: .acquiring) {
            throw LMDBError(code: LMDBError.closed.rawValue, call: path)
        }
    }

    /// Runs `body` on the open environment and keeps it open, its map in place, until `body` returns: `close` and
    /// `setMapSize` wait for it (a check before the gate alone lets `close` free the environment in between, and
    /// `mdb_env_copy2` or `mdb_env_info` outside the gate would read a map `setMapSize` has just unmapped).
    func whileOpen<R>(_ body: () throws(LMDBError) -> R) throws(LMDBError) -> R {
        let result: Result<R, LMDBError> = gate.withShared {
            do throws(LMDBError) {
                try ensureOpen()
                return .success(try body())
            } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Clears reader slots left by dead processes (`mdb_reader_check`); returns how many were cleared.
    @discardableResult
    public func clearStaleReaders() throws(LMDBError) -> Int {
        try whileOpen { () throws(LMDBError) -> Int in
            var dead: Int32 = 0
            try check(mdb_reader_check(handle, &dead), "mdb_reader_check")
            return Int(dead)
        }
    }

    /// Sets a new map size. Waits until no transaction of this process is active (lmdb.h requirement). When it
    /// fails, LMDB may have unmapped the file without mapping it again (`mdb_env_map` failed after `munmap`): any
    /// later transaction would read through a null map, so the environment is taken out of use (later calls throw
    /// `closed`; `close` still frees it, and it can then be opened again).
    public func setMapSize(_ bytes: Int) throws(LMDBError) {
        try ensureOpen()
        try resize(to: bytes)
    }

    /// Adopts a map size grown by another process (after `MDB_MAP_RESIZED`); out of use on failure, as `setMapSize`.
    func adoptForeignMapSize() throws(LMDBError) { try resize(to: 0) }

    /// `mdb_env_set_mapsize` (0: the size another process set) with no transaction of this process active, after
    /// checking under the gate that `close` has not run; a failure marks the environment broken (`setMapSize`).
    private func resize(to bytes: Int) throws(LMDBError) {
        let code = gate.withExclusive {
            guard !isClosed.load(ordering: .acquiring) else { return LMDBError.closed.rawValue }
            let code = mdb_env_set_mapsize(handle, bytes)
            if code != MDB_SUCCESS { isBroken.store(true, ordering: .releasing) }
            return code
        }
        try check(code, "mdb_env_set_mapsize(\(bytes))")
    }

    /// Flushes buffers to disk (`mdb_env_sync` with force).
    public func sync() throws(LMDBError) {
        try whileOpen { () throws(LMDBError) in try check(mdb_env_sync(handle, 1), "mdb_env_sync") }
    }

    /// A consistent copy into an empty directory (`mdb_env_copy2`), compacted if asked (`MDB_CP_COMPACT`).
    public func copy(to directory: String, compact: Bool) throws(LMDBError) {
        try FileChecks.makeDirectory(directory)
        let flags: UInt32 = compact ? UInt32(MDB_CP_COMPACT) : 0
        try whileOpen { () throws(LMDBError) in
            try check(mdb_env_copy2(handle, directory, flags), "mdb_env_copy2(\(directory))")
        }
    }
}
