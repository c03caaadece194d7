import CLMDB
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The baselines' side of every comparison: liblmdb called directly, as a C program would (ledger.md §5.2),
/// with no wrapper between the benchmark and `mdb_*`. Opened with `MDB_NOTLS` and LMDB's default (full)
/// sync, like the ledger env (§2.3).
final class RawEnvironment {
    let handle: OpaquePointer

    init(path: String, mapSizeBytes: Int, readOnly: Bool = false) throws(RawLMDBError) {
        var created: OpaquePointer?
        try check(mdb_env_create(&created), "mdb_env_create")
        guard let created else { throw RawLMDBError(code: ENOMEM, call: "mdb_env_create") }
        do throws(RawLMDBError) {
            try check(mdb_env_set_mapsize(created, mapSizeBytes), "mdb_env_set_mapsize")
            try check(mdb_env_set_maxdbs(created, 16), "mdb_env_set_maxdbs")
            try check(mdb_env_set_maxreaders(created, 256), "mdb_env_set_maxreaders")
            let flags = UInt32(MDB_NOTLS) | (readOnly ? UInt32(MDB_RDONLY) : 0)
            if !readOnly { mkdir(path, 0o700) }
            try check(mdb_env_open(created, path, flags, 0o600), "mdb_env_open(\(path))")
        } catch {
            mdb_env_close(created)
            throw error
        }
        handle = created
    }

    deinit { mdb_env_close(handle) }

    /// Opens the named databases in one transaction, creating them when asked.
    func openDatabases(_ names: [String], create: Bool) throws(RawLMDBError) -> [MDB_dbi] {
        try withTransaction(readOnly: !create) { txn throws(RawLMDBError) in
            var handles: [MDB_dbi] = []
            for name in names {
                var dbi: MDB_dbi = 0
                try check(mdb_dbi_open(txn, name, create ? UInt32(MDB_CREATE) : 0, &dbi), "mdb_dbi_open(\(name))")
                handles.append(dbi)
            }
            return handles
        }
    }

    /// Runs `body` in a transaction and commits it: for a write transaction, one durable commit.
    func withTransaction<R>(readOnly: Bool, _ body: (OpaquePointer) throws(RawLMDBError) -> R)
        throws(RawLMDBError) -> R
    {
        var begun: OpaquePointer?
        try check(mdb_txn_begin(handle, nil, readOnly ? UInt32(MDB_RDONLY) : 0, &begun), "mdb_txn_begin")
        guard let txn = begun else { throw RawLMDBError(code: MDB_PANIC, call: "mdb_txn_begin") }
        let result: R
        do {
            result = try body(txn)
        } catch {
            mdb_txn_abort(txn)
            throw error
        }
        try check(mdb_txn_commit(txn), "mdb_txn_commit")
        return result
    }

    /// The id of the last committed write transaction (`me_last_txnid`).
    var lastTransactionID: Int {
        var info = MDB_envinfo()
        mdb_env_info(handle, &info)
        return info.me_last_txnid
    }
}

/// One `mdb_put` of borrowed bytes.
@inline(__always)
func rawPut(
    _ txn: OpaquePointer, _ dbi: MDB_dbi, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, flags: UInt32
) throws(RawLMDBError) {
    var keyValue = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
    var dataValue = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
    try check(mdb_put(txn, dbi, &keyValue, &dataValue, flags), "mdb_put")
}

/// A failed `mdb_*` call of a baseline.
struct RawLMDBError: Error, CustomStringConvertible {
    let code: Int32
    let call: String

    var description: String { "\(call): \(String(cString: mdb_strerror(code))) (\(code))" }
}

@inline(__always)
func check(_ code: Int32, _ call: @autoclosure () -> String) throws(RawLMDBError) {
    if code != MDB_SUCCESS { throw RawLMDBError(code: code, call: call()) }
}
