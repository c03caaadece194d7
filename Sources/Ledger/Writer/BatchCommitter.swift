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
    private(set) var state: State

    init(databases: LedgerDatabases, clock: LedgerClock, mapSizeBytesMax: Int, state: State) {
        self.databases = databases
        self.clock = clock
        self.mapSizeBytesMax = mapSizeBytesMax
        self.state = state
    }

    func commit(_ batch: [PreparedAppend]) -> Outcome {
        let batchBytes = batch.reduce(0) { $0 + $1.byteCount }
        for _ in 0...LedgerLimits.mapGrowthRetriesMax {
            var working = state
            var results: [Result<[AppendResult], LedgerError>] = []
            do {
                try databases.environment.write { txn in
                    results = try apply(batch, in: txn, to: &working)
                }
                state = working
                return .committed(results)
            } catch {
                if LMDBError.mapFull ~= unwrapPut(error) {
                    if let refusal = growMap(batchBytes: batchBytes) { return .refused(refusal) }
                    continue
                }
                if let put = error as? PutFailure {
                    return .failed(LedgerError.storage(put.error, "write transaction failed before commit"))
                }
                return .failed(
                    LedgerError(
                        .outcomeUnknown, "commit failed; the batch may or may not be durable. Retry with the same "
                            + "event ids after restart", underlying: error as? LMDBError))
            }
        }
        return .refused(LedgerError(.mapFull, "map growth did not make room after repeated retries"))
    }

    private func unwrapPut(_ error: any Error) -> any Error { (error as? PutFailure)?.error ?? error }

    /// Grows the map (ledger.md §2.4); returns a refusal when it is already at its maximum.
    private func growMap(batchBytes: Int) -> LedgerError? {
        do {
            let info = try databases.environment.info()
            if info.mapSizeBytes >= mapSizeBytesMax {
                return LedgerError(
                    .mapFull, "the ledger map reached its maximum of \(mapSizeBytesMax) bytes; nothing was written")
            }
            let wanted = max(2 * info.mapSizeBytes, info.usedBytes + 4 * batchBytes)
            let rounded = (min(wanted, mapSizeBytesMax) + info.pageSizeBytes - 1) / info.pageSizeBytes
            try databases.environment.setMapSize(rounded * info.pageSizeBytes)
            return nil
        } catch {
            return LedgerError.storage(error, "growing the map failed")
        }
    }

    private func apply(_ batch: [PreparedAppend], in txn: Transaction, to working: inout State) throws
        -> [Result<[AppendResult], LedgerError>]
    {
        let recordedAt = clock.now()
        if recordedAt < working.lastRecordedAt { working.clockRegressions += 1 }
        working.lastRecordedAt = recordedAt
        let lookup = IndexLookup(transaction: txn, databases: databases)
        var results: [Result<[AppendResult], LedgerError>] = []
        results.reserveCapacity(batch.count)
        for request in batch {
            switch try Idempotency.classify(request, lookup: lookup.identity) {
            case .alreadyRecorded(let original):
                results.append(.success(original))
            case .rejected(let error):
                results.append(.failure(error))
            case .fresh:
                if let mismatch = try Idempotency.checkExpectedVersions(request, currentVersion: lookup.currentVersion) {
                    results.append(.failure(mismatch))
                } else {
                    results.append(.success(try put(request, recordedAt: recordedAt, txn, lookup, &working)))
                }
            }
        }
        try guardPut { try working.tree.flushTiles(into: txn, database: databases.merkle) }
        try guardPut { try writeMeta(working, txn) }
        return results
    }

    private func put(
        _ request: PreparedAppend, recordedAt: Timestamp, _ txn: Transaction, _ lookup: IndexLookup,
        _ working: inout State
    ) throws -> [AppendResult] {
        let tiles = TileReader(transaction: txn, database: databases.merkle)
        var results: [AppendResult] = []
        for part in request.parts {
            let current = try lookup.currentVersion(part.stream)
            if current == nil { working.streamCount += 1 }
            var version = current?.next ?? .first
            let firstPosition = Position(working.treeSize)
            for (index, encoded) in part.records.enumerated() {
                var record = encoded
                let position = Position(working.treeSize)
                RecordEncoder.stamp(&record, position: position, version: version, recordedAt: recordedAt)
                let positionKey = IndexKeys.position(position)
                try guardPut {
                    try txn.put(record, key: positionKey, in: databases.events, flags: .append)
                    try txn.put(
                        positionKey, key: part.streamKeyPrefix + IndexKeys.bigEndian(version.rawValue),
                        in: databases.streams, flags: .noOverwrite)
                    try txn.put(
                        positionKey, key: IndexKeys.eventID(part.eventIDs[index]), in: databases.eventIDs,
                        flags: .noOverwrite)
                    try txn.put(
                        [], key: part.typeKeyPrefixes[index] + positionKey, in: databases.byType, flags: .noOverwrite)
                    try txn.put(
                        [], key: part.categoryKeyPrefix + positionKey, in: databases.byCategory, flags: .noOverwrite)
                }
                var size: UInt64 = 0
                try guardPut {
                    size = try record.withUnsafeBytes { bytes in try working.tree.append(record: bytes, tiles: tiles) }
                }
                working.treeSize += 1
                precondition(size == working.treeSize, "tree size drifted from the log")
                version = version.next
            }
            results.append(
                AppendResult(
                    stream: part.stream, firstPosition: firstPosition, lastPosition: Position(working.treeSize - 1),
                    streamVersion: StreamVersion(version.rawValue - 1), wasAlreadyRecorded: false))
        }
        return results
    }

    private func writeMeta(_ working: State, _ txn: Transaction) throws {
        try txn.put(IndexKeys.bigEndian(working.treeSize), key: MetaKey.treeSize, in: databases.meta)
        try txn.put(working.tree.frontier.serialized(), key: MetaKey.frontier, in: databases.meta)
        try txn.put(IndexKeys.bigEndian(working.streamCount), key: MetaKey.streamCount, in: databases.meta)
    }

    /// Marks LMDB errors of puts so `commit` can tell them from a failed commit. `MDB_KEYEXIST` here means an
    /// index or the log disagrees with the checks just made: an invariant breach (ledger.md G5).
    private func guardPut(_ body: () throws -> Void) throws {
        do {
            try body()
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
