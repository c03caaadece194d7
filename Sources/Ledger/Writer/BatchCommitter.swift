import LMDB

/// The writer thread's transaction work: one write transaction per batch of requests (group commit,
/// ledger.md §2.5 item 2). Not thread-safe: only the writer thread touches it.
final class BatchCommitter {
    /// What the last commit left; a batch works on a copy that replaces it only after the commit succeeded.
    struct State: Sendable {
        var treeSize: UInt64
        var tree: LedgerTree
        var streamCount: UInt64
        var lastRecordedAt: Timestamp
        var clockRegressions: UInt64
        var lastCheckpointSize: UInt64?
        var lastCheckpointAt: Double
    }

    /// What a batch asks of the writer besides appends.
    enum Request {
        case append(PreparedAppend)
        /// Sign a checkpoint now if the tree grew since the last one.
        case checkpoint
        /// Records framed by another ledger, appended byte for byte (`cus ledger import`).
        case importRecords([[UInt8]])
        /// Witness cosignature lines for the stored checkpoint of the same size and body (ledger.md §2.2).
        case cosignatures(SignedCheckpoint)
    }

    enum Outcome {
        /// Committed; each request has its own result.
        case committed([Result<[AppendResult], LedgerError>])
        /// Nothing of the batch is durable and the writer can go on (map at its maximum).
        case refused(LedgerError)
        /// The writer must stop: the batch's outcome is unknown, or storage broke before the commit.
        case failed(LedgerError)
    }

    let databases: LedgerDatabases
    let clock: LedgerClock
    let mapSizeBytesMax: Int
    let checkpoints: CheckpointPolicy
    private var keys = KeyBuilder()
    let origin: String
    private let faults: (any CommitFaults)?
    private(set) var state: State

    init(
        databases: LedgerDatabases, clock: LedgerClock, mapSizeBytesMax: Int, checkpoints: CheckpointPolicy,
        origin: String, state: State, faults: (any CommitFaults)? = nil
    ) {
        self.faults = faults
        self.databases = databases
        self.clock = clock
        self.mapSizeBytesMax = mapSizeBytesMax
        self.checkpoints = checkpoints
        self.origin = origin
        self.state = state
    }

    /// Seconds until the cadence makes a checkpoint due, or nil when none is pending.
    var secondsUntilCheckpointDue: Double? {
        guard checkpoints.signer != nil, state.treeSize > 0, state.treeSize != state.lastCheckpointSize else {
            return nil
        }
        return max(0, checkpoints.intervalSeconds - (MonotonicClock.seconds() - state.lastCheckpointAt))
    }

    /// Commits `batch` in one transaction; with no appends, only signs a due (or forced) checkpoint.
    func commit(_ batch: [Request], forceCheckpoint: Bool = false) -> Outcome {
        let writes = batch.filter { if case .checkpoint = $0 { false } else { true } }
        let force = forceCheckpoint || writes.count < batch.count
        if writes.isEmpty && !checkpointIsDue(state, force: force) {
            return .committed(batch.map { _ in .success([]) })
        }
        let batchBytes = batch.reduce(0) { total, request in
            switch request {
            case .append(let prepared): total + prepared.byteCount
            case .importRecords(let records): total + records.reduce(0) { $0 + $1.count }
            case .checkpoint, .cosignatures: total
            }
        }
        for _ in 0...LedgerLimits.mapGrowthRetriesMax {
            var working = state
            var results: [Result<[AppendResult], LedgerError>] = []
            do {
                try databases.environment.write { txn in
                    try faults?.reached(.transactionOpened)
                    results = try apply(batch, in: txn, to: &working)
                    if checkpointIsDue(working, force: force) { try signCheckpoint(txn, &working) }
                    try faults?.reached(.beforeCommit)
                }
                try faults?.reached(.afterCommit)
                state = working
                return .committed(results)
            } catch {
                if let refusal = error as? ImportRefusal { return .refused(refusal.error) }
                if LMDBError.mapFull ~= unwrapPut(error) {
                    switch growMap(batchBytes: batchBytes) {
                    case .grown: continue
                    case .refused(let refusal): return .refused(refusal)
                    case .failed(let failure): return .failed(failure)
                    }
                }
                if let put = error as? PutFailure {
                    return .failed(LedgerError.storage(put.error, "write transaction failed before commit"))
                }
                if let refusal = error as? LedgerError {
                    // Raised inside the transaction (a look-up found corruption, the signer refused): the
                    // transaction was aborted, so nothing of the batch is written; the writer still stops.
                    return .failed(refusal)
                }
                return .failed(
                    LedgerError(
                        .outcomeUnknown,
                        "commit failed; the batch may or may not be durable. Retry with the same "
                            + "event ids after restart", underlying: error as? LMDBError))
            }
        }
        return .refused(LedgerError(.mapFull, "map growth did not make room after repeated retries"))
    }

