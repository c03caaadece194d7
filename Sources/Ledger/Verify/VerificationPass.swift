import LMDB

/// The state of one verification walk over positions 0…size−1, page by page.
struct VerificationPass {
    let databases: LedgerDatabases
    let options: LedgerVerifier.Options
    let size: UInt64
    let verifiers: [NoteVerifier]
    private(set) var frontier = MerkleFrontier()
    private var pendingCheckpoints: [SignedCheckpoint] = []
    /// The origin every stored checkpoint signs, for the `meta` check.
    private var storedOrigins: [(size: UInt64, origin: String)] = []
    private var lastGoodCheckpointSize: UInt64 = 0
    private var nextVersions: [StreamID: UInt64] = [:]
    /// The stored tile last read at each tile level (levels 0…7 cover trees of up to 2^64 leaves).
    private var cachedTiles: [(index: UInt64, hashes: [MerkleHash])?] = Array(repeating: nil, count: 8)
    /// Reused for the nodes each leaf completes, so the hot loop does not allocate.
    private var completedNodes: [(NodeID, MerkleHash)] = []
    private var decoder = RecordDecoder()

    init(databases: LedgerDatabases, options: LedgerVerifier.Options, size: UInt64, verifiers: [NoteVerifier]) {
        self.databases = databases
        self.options = options
        self.size = size
        self.verifiers = verifiers
    }

    /// Checks signatures now; roots are compared when the walk reaches each checkpoint's size.
    mutating func prepareCheckpoints(
        _ stored: [(UInt64, Result<SignedCheckpoint, LedgerError>)], report: inout VerificationReport
    ) {
        for (key, result) in stored {
            switch result {
            case .failure(let error):
                report.record("checkpoint", at: nil, "checkpoint stored under size \(key): \(error.message)")
            case .success(let checkpoint):
                storedOrigins.append((key, checkpoint.checkpoint.origin))
                guard checkpoint.checkpoint.size == key else {
                    report.record(
                        "checkpoint", at: nil, "checkpoint under key \(key) states size \(checkpoint.checkpoint.size)")
                    continue
                }
                guard key <= size else {
                    // Signed at a size the ledger no longer reaches: records were cut off after it (ledger.md §6).
                    if options.asOfSize == nil {
                        report.record(
                            "checkpoint", at: size,
                            "checkpoint at size \(key) is past the ledger's \(size) records: records after it are gone")
                    }
                    continue
                }
                let signers = verifiers.filter { (try? checkpoint.verify(with: $0)) != nil }.map(\.name)
                if signers.isEmpty {
                    report.record(
                        "signature", at: nil, "checkpoint at size \(key) has no valid signature by a trusted key")
                }
                if key == size || checkpoint == stored.last(where: { $0.0 <= size }).flatMap({ try? $0.1.get() }) {
                    report.newestCheckpointSigners = signers
                    report.newestCheckpoint = checkpoint
                }
                pendingCheckpoints.append(checkpoint)
            }
        }
        if size == 0 { compareCheckpoints(&report) }
    }

    mutating func scan(from start: UInt64, count: UInt64, _ txn: Transaction, _ report: inout VerificationReport) throws
    {
        try txn.withCursor(databases.events) { cursor in
            var expected = start
            var entry = try cursor.seek(atLeast: IndexKeys.bigEndian(start))
            while expected < start + count {
                guard let current = entry, let key = IndexKeys.uint64(current.key), key < start + count else {
                    missing(from: expected, to: start + count, &report)
                    return
                }
                if key > expected {
                    missing(from: expected, to: key, &report)
                    expected = key
                }
                try check(current.value, at: key, txn, &report)
                expected += 1
                entry = try cursor.next()
            }
        }
    }

    private mutating func missing(from: UInt64, to: UInt64, _ report: inout VerificationReport) {
        Self.reportMissing(from: from, to: to, &report)
        for _ in from..<to { appendLeaf(RFC6962.emptyRoot, at: frontier.size, &report) }
    }

