import LMDB

/// Which way a stream read walks.
public enum ReadDirection: Sendable, Hashable {
    case forward
    case backward
}

extension Ledger {
    /// Runs `body` in one short read snapshot (ledger.md §2.4), mapping storage failures.
    func snapshot<R>(_ context: @autoclosure () -> String, _ body: (Transaction, IndexLookup) throws -> R)
        throws(LedgerError) -> R
    {
        do {
            return try databases.environment.read { txn in
                try body(txn, IndexLookup(transaction: txn, databases: databases))
            }
        } catch {
            throw LedgerError.storage(error, context())
        }
    }

    private func checkLimit(_ limit: Int) throws(LedgerError) {
        guard limit >= 0, limit <= LedgerLimits.readEventsMax else {
            throw LedgerError(.limitExceeded, "a read returns 0…\(LedgerLimits.readEventsMax) events, not \(limit)")
        }
    }

    /// Events (0…n−1) in the snapshot: the tree size.
    public func treeSize() throws(LedgerError) -> UInt64 {
        try snapshot("reading the tree size") { _, lookup in try lookup.treeSize() }
    }

    /// The Merkle root of the snapshot's tree (from `meta.frontier`).
    public func merkleRoot() throws(LedgerError) -> MerkleHash {
        try snapshot("reading the Merkle frontier") { txn, _ in
            guard let bytes = try txn.value(in: databases.meta, key: MetaKey.frontier) else {
                throw LedgerError(.corrupted, "meta frontier is missing")
            }
            return try MerkleFrontier(serialized: Array(bytes)).root()
        }
    }

    /// The version of the stream's last event, or `nil` when the stream has none.
    public func currentVersion(of stream: StreamID) throws(LedgerError) -> StreamVersion? {
        try snapshot("reading \(stream)") { _, lookup in try lookup.currentVersion(stream) }
    }

    /// The event recorded under `id`, if any.
    public func event(id: EventID) throws(LedgerError) -> RecordedEvent? {
        try snapshot("looking up \(id)") { _, lookup in try lookup.position(of: id).flatMap(lookup.record) }
    }

    /// The event at `position`, if the tree holds it.
    public func event(at position: Position) throws(LedgerError) -> RecordedEvent? {
        try snapshot("reading position \(position)") { _, lookup in try lookup.record(at: position) }
    }

    /// Calls `body` with a checked view of the record at each of `positions`, in that order and in one read
    /// snapshot: how a view that keeps only positions (ResidentTimeline) reads its events. A position the tree does
    /// not hold is `corrupted`: the caller got it from a projection of this ledger. The view borrows the snapshot's
    /// bytes: valid only during the call.
    public func recordViews(at positions: some Sequence<Position>, _ body: (RecordView) throws -> Void)
        throws(LedgerError)
    {
        try snapshot("reading records by position") { _, lookup in
            for position in positions {
                guard let bytes = try lookup.recordBytes(at: position) else {
                    throw LedgerError(.corrupted, "no record at position \(position)")
                }
                try body(try RecordView(bytes, expectedPosition: position))
            }
        }
    }

    /// Up to `limit` events of one stream from version `from` (inclusive), forward or backward; backward from
    /// `nil` starts at the stream's last event.
    public func read(
        stream: StreamID, from version: StreamVersion?, direction: ReadDirection, limit: Int
    ) throws(LedgerError) -> [RecordedEvent] {
        try checkLimit(limit)
        let prefix = IndexKeys.streamPrefix(stream)
        return try snapshot("reading \(stream)") { txn, lookup in
            try txn.withCursor(databases.streams) { cursor in
                var events: [RecordedEvent] = []
                var entry: Cursor.Entry?
                switch direction {
                case .forward:
                    entry = try cursor.seek(atLeast: prefix + IndexKeys.bigEndian(version?.rawValue ?? 0))
                case .backward:
                    let start = prefix + IndexKeys.bigEndian(version?.rawValue ?? .max)
                    entry = try cursor.seek(atLeast: start)
                    if entry.map({ !$0.key.elementsEqual(start) }) ?? true {
                        entry = entry == nil ? try cursor.last() : try cursor.previous()
                    }
                }
                while events.count < limit, let current = entry, current.key.count == prefix.count + 8,
                    current.key.starts(with: prefix)
                {
                    guard let raw = IndexKeys.uint64(current.value), let event = try lookup.record(at: Position(raw))
                    else { throw LedgerError(.corrupted, "streams index of \(stream) points at a missing record") }
                    events.append(event)
                    entry = direction == .forward ? try cursor.next() : try cursor.previous()
                }
                return events
            }
        }
    }