    private func unwrapPut(_ error: any Error) -> any Error { (error as? PutFailure)?.error ?? error }

    private enum Growth {
        case grown
        /// Nothing changed (the map is at its maximum, or its size could not be read): the batch is refused.
        case refused(LedgerError)
        /// Setting the new size failed, which may leave the file unmapped: the writer stops (the environment is
        /// out of use, `Environment.setMapSize`).
        case failed(LedgerError)
    }

    /// Grows the map (ledger.md §2.4).
    private func growMap(batchBytes: Int) -> Growth {
        let info: EnvironmentInfo
        do { info = try databases.environment.info() } catch {
            return .refused(LedgerError.storage(error, "reading the map size failed"))
        }
        if info.mapSizeBytes >= mapSizeBytesMax {
            return .refused(
                LedgerError(
                    .mapFull, "the ledger map reached its maximum of \(mapSizeBytesMax) bytes; nothing was written"))
        }
        let wanted = max(2 * info.mapSizeBytes, info.usedBytes + 4 * batchBytes)
        let rounded = (min(wanted, mapSizeBytesMax) + info.pageSizeBytes - 1) / info.pageSizeBytes
        do { try databases.environment.setMapSize(rounded * info.pageSizeBytes) } catch {
            return .failed(LedgerError.storage(error, "growing the map failed; the ledger must be opened again"))
        }
        return .grown
    }

    private func apply(_ batch: [Request], in txn: Transaction, to working: inout State) throws
        -> [Result<[AppendResult], LedgerError>]
    {
        let recordedAt = clock.now()
        if recordedAt < working.lastRecordedAt { working.clockRegressions += 1 }
        working.lastRecordedAt = recordedAt
        let lookup = IndexLookup(transaction: txn, databases: databases)
        var results: [Result<[AppendResult], LedgerError>] = []
        results.reserveCapacity(batch.count)
        for item in batch {
            let request: PreparedAppend
            switch item {
            case .checkpoint:
                results.append(.success([]))
                continue
            case .importRecords(let records):
                results.append(.success(try putImported(records, txn, lookup, &working)))
                continue
            case .cosignatures(let cosigned):
                results.append(try addCosignatures(cosigned, txn))
                continue
            case .append(let prepared):
                request = prepared
            }
            switch try Idempotency.classify(request, lookup: lookup.identity) {
            case .alreadyRecorded(let original):
                results.append(.success(original))
            case .rejected(let error):
                results.append(.failure(error))
            case .fresh:
                if let mismatch = try Idempotency.checkExpectedVersions(request, currentVersion: lookup.currentVersion)
                {
                    results.append(.failure(mismatch))
                } else {
                    results.append(.success(try put(request, recordedAt: recordedAt, txn, lookup, &working)))
                }
            }
        }
        try guardPut { try working.tree.flushTiles(into: txn, database: databases.merkle) }
        if working.treeSize != state.treeSize { try guardPut { try writeMeta(working, txn) } }
        return results
    }

