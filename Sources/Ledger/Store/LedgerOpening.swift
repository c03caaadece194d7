import LMDB

/// Creates the `meta` entries of a new ledger, or loads and cross-checks the writer's state from an existing
/// one (G2: `meta.treeSize == last position + 1`, and the frontier describes the same size).
enum LedgerOpening {
    static func loadOrCreate(_ databases: LedgerDatabases, readOnly: Bool) throws -> BatchCommitter.State {
        let exists = try databases.environment.read { txn in
            try txn.value(in: databases.meta, key: MetaKey.formatVersion) != nil
        }
        if !exists {
            if readOnly { throw LedgerError(.storage, "no ledger has been created in this data directory") }
            try create(databases)
        }
        return try databases.environment.read { txn in try load(databases, txn) }
    }

    private static func create(_ databases: LedgerDatabases) throws {
        try databases.environment.write { txn in
            let meta = databases.meta
            try txn.put(withUnsafeBytes(of: UInt16(1).bigEndian, Array.init), key: MetaKey.formatVersion, in: meta)
            try txn.put(UUID128.random().bytes, key: MetaKey.ledgerID, in: meta)
            try txn.put(Array(Environment.libraryVersion.utf8), key: MetaKey.lmdbVersionAtCreate, in: meta)
            try txn.put(IndexKeys.bigEndian(0), key: MetaKey.treeSize, in: meta)
            try txn.put(MerkleFrontier().serialized(), key: MetaKey.frontier, in: meta)
            try txn.put(IndexKeys.bigEndian(0), key: MetaKey.streamCount, in: meta)
        }
    }

    private static func load(_ databases: LedgerDatabases, _ txn: Transaction) throws -> BatchCommitter.State {
        guard let format = try txn.value(in: databases.meta, key: MetaKey.formatVersion), format.count == 2,
            UInt16(bigEndian: format.loadUnaligned(as: UInt16.self)) == 1
        else { throw LedgerError(.corrupted, "meta formatVersion is missing or not 1") }
        let lookup = IndexLookup(transaction: txn, databases: databases)
        let treeSize = try lookup.treeSize()
        let lastKey = try txn.withCursor(databases.events) { cursor in try cursor.last().map { Array($0.key) } }
        let lastPosition = lastKey.flatMap { $0.withUnsafeBytes(IndexKeys.uint64) }
        if (lastPosition.map { $0 + 1 } ?? 0) != treeSize {
            throw LedgerError(
                .corrupted, "meta treeSize \(treeSize) disagrees with the last record at \(lastPosition.map(String.init) ?? "none")")
        }
        guard let frontierBytes = try txn.value(in: databases.meta, key: MetaKey.frontier) else {
            throw LedgerError(.corrupted, "meta frontier is missing")
        }
        let frontier = try MerkleFrontier(serialized: Array(frontierBytes))
        if frontier.size != treeSize {
            throw LedgerError(.corrupted, "meta frontier covers \(frontier.size) leaves, the log holds \(treeSize)")
        }
        let streamCount = try txn.value(in: databases.meta, key: MetaKey.streamCount).flatMap(IndexKeys.uint64) ?? 0
        var lastRecordedAt = Timestamp(rawValue: .min)
        if treeSize > 0, let last = try lookup.record(at: Position(treeSize - 1)) { lastRecordedAt = last.recordedAt }
        return BatchCommitter.State(
            treeSize: treeSize, tree: LedgerTree(frontier: frontier), streamCount: streamCount,
            lastRecordedAt: lastRecordedAt, clockRegressions: 0)
    }
}