    /// Up to `limit` events of the whole log from `position` (inclusive), in position order.
    public func readAll(from position: Position, limit: Int) throws(LedgerError) -> [RecordedEvent] {
        try checkLimit(limit)
        var events: [RecordedEvent] = []
        try scanEvents(from: position, limit: UInt64(limit)) { events.append($0) }
        return events
    }

    /// Calls `body` with each event from `position`, at most `limit` of them, in position order: the replay
    /// path. One decoder serves the whole scan, so repeated names are built once, and records are decoded in
    /// batches whose payloads share one buffer (`RecordBatch`), so `body` runs up to 64 KiB of records behind
    /// the cursor.
    public func scanEvents(from position: Position, limit: UInt64 = .max, _ body: (RecordedEvent) throws -> Void)
        throws(LedgerError)
    {
        var decoder = RecordDecoder()
        var batch = RecordBatch()
        try scanRecords(from: position, limit: limit, endOfSnapshot: { try batch.decodeAll(&decoder, body) }) {
            position, bytes, _ in
            if batch.isFull(adding: bytes.count) { try batch.decodeAll(&decoder, body) }
            batch.append(position, bytes)
        }
    }

    /// Calls `body` with a checked view of each record from `position`, at most `limit` of them, in position
    /// order: the projections' replay path. Each record passes every check `scanEvents` makes, but nothing is
    /// copied or decoded until the body asks, so a body that skips a record by its type bytes costs no
    /// allocation. The view borrows the snapshot's bytes: valid only during the call.
    public func scanRecordViews(from position: Position, limit: UInt64 = .max, _ body: (RecordView) throws -> Void)
        throws(LedgerError)
    {
        try scanRecordViews(from: position, limit: limit) { record, _ in try body(record) }
    }

    /// `scanRecordViews`, also lending the scan's snapshot for look-ups of earlier records by event id (a
    /// correction's original): read in the same transaction as the record, so they need no reader slot of their
    /// own and see the same ledger.
    public func scanRecordViews(
        from position: Position, limit: UInt64 = .max, _ body: (RecordView, EarlierRecords) throws -> Void
    ) throws(LedgerError) {
        // One per snapshot (a class: lending it to each record costs one reference count, not one per table name).
        var earlier: EarlierRecords?
        try scanRecords(from: position, limit: limit, endOfSnapshot: { earlier = nil }) { position, bytes, lookup in
            let records = earlier ?? EarlierRecords(lookup: lookup)
            earlier = records
            try body(try RecordView(bytes, expectedPosition: position), records)
        }
    }

    /// Up to `limit` events of one type from `position` (inclusive), through `byType`.
    public func read(type: EventType, from position: Position, limit: Int) throws(LedgerError)
        -> [RecordedEvent]
    {
        try readIndexed(databases.byType, prefix: IndexKeys.namePrefix(type.name), from: position, limit: limit)
    }

    /// Up to `limit` events of one category from `position` (inclusive), through `byCategory`.
    public func read(category: Category, from position: Position, limit: Int) throws(LedgerError)
        -> [RecordedEvent]
    {
        try readIndexed(databases.byCategory, prefix: IndexKeys.namePrefix(category.name), from: position, limit: limit)
    }