    private func put(
        _ request: PreparedAppend, recordedAt: Timestamp, _ txn: Transaction, _ lookup: IndexLookup,
        _ working: inout State
    ) throws -> [AppendResult] {
        var results: [AppendResult] = []
        for part in request.parts {
            let current = try lookup.currentVersion(part.stream)
            if current == nil { working.streamCount += 1 }
            var version = current?.next ?? .first
            let firstPosition = Position(working.treeSize)
            for (index, encoded) in part.records.enumerated() {
                let identity = RecordedIdentity(
                    position: Position(working.treeSize), stream: part.stream, version: version, type: part.types[index]
                )
                try putFramed(
                    encoded, identity: identity, eventID: part.eventIDs[index], stampedAt: recordedAt, txn, &working)
                version = version.next
            }
            results.append(
                AppendResult(
                    stream: part.stream, firstPosition: firstPosition, lastPosition: Position(working.treeSize - 1),
                    streamVersion: StreamVersion(version.rawValue - 1), wasAlreadyRecorded: false))
        }
        return results
    }

    /// Puts one record at the next position with its four index entries and extends the tree. The record is
    /// copied straight into the page LMDB reserves for it and, when `stampedAt` is given, stamped there with its
    /// position, version and `recordedAt`; the leaf hash is taken over those final bytes.
    private func putFramed(
        _ encoded: [UInt8], identity: RecordedIdentity, eventID: EventID, stampedAt recordedAt: Timestamp?,
        _ txn: Transaction, _ working: inout State
    ) throws {
        precondition(identity.position.rawValue == working.treeSize, "a record must land at the next position")
        let position = working.treeSize
        let leaf = try guardPut {
            try withUnsafeBytes(of: position.bigEndian) { positionKey in
                let leaf = try txn.put(reserving: encoded.count, key: positionKey, in: databases.events, flags: .append)
                {
                    stored in
                    stored.copyBytes(from: encoded)
                    if let recordedAt {
                        RecordEncoder.stamp(
                            stored, position: identity.position, version: identity.version, recordedAt: recordedAt)
                    }
                    return RFC6962.leafHash(of: UnsafeRawBufferPointer(stored))
                }
                try keys.withStreamKey(identity.stream, version: identity.version.rawValue) { key in
                    try txn.put(positionKey, key: key, in: databases.streams, flags: .noOverwrite)
                }
                try eventID.rawValue.withBytes { key in
                    try txn.put(positionKey, key: key, in: databases.eventIDs, flags: .noOverwrite)
                }
                let empty = UnsafeRawBufferPointer(start: nil, count: 0)
                try keys.withNameKey(identity.type.name, position: position) { key in
                    try txn.put(empty, key: key, in: databases.byType, flags: .noOverwrite)
                }
                try keys.withNameKey(identity.stream.category.name, position: position) { key in
                    try txn.put(empty, key: key, in: databases.byCategory, flags: .noOverwrite)
                }
                return leaf
            }
        }
        let size = working.tree.append(leaf: leaf)
        working.treeSize += 1
        precondition(size == working.treeSize, "tree size drifted from the log")
        try faults?.reached(.recordsPut(count: Int(working.treeSize - state.treeSize)))
    }

    /// Appends records framed elsewhere (an import), byte for byte, after checking that each continues the log
    /// and its stream and that its event id is new. A record that does not fit aborts the whole transaction.
    private func putImported(_ records: [[UInt8]], _ txn: Transaction, _ lookup: IndexLookup, _ working: inout State)
        throws -> [AppendResult]
    {
        var results: [AppendResult] = []
        for record in records {
            let event: RecordedEvent
            do {
                event = try RecordDecoder.decode(record, expectedPosition: Position(working.treeSize))
            } catch {
                throw ImportRefusal(error: error)
            }
            let current = try lookup.currentVersion(event.stream)
            guard event.version == (current?.next ?? .first), try lookup.position(of: event.id) == nil else {
                throw ImportRefusal(
                    error: LedgerError(
                        .invalidArgument,
                        "record \(event.position) does not continue \(event.stream) or reuses an event id"))
            }
            if current == nil { working.streamCount += 1 }
            let identity = RecordedIdentity(
                position: event.position, stream: event.stream, version: event.version, type: event.type)
            try putFramed(record, identity: identity, eventID: event.id, stampedAt: nil, txn, &working)
            results.append(
                AppendResult(
                    stream: event.stream, firstPosition: event.position, lastPosition: event.position,
                    streamVersion: event.version, wasAlreadyRecorded: false))
        }
        return results
    }

