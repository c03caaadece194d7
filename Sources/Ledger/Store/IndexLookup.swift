import LMDB

/// Point look-ups in the ledger's indexes inside one transaction (a write transaction sees its own puts, so
/// checks see earlier requests of the same batch, ledger.md G3).
struct IndexLookup {
    let transaction: Transaction
    let databases: LedgerDatabases

    /// The version of the stream's last event: seek `streams` to `(stream ‖ 0xFF…FF)` and step back (§2.2).
    func currentVersion(_ stream: StreamID) throws -> StreamVersion? {
        var keys = KeyBuilder()
        let cursor = try transaction.cursor(databases.streams)
        return try keys.withStreamKey(stream, version: .max) { beyondLast in
            let prefix = UnsafeRawBufferPointer(rebasing: beyondLast.dropLast(8))
            let beyond = try cursor.seek(atLeast: beyondLast)
            guard let entry = beyond == nil ? try cursor.last() : try cursor.previous(),
                entry.key.count == beyondLast.count, entry.key.starts(with: prefix)
            else { return nil }
            return StreamVersion(
                UInt64(bigEndian: entry.key.loadUnaligned(fromByteOffset: prefix.count, as: UInt64.self)))
        }
    }

    func position(of id: EventID) throws -> Position? {
        guard let value = try transaction.value(in: databases.eventIDs, key: IndexKeys.eventID(id)) else { return nil }
        guard let raw = IndexKeys.uint64(value) else {
            throw LedgerError(.corrupted, "eventIds entry of \(id) is not a position")
        }
        return Position(raw)
    }

    func record(at position: Position) throws -> RecordedEvent? {
        guard let bytes = try recordBytes(at: position) else { return nil }
        return try RecordDecoder.decode(bytes, expectedPosition: position)
    }

    /// The stored bytes of the record at `position`, borrowed from the transaction.
    func recordBytes(at position: Position) throws -> UnsafeRawBufferPointer? {
        try transaction.value(in: databases.events, key: IndexKeys.position(position))
    }

    func identity(_ id: EventID) throws -> RecordedIdentity? {
        guard let position = try position(of: id) else { return nil }
        guard let event = try record(at: position) else {
            throw LedgerError(.corrupted, "eventIds points \(id) at missing position \(position)")
        }
        return RecordedIdentity(position: position, stream: event.stream, version: event.version, type: event.type)
    }

    /// One past the last record's position: 0 for no records, `.max` when the last key is unreadable (no bound a
    /// walk could trust; the walk itself reports the key).
    func recordsEnd() throws -> UInt64 {
        try transaction.withCursor(databases.events) { cursor in
            guard let last = try cursor.last() else { return 0 }
            return IndexKeys.uint64(last.key).map { $0 &+ 1 } ?? .max
        }
    }

    func treeSize() throws -> UInt64 {
        guard let value = try transaction.value(in: databases.meta, key: MetaKey.treeSize) else { return 0 }
        guard let size = IndexKeys.uint64(value) else { throw LedgerError(.corrupted, "meta treeSize is malformed") }
        return size
    }
}