    /// Names the records `from…to-1` as missing, once.
    static func reportMissing(from: UInt64, to: UInt64, _ report: inout VerificationReport) {
        report.record("position", at: from, "records \(from)…\(to - 1) are missing")
    }

    private mutating func check(
        _ bytes: UnsafeRawBufferPointer, at position: UInt64, _ txn: Transaction, _ report: inout VerificationReport
    ) throws {
        if decodesRecords {
            do {
                let event = try decoder.decode(bytes, expectedPosition: Position(position))
                checkVersion(event, &report)
                if options.checkIndexes { try checkIndexes(event, txn, &report) }
            } catch let error as LedgerError where error.code == .corrupted {
                report.record("decode", at: position, error.message)
            }
        }
        appendLeaf(RFC6962.leafHash(of: bytes), at: position, &report, txn)
    }

    private mutating func appendLeaf(
        _ leaf: MerkleHash, at position: UInt64, _ report: inout VerificationReport, _ txn: Transaction? = nil
    ) {
        var completed = completedNodes
        completedNodes = []  // leaves `completed` the only owner of the buffer, so appending does not copy it
        completed.removeAll(keepingCapacity: true)
        frontier.append(leaf) { node, hash in
            if node.level % MerkleTiles.height == 0 { completed.append((node, hash)) }
        }
        var mismatches: [(NodeID, String)] = []
        for (node, hash) in completed {
            guard let txn, let (tile, offset) = MerkleTiles.tileCoordinates(for: node) else { continue }
            if let problem = compare(hash, with: tile, offset: offset, txn) { mismatches.append((node, problem)) }
        }
        completedNodes = completed
        for (node, problem) in mismatches {
            // A leaf's tile entry names its position; a higher node only names the range of leaves under it.
            let first = node.index << UInt64(node.level)
            let range = node.level == 0 ? "" : " (leaves \(first)…\(first + (1 << UInt64(node.level)) - 1))"
            report.record(
                "tile", at: node.level == 0 ? first : nil, "node \(node.level)/\(node.index)\(range): \(problem)")
        }
        compareCheckpoints(&report)
    }

    private mutating func compare(_ hash: MerkleHash, with tile: TileID, offset: Int, _ txn: Transaction) -> String? {
        let level = Int(tile.level)
        guard level < cachedTiles.count else { return "tile level \(level) is beyond any tree" }
        if cachedTiles[level]?.index != tile.index {
            guard let bytes = try? txn.value(in: databases.merkle, key: tile.key) else { return "tile is missing" }
            guard let hashes = try? MerkleTiles.hashes(fromSerialized: bytes) else { return "tile is malformed" }
            cachedTiles[level] = (tile.index, hashes)
        }
        guard let hashes = cachedTiles[level]?.hashes, offset < hashes.count else {
            return "tile is shorter than the tree"
        }
        return hashes[offset] == hash ? nil : "stored hash differs from the recomputed one"
    }

    private mutating func compareCheckpoints(_ report: inout VerificationReport) {
        while let next = pendingCheckpoints.first, next.checkpoint.size == frontier.size {
            pendingCheckpoints.removeFirst()
            if next.checkpoint.root == frontier.root() {
                report.checkpointsVerified += 1
                lastGoodCheckpointSize = next.checkpoint.size
            } else {
                report.record(
                    "checkpoint", at: report.firstBadPosition ?? lastGoodCheckpointSize,
                    "the rebuilt root at size \(next.checkpoint.size) differs from the signed one; the change lies in "
                        + "\(lastGoodCheckpointSize)…\(next.checkpoint.size - 1)")
            }
        }
    }

    /// Whether the walk decodes each record (stream versions, indexes); the bare hash-and-tree pass does not.
    private var decodesRecords: Bool { options.checkRecords || options.checkIndexes }

