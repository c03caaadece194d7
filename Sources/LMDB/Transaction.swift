internal import CLMDB

/// A read or write transaction, alive only inside the `read` / `write` closure that received it.
/// Buffers it returns point into the memory map and stay valid until the transaction ends or (in a write
/// transaction) until the next write: copy out what must outlive it.
public final class Transaction {
    let handle: OpaquePointer
    public let isReadOnly: Bool
    /// Cursors kept open for the life of the transaction (`cursor(_:)`), closed before it ends.
    private var sharedCursors: [(MDB_dbi, OpaquePointer)] = []

    init(handle: OpaquePointer, isReadOnly: Bool) {
        self.handle = handle
        self.isReadOnly = isReadOnly
    }

    /// The value stored under `key`, or `nil` when there is none.
    public func value(in database: Database, key: UnsafeRawBufferPointer) throws(LMDBError) -> UnsafeRawBufferPointer? {
        var keyValue = MDB_val(borrowing: key)
        var data = MDB_val()
        let code = mdb_get(handle, database.handle, &keyValue, &data)
        if code == MDB_NOTFOUND { return nil }
        try check(code, "mdb_get(\(database.name))")
        return data.buffer
    }

    public func value(in database: Database, key: [UInt8]) throws(LMDBError) -> UnsafeRawBufferPointer? {
        try key.withBytes { buffer throws(LMDBError) in try value(in: database, key: buffer) }
    }

    /// Stores `value` under `key`. With `.noOverwrite` or `.append` an existing key answers `keyExists`.
    public func put(
        _ value: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer, in database: Database, flags: PutFlags = []
    ) throws(LMDBError) {
        var keyValue = MDB_val(borrowing: key)
        var data = MDB_val(borrowing: value)
        try check(mdb_put(handle, database.handle, &keyValue, &data, flags.rawValue), "mdb_put(\(database.name))")
    }

    public func put(_ value: [UInt8], key: [UInt8], in database: Database, flags: PutFlags = []) throws(LMDBError) {
        try value.withBytes { valueBuffer throws(LMDBError) in
            try key.withBytes { keyBuffer throws(LMDBError) in
                try put(valueBuffer, key: keyBuffer, in: database, flags: flags)
            }
        }
    }

    /// Reserves `count` bytes under `key` (`MDB_RESERVE`) and lets `fill` write them in place: no copy of the
    /// value through a temporary buffer. `fill` must write every byte.
    public func put<R>(
        reserving count: Int, key: UnsafeRawBufferPointer, in database: Database, flags: PutFlags = [],
        fill: (UnsafeMutableRawBufferPointer) throws -> R
    ) throws -> R {
        var keyValue = MDB_val(borrowing: key)
        var data = MDB_val(mv_size: count, mv_data: nil)
        let combined = flags.rawValue | UInt32(MDB_RESERVE)
        try check(mdb_put(handle, database.handle, &keyValue, &data, combined), "mdb_put(\(database.name), reserve)")
        return try fill(UnsafeMutableRawBufferPointer(start: data.mv_data, count: count))
    }

    /// A cursor over `database` that stays open until the transaction ends: for repeated seeks in one
    /// transaction without an `mdb_cursor_open` each time.
    public func cursor(_ database: Database) throws(LMDBError) -> Cursor {
        if let open = sharedCursors.first(where: { $0.0 == database.handle }) {
            return Cursor(handle: open.1, database: database)
        }
        var cursorHandle: OpaquePointer?
        try check(mdb_cursor_open(handle, database.handle, &cursorHandle), "mdb_cursor_open(\(database.name))")
        guard let cursorHandle else { throw LMDBError(code: MDB_PANIC, call: "mdb_cursor_open") }
        sharedCursors.append((database.handle, cursorHandle))
        return Cursor(handle: cursorHandle, database: database)
    }

    func closeSharedCursors() {
        for (_, cursor) in sharedCursors { mdb_cursor_close(cursor) }
        sharedCursors.removeAll()
    }

    /// Removes `key`; returns whether it was there. (The ledger never calls this on its own databases; the keys
    /// environment needs it to destroy data keys.)
    @discardableResult
    public func delete(key: [UInt8], in database: Database) throws(LMDBError) -> Bool {
        let code = key.withUnsafeBytes { keyBuffer in
            var keyValue = MDB_val(borrowing: keyBuffer)
            return mdb_del(handle, database.handle, &keyValue, nil)
        }
        if code == MDB_NOTFOUND { return false }
        try check(code, "mdb_del(\(database.name))")
        return true
    }

    public func statistics(of database: Database) throws(LMDBError) -> DatabaseStatistics {
        var stat = MDB_stat()
        try check(mdb_stat(handle, database.handle, &stat), "mdb_stat(\(database.name))")
        return stat.statistics
    }

    /// Runs `body` with a cursor over `database`, closed when `body` returns.
    public func withCursor<R>(_ database: Database, _ body: (inout Cursor) throws -> R) throws -> R {
        var cursorHandle: OpaquePointer?
        try check(mdb_cursor_open(handle, database.handle, &cursorHandle), "mdb_cursor_open(\(database.name))")
        guard let cursorHandle else { throw LMDBError(code: MDB_PANIC, call: "mdb_cursor_open") }
        defer { mdb_cursor_close(cursorHandle) }
        var cursor = Cursor(handle: cursorHandle, database: database)
        return try body(&cursor)
    }
}

extension MDB_val {
    init(borrowing buffer: UnsafeRawBufferPointer) {
        self.init(mv_size: buffer.count, mv_data: UnsafeMutableRawPointer(mutating: buffer.baseAddress))
    }

    var buffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: mv_data, count: mv_size) }
}
