internal import CLMDB

extension Environment {
    /// Runs `body` in a read-only snapshot. Keep it short (ledger.md §2.4): it pins pages while it runs.
    public func read<R>(_ body: (Transaction) throws -> R) throws -> R {
        try transaction(readOnly: true, body)
    }

    /// Runs `body` in the write transaction and commits when it returns; aborts if it throws. A commit failure
    /// throws the commit's `LMDBError` (the outcome of the writes is then unknown to callers above).
    public func write<R>(_ body: (Transaction) throws -> R) throws -> R {
        try transaction(readOnly: false, body)
    }

    /// Opens (with `.create`, creates) a named database and returns its handle.
    public func openDatabase(named name: String, flags: DatabaseFlags = []) throws -> Database {
        let readOnly = (try self.flags()).contains(.readOnly)
        return try transaction(readOnly: readOnly) { txn in
            var dbi: MDB_dbi = 0
            try check(mdb_dbi_open(txn.handle, name, flags.rawValue, &dbi), "mdb_dbi_open(\(name))")
            return Database(name: name, handle: dbi)
        }
    }

    private func transaction<R>(readOnly: Bool, _ body: (Transaction) throws -> R) throws -> R {
        try ensureOpen()
        for _ in 0..<2 {
            let outcome: Result<R, any Error>? = try gate.withShared {
                // Again under the gate: `close` may have run since the check above.
                try ensureOpen()
                var handle: OpaquePointer?
                let code = mdb_txn_begin(self.handle, nil, readOnly ? UInt32(MDB_RDONLY) : 0, &handle)
                if code == MDB_MAP_RESIZED { return nil }
                try check(code, readOnly ? "mdb_txn_begin(read)" : "mdb_txn_begin(write)")
                guard let handle else { throw LMDBError(code: MDB_PANIC, call: "mdb_txn_begin") }
                let txn = Transaction(handle: handle, isReadOnly: readOnly)
                let result: R
                do {
                    result = try body(txn)
                } catch {
                    txn.closeSharedCursors()
                    mdb_txn_abort(handle)
                    return .failure(error)
                }
                txn.closeSharedCursors()
                // Read transactions end with a commit too: it keeps database handles opened inside them (lmdb.h
                // mdb_dbi_open) and, with MDB_NOTLS, frees the reader slot like an abort.
                try check(mdb_txn_commit(handle), readOnly ? "mdb_txn_commit(read)" : "mdb_txn_commit")
                return .success(result)
            }
            if let outcome { return try outcome.get() }
            try adoptForeignMapSize()
        }
        throw LMDBError(code: MDB_MAP_RESIZED, call: "mdb_txn_begin")
    }
}