    private mutating func checkVersion(_ event: RecordedEvent, _ report: inout VerificationReport) {
        let expected = nextVersions[event.stream] ?? 0
        if event.version.rawValue != expected {
            report.record(
                "streamVersion", at: event.position.rawValue,
                "\(event.stream) has version \(event.version) where \(expected) was next")
        }
        nextVersions[event.stream] = event.version.rawValue + 1
    }

    private func checkIndexes(_ event: RecordedEvent, _ txn: Transaction, _ report: inout VerificationReport) throws {
        let position = event.position.rawValue
        let pointed = { (database: Database, key: [UInt8]) throws -> Bool in
            try txn.value(in: database, key: key).map { IndexKeys.uint64($0) == position } ?? false
        }
        if try !pointed(databases.streams, IndexKeys.stream(event.stream, version: event.version)) {
            report.record(
                "streams", at: position, "streams entry of \(event.stream) version \(event.version) is wrong or missing"
            )
        }
        if try !pointed(databases.eventIDs, IndexKeys.eventID(event.id)) {
            report.record("eventIds", at: position, "eventIds entry of \(event.id) is wrong or missing")
        }
        // Name indexes are sets: the key is the entry, and its value is empty.
        let present = { (database: Database, key: [UInt8]) throws -> Bool in
            try txn.value(in: database, key: key).map { $0.isEmpty } ?? false
        }
        if try !present(databases.byType, IndexKeys.name(event.type.name, position: event.position)) {
            report.record("byType", at: position, "byType entry is missing or not empty")
        }
        if try !present(databases.byCategory, IndexKeys.name(event.stream.category.name, position: event.position)) {
            report.record("byCategory", at: position, "byCategory entry is missing or not empty")
        }
    }

    /// Whole-ledger checks once the walk is done: `meta`, and that no index holds entries beyond the records, on
    /// `state`, read in the snapshot that fixed `metaSize`.
    mutating func finish(metaSize: UInt64, state: WholeLedgerState, _ report: inout VerificationReport) {
        for pending in pendingCheckpoints {
            report.record("checkpoint", at: nil, "checkpoint at size \(pending.checkpoint.size) was never reached")
        }
        guard options.asOfSize == nil else { return }
        MetaEntriesCheck(verifiers: verifiers, checkpointOrigins: storedOrigins).check(
            state.meta, streamsSeen: decodesRecords ? UInt64(nextVersions.count) : nil, &report)
        if let bytes = state.meta.first(where: { $0.key == MetaKey.frontier })?.value,
            let stored = try? MerkleFrontier(serialized: bytes)
        {
            if stored.root() != frontier.root() || stored.size != frontier.size {
                report.record("meta", at: nil, "meta.frontier differs from the rebuilt tree")
            }
        }
        if UInt64(state.records) != metaSize {
            report.record(
                "indexCount", at: metaSize, "events holds \(state.records) records, meta.treeSize says \(metaSize)")
        }
        guard options.checkIndexes else { return }
        for (name, entries) in state.indexEntries where UInt64(entries) != metaSize {
            report.record("indexCount", at: nil, "\(name) holds \(entries) entries for \(metaSize) records")
        }
    }
}

/// What the whole-ledger checks compare, read in the snapshot that fixed the size verified: a ledger that grows
/// while it is verified (beside a running server, ledger.md §2.5) is judged as it was then, not against entries
/// and counts of later appends.
struct WholeLedgerState {
    var meta: [(key: [UInt8], value: [UInt8])]
    var records: Int
    var indexEntries: [(name: String, entries: Int)]

    static func read(_ databases: LedgerDatabases, _ txn: Transaction) throws -> WholeLedgerState {
        WholeLedgerState(
            meta: try MetaEntriesCheck.entries(databases, txn),
            records: try txn.statistics(of: databases.events).entries,
            indexEntries: try [databases.streams, databases.eventIDs, databases.byType, databases.byCategory].map {
                ($0.name, try txn.statistics(of: $0).entries)
            })
    }
}
