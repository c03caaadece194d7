internal import CLMDB

/// A position in one database, valid inside `Transaction.withCursor`. Every move returns the entry it lands on,
/// or `nil` past either end.
public struct Cursor {
    public typealias Entry = (key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)
    let handle: OpaquePointer
    let database: Database

    public func first() throws(LMDBError) -> Entry? { try move(MDB_FIRST) }
    public func last() throws(LMDBError) -> Entry? { try move(MDB_LAST) }
    public func next() throws(LMDBError) -> Entry? { try move(MDB_NEXT) }
    public func previous() throws(LMDBError) -> Entry? { try move(MDB_PREV) }
    public func current() throws(LMDBError) -> Entry? { try move(MDB_GET_CURRENT) }

    /// The first entry whose key is ≥ `key` (`MDB_SET_RANGE`).
    public func seek(atLeast key: UnsafeRawBufferPointer) throws(LMDBError) -> Entry? {
        try move(MDB_SET_RANGE, key: key)
    }

    public func seek(atLeast key: [UInt8]) throws(LMDBError) -> Entry? {
        try key.withBytes { buffer throws(LMDBError) in try seek(atLeast: buffer) }
    }

    /// Asks the CPU to start loading the `bytes` bytes stored just below `value`, where LMDB puts the next entry of
    /// a leaf page filled in key order (a page's nodes grow downwards from its end), so a sequential scan finds
    /// the next value in cache. A hint only: it reads nothing and cannot fault.
    public static func prefetch(below value: UnsafeRawBufferPointer, bytes: Int) {
        guard let base = value.baseAddress else { return }
        var offset = 64
        while offset <= bytes {
            cusledger_prefetch(base - offset)
            offset += 64
        }
    }

    /// The entry with exactly `key` (`MDB_SET_KEY`).
    public func seek(exactly key: [UInt8]) throws(LMDBError) -> Entry? {
        try key.withBytes { buffer throws(LMDBError) in try move(MDB_SET_KEY, key: buffer) }
    }

    /// Stores `value` under `key` (`mdb_cursor_put`) and leaves the cursor on it. LMDB looks for a key first on
    /// the page the cursor is on, so a run of puts in key order mostly skips the search from the root that each
    /// `Transaction.put` (a fresh cursor every time) makes. Only in a write transaction.
    public func put(_ value: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer) throws(LMDBError) {
        var keyValue = MDB_val(borrowing: key)
        var data = MDB_val(borrowing: value)
        try check(mdb_cursor_put(handle, &keyValue, &data, 0), "mdb_cursor_put(\(database.name))")
    }

    /// Deletes the entry with exactly `key`; returns whether there was one. Only in a write transaction.
    @discardableResult
    public func delete(key: UnsafeRawBufferPointer) throws(LMDBError) -> Bool {
        guard try move(MDB_SET, key: key) != nil else { return false }
        try check(mdb_cursor_del(handle, 0), "mdb_cursor_del(\(database.name))")
        return true
    }

    private func move(_ operation: MDB_cursor_op, key: UnsafeRawBufferPointer? = nil) throws(LMDBError)
        -> Entry?
    {
        var keyValue = key.map { MDB_val(borrowing: $0) } ?? MDB_val()
        var data = MDB_val()
        let code = mdb_cursor_get(handle, &keyValue, &data, operation)
        if code == MDB_NOTFOUND { return nil }
        try check(code, "mdb_cursor_get(\(database.name))")
        return (keyValue.buffer, data.buffer)
    }
}

/// A named database inside an environment (`mdb_dbi_open`). Handles stay valid until the environment closes.
public struct Database: Sendable, Hashable {
    public let name: String
    let handle: MDB_dbi
}