    private func checkpointIsDue(_ state: State, force: Bool) -> Bool {
        checkpoints.isDue(
            size: state.treeSize, lastSize: state.lastCheckpointSize,
            secondsSinceLast: MonotonicClock.seconds() - state.lastCheckpointAt, force: force)
    }

    /// Signs the tree as `working` has it, after checking it extends the previous checkpoint (ledger.md G6: the
    /// signer refuses an inconsistent successor). Tiles and meta are already written in `txn`.
    private func signCheckpoint(_ txn: Transaction, _ working: inout State) throws {
        guard let signer = checkpoints.signer else { return }
        let root = working.tree.frontier.root()
        if let previous = try CheckpointStore(databases: databases).newest(in: txn) {
            let reader = MerkleNodeReader(
                source: LMDBTileSource(transaction: txn, database: databases.merkle), treeSize: working.treeSize)
            let recomputed = try reader.root(ofSize: previous.checkpoint.size)
            guard recomputed == previous.checkpoint.root, previous.checkpoint.size <= working.treeSize else {
                throw LedgerError(
                    .corrupted,
                    "the tree no longer extends the checkpoint at size \(previous.checkpoint.size); "
                        + "refusing to sign. Run `cus ledger verify`")
            }
        }
        let signed = try SignedCheckpoint.sign(
            Checkpoint(origin: origin, size: working.treeSize, root: root), with: signer)
        try guardPut { try CheckpointStore(databases: databases).put(signed, in: txn) }
        working.lastCheckpointSize = working.treeSize
        working.lastCheckpointAt = MonotonicClock.seconds()
    }

    /// Appends the signature lines of `cosigned` that the stored checkpoint of its size lacks; the body must be
    /// the stored one, and lines in the ledger's own name are never taken from outside.
    private func addCosignatures(_ cosigned: SignedCheckpoint, _ txn: Transaction) throws
        -> Result<[AppendResult], LedgerError>
    {
        let store = CheckpointStore(databases: databases)
        let size = cosigned.checkpoint.size
        guard let stored = try store.newest(in: txn, atOrBelow: size), stored.checkpoint.size == size else {
            return .failure(LedgerError(.invalidArgument, "the ledger has no checkpoint of size \(size)"))
        }
        guard stored.note.body == cosigned.note.body else {
            return .failure(LedgerError(.invalidArgument, "the checkpoint of size \(size) has another body here"))
        }
        var note = stored.note
        for line in cosigned.note.signatures where line.name != origin && !note.signatures.contains(line) {
            note.signatures.append(line)
        }
        try guardPut { try store.put(try SignedCheckpoint(note: note), in: txn) }
        return .success([])
    }

    private func writeMeta(_ working: State, _ txn: Transaction) throws {
        try txn.put(IndexKeys.bigEndian(working.treeSize), key: MetaKey.treeSize, in: databases.meta)
        try txn.put(working.tree.frontier.serialized(), key: MetaKey.frontier, in: databases.meta)
        try txn.put(IndexKeys.bigEndian(working.streamCount), key: MetaKey.streamCount, in: databases.meta)
    }

    /// Marks LMDB errors of puts so `commit` can tell them from a failed commit. `MDB_KEYEXIST` here means an
    /// index or the log disagrees with the checks just made: an invariant breach (ledger.md G5).
    private func guardPut<R>(_ body: () throws -> R) throws -> R {
        do {
            return try body()
        } catch {
            if LMDBError.keyExists ~= error {
                preconditionFailure("ledger invariant breached: \(error)")
            }
            throw PutFailure(error: error)
        }
    }
}

private struct PutFailure: Error {
    let error: any Error
}

private struct ImportRefusal: Error {
    let error: LedgerError
}