    private func readIndexed(_ index: Database, prefix: [UInt8], from position: Position, limit: Int)
        throws(LedgerError) -> [RecordedEvent]
    {
        try checkLimit(limit)
        return try snapshot("reading \(index.name)") { txn, lookup in
            try txn.withCursor(index) { cursor in
                var events: [RecordedEvent] = []
                var entry = try cursor.seek(atLeast: prefix + IndexKeys.bigEndian(position.rawValue))
                while events.count < limit, let current = entry,
                    let indexed = IndexKeys.trailingPosition(current.key, prefix: prefix)
                {
                    guard let event = try lookup.record(at: indexed) else {
                        throw LedgerError(.corrupted, "\(index.name) points at missing position \(indexed)")
                    }
                    events.append(event)
                    entry = try cursor.next()
                }
                return events
            }
        }
    }

    /// Calls `body` with the exact stored bytes of each record from `position`, at most `limit` of them, in
    /// position order. Renews the snapshot every `replayPageEventsMax` records so no read transaction stays
    /// long (ledger.md §2.4); the log is append-only, so the pages form one consistent prefix.
    public func scanRecords(
        from position: Position, limit: UInt64 = .max,
        _ body: (Position, UnsafeRawBufferPointer) throws -> Void
    ) throws(LedgerError) {
        try scanRecords(from: position, limit: limit, endOfSnapshot: {}) { position, bytes, _ in
            try body(position, bytes)
        }
    }

    /// `scanRecords`, calling `endOfSnapshot` before each snapshot closes, while the bytes `body` saw are valid.
    func scanRecords(
        from position: Position, limit: UInt64, endOfSnapshot: () throws -> Void,
        _ body: (Position, UnsafeRawBufferPointer, IndexLookup) throws -> Void
    ) throws(LedgerError) {
        var next = position
        var remaining = limit
        while remaining > 0 {
            let pageLimit = min(remaining, UInt64(LedgerLimits.replayPageEventsMax))
            let visited: UInt64 = try snapshot("scanning the log") { txn, lookup in
                try txn.withCursor(databases.events) { cursor in
                    var count: UInt64 = 0
                    var entry = try cursor.seek(atLeast: IndexKeys.position(next))
                    while count < pageLimit, let current = entry {
                        guard let key = IndexKeys.uint64(current.key), key == next.rawValue else {
                            throw LedgerError(.corrupted, "events key after \(next.rawValue) breaks the sequence")
                        }
                        Cursor.prefetch(below: current.value, bytes: 1024)
                        try body(next, current.value, lookup)
                        next = next.next
                        count += 1
                        entry = try cursor.next()
                    }
                    try endOfSnapshot()
                    return count
                }
            }
            remaining -= visited
            if visited < pageLimit { return }
        }
    }
}

extension Ledger {
    /// The newest signed checkpoint whose size is ≤ `size` (any size when nil).
    public func newestCheckpoint(atOrBelow size: UInt64? = nil) throws(LedgerError) -> SignedCheckpoint? {
        try snapshot("reading checkpoints") { txn, _ in
            try CheckpointStore(databases: databases).newest(in: txn, atOrBelow: size)
        }
    }

    /// Every signed checkpoint, in size order.
    public func checkpoints() throws(LedgerError) -> [SignedCheckpoint] {
        try snapshot("reading checkpoints") { txn, _ in try CheckpointStore(databases: databases).all(in: txn) }
    }

    /// The verifier key recorded when the ledger's signing key was made (vkey form).
    public func recordedVerifierKey() throws(LedgerError) -> String? {
        try snapshot("reading meta") { txn, _ in
            try txn.value(in: databases.meta, key: MetaKey.verifierKey).map { String(decoding: $0, as: UTF8.self) }
        }
    }

    /// The root of the tree of the first `size` events, from the stored tiles.
    public func root(atSize size: UInt64) throws(LedgerError) -> MerkleHash {
        try snapshot("reading tiles") { txn, lookup in
            let reader = MerkleNodeReader(
                source: LMDBTileSource(transaction: txn, database: databases.merkle), treeSize: try lookup.treeSize())
            return try reader.root(ofSize: size)
        }
    }
}
