import LMDB

/// Creates the `meta` entries of a new ledger, or loads and cross-checks the writer's state from an existing
/// one (G2: `meta.treeSize == last position + 1`, and the frontier describes the same size).
struct LedgerOpening {
    let databases: LedgerDatabases
    let options: Ledger.Options

    func loadOrCreate() throws -> (BatchCommitter.State, origin: String) {
        let exists = try databases.environment.read { txn in
            try txn.value(in: databases.meta, key: MetaKey.formatVersion) != nil
        }
        if !exists {
            if options.readOnly {
                throw LedgerError(.storage, "no ledger has been created in \(options.dataDirectory)")
            }
            try create()
        }
        return try databases.environment.read { txn in try load(txn) }
    }

    private func create() throws {
        guard Checkpoint.isValidOrigin(options.origin) else {
            throw LedgerError(.invalidArgument, "origin \"\(options.origin)\" is empty or has spaces or '+'")
        }
        try databases.environment.write { txn in
            let meta = databases.meta
            try txn.put(withUnsafeBytes(of: UInt16(1).bigEndian, Array.init), key: MetaKey.formatVersion, in: meta)
            try txn.put(UUID128.random().bytes, key: MetaKey.ledgerID, in: meta)
            try txn.put(Array(options.origin.utf8), key: MetaKey.origin, in: meta)
            try txn.put(Array(Environment.libraryVersion.utf8), key: MetaKey.lmdbVersionAtCreate, in: meta)
            try txn.put(IndexKeys.bigEndian(0), key: MetaKey.treeSize, in: meta)
            try txn.put(MerkleFrontier().serialized(), key: MetaKey.frontier, in: meta)
            try txn.put(IndexKeys.bigEndian(0), key: MetaKey.streamCount, in: meta)
        }
    }

    private func load(_ txn: Transaction) throws -> (BatchCommitter.State, origin: String) {
        guard let format = try txn.value(in: databases.meta, key: MetaKey.formatVersion), format.count == 2,
            UInt16(bigEndian: format.loadUnaligned(as: UInt16.self)) == 1
        else { throw LedgerError(.corrupted, "meta formatVersion is missing or not 1") }
        guard let originBytes = try txn.value(in: databases.meta, key: MetaKey.origin),
            let origin = String(validating: originBytes, as: UTF8.self)
        else { throw LedgerError(.corrupted, "meta origin is missing") }
        let lookup = IndexLookup(transaction: txn, databases: databases)
        let treeSize = try lookup.treeSize()
        let newest = try CheckpointStore(databases: databases).newest(in: txn)
        if options.readOnly {
            // Readers (verify, export, stats) must open a damaged ledger to report on it; only a writer refuses.
            return (readerState(treeSize: treeSize, newest: newest), origin)
        }
        let recordsEnd = try lookup.recordsEnd()
        if recordsEnd != treeSize {
            let end = recordsEnd == .max ? "an unreadable key" : "\(recordsEnd)"
            throw LedgerError(.corrupted, "meta treeSize \(treeSize) disagrees with the records, which end at \(end)")
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
        let state = BatchCommitter.State(
            treeSize: treeSize,
            tree: try LedgerTree(frontier: frontier, storedIn: txn, database: databases.merkle),
            streamCount: streamCount,
            lastRecordedAt: lastRecordedAt, clockRegressions: 0, lastCheckpointSize: newest?.checkpoint.size,
            // With no checkpoint yet, the first one is due at once (ledgers seeded before checkpoints existed).
            lastCheckpointAt: newest == nil ? -.infinity : MonotonicClock.seconds())
        return (state, origin)
    }

    private func readerState(treeSize: UInt64, newest: SignedCheckpoint?) -> BatchCommitter.State {
        BatchCommitter.State(
            treeSize: treeSize, tree: LedgerTree(frontier: MerkleFrontier(), tiles: TileAccumulator()), streamCount: 0,
            lastRecordedAt: Timestamp(rawValue: .min), clockRegressions: 0, lastCheckpointSize: newest?.checkpoint.size,
            lastCheckpointAt: 0)
    }

    /// The writer's signing key: created only while no checkpoint exists; must match the verifier key recorded
    /// in `meta` when the first key was made.
    func signer(origin: String, hasCheckpoint: Bool) throws -> NoteSigner {
        let signer = try SigningKeyFile.loadOrCreate(
            path: options.resolvedSigningKeyPath, name: origin, mayCreate: !hasCheckpoint)
        guard signer.name == origin else {
            throw LedgerError(
                .invalidArgument, "the signing key is for \(signer.name), the ledger's origin is \(origin)")
        }
        try databases.environment.write { txn in
            if let recorded = try txn.value(in: databases.meta, key: MetaKey.verifierKey) {
                guard recorded.elementsEqual(signer.verifierKey.utf8) else {
                    throw LedgerError(
                        .invalidArgument, "the signing key \(options.resolvedSigningKeyPath) is not the ledger's key")
                }
            } else {
                try txn.put(Array(signer.verifierKey.utf8), key: MetaKey.verifierKey, in: databases.meta)
            }
        }
        return signer
    }

    /// ledger.md §2.5 item 4: before taking appends, re-hash every record after the newest checkpoint and check
    /// that the tree still extends it and ends at `meta.frontier`. Returns the positions it checked.
    func verifyTail(after state: BatchCommitter.State) throws -> Range<UInt64> {
        let start = state.lastCheckpointSize ?? 0
        var frontier = try databases.environment.read { txn -> MerkleFrontier in
            guard let newest = try CheckpointStore(databases: databases).newest(in: txn) else {
                return MerkleFrontier()
            }
            let reader = MerkleNodeReader(
                source: LMDBTileSource(transaction: txn, database: databases.merkle), treeSize: state.treeSize)
            let frontier = try MerkleFrontier.at(size: newest.checkpoint.size, reader: reader)
            guard frontier.root() == newest.checkpoint.root else {
                throw LedgerError(
                    .corrupted,
                    "the stored tree does not match the checkpoint at size \(newest.checkpoint.size); "
                        + "run `cus ledger verify`")
            }
            return frontier
        }
        var position = start
        while position < state.treeSize {
            let page = min(state.treeSize - position, UInt64(LedgerLimits.replayPageEventsMax))
            try databases.environment.read { txn in
                for offset in 0..<page {
                    let at = Position(position + offset)
                    guard let bytes = try txn.value(in: databases.events, key: IndexKeys.position(at)) else {
                        throw LedgerError(.corrupted, "record \(at) is missing")
                    }
                    _ = try RecordDecoder.decode(bytes, expectedPosition: at)
                    frontier.append(RFC6962.leafHash(of: bytes))
                }
            }
            position += page
        }
        guard frontier.root() == state.tree.frontier.root() else {
            throw LedgerError(
                .corrupted, "records after the newest checkpoint do not hash to meta.frontier; run `cus ledger verify`")
        }
        return start..<state.treeSize
    }
}
