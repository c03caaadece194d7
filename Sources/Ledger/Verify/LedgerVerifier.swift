import LMDB

/// Re-reads every record and checks the ledger against itself and its signed checkpoints, read-only and
/// without decryption keys (ledger.md G6, §6): record format, positions, leaf hashes against the stored
/// tiles, the rebuilt root against every checkpoint and `meta`, stream-version contiguity, and (optionally)
/// that each index points at the right record.
public struct LedgerVerifier {
    public struct Options: Sendable {
        /// Verify only the tree of this size (a prefix); nil means the whole ledger.
        public var asOfSize: UInt64?
        /// Also check the `streams`, `eventIds`, `byType` and `byCategory` entries of every record.
        public var checkIndexes: Bool
        /// Also decode every record and check stream versions (off: the bare hash-and-tree pass).
        public var checkRecords: Bool
        /// Verifier keys for checkpoint signatures; empty means the key recorded in `meta`.
        public var verifiers: [NoteVerifier]

        public init(
            asOfSize: UInt64? = nil, checkIndexes: Bool = true, checkRecords: Bool = true,
            verifiers: [NoteVerifier] = []
        ) {
            self.asOfSize = asOfSize
            self.checkIndexes = checkIndexes
            self.checkRecords = checkRecords
            self.verifiers = verifiers
        }
    }

    let ledger: Ledger
    let options: Options

    public init(ledger: Ledger, options: Options = Options()) {
        self.ledger = ledger
        self.options = options
    }

    public func verify(progress: (UInt64, UInt64) -> Void = { _, _ in }) throws(LedgerError) -> VerificationReport {
        do {
            return try run(progress: progress)
        } catch {
            throw LedgerError.storage(error, "verification could not read the ledger")
        }
    }

    private func run(progress: (UInt64, UInt64) -> Void) throws -> VerificationReport {
        let databases = ledger.databases
        let setup = try databases.environment.read { txn in
            let lookup = IndexLookup(transaction: txn, databases: databases)
            return (
                try lookup.treeSize(),
                try lookup.recordsEnd(),
                try CheckpointStore.readAll(databases, txn),
                try txn.value(in: databases.meta, key: MetaKey.verifierKey).map(Array.init),
                try WholeLedgerState.read(databases, txn)
            )
        }
        let (metaSize, recordsEnd, checkpointResults, recordedKey, wholeLedger) = setup
        let size = options.asOfSize ?? metaSize
        var report = VerificationReport()
        report.size = size
        if size > metaSize {
            report.record("meta", at: nil, "asked for size \(size) but the ledger holds \(metaSize)")
            return report
        }
        // A recorded key that does not parse trusts nothing; the meta check reports it.
        let verifiers =
            options.verifiers.isEmpty
            ? recordedKey.flatMap(MetaEntriesCheck.recordedVerifier).map { [$0] } ?? [] : options.verifiers
        var pass = VerificationPass(databases: databases, options: options, size: size, verifiers: verifiers)
        pass.prepareCheckpoints(checkpointResults, report: &report)
        // A damaged `treeSize` may claim up to 2^64 events: the walk stops where the records end and names the
        // missing rest once, instead of hashing an empty leaf for each.
        let walkEnd = min(size, recordsEnd)
        if walkEnd < size { VerificationPass.reportMissing(from: walkEnd, to: size, &report) }
        var position: UInt64 = 0
        while position < walkEnd {
            let page = min(walkEnd - position, UInt64(LedgerLimits.replayPageEventsMax))
            try databases.environment.read { txn in try pass.scan(from: position, count: page, txn, &report) }
            position += page
            progress(position, size)
        }
        pass.finish(metaSize: metaSize, state: wholeLedger, &report)
        report.root = pass.frontier.root()
        return report
    }
}

extension CheckpointStore {
    /// Every stored checkpoint, or why one could not be parsed (kept apart so verify reports, not throws).
    static func readAll(_ databases: LedgerDatabases, _ txn: Transaction) throws -> [(
        UInt64, Result<SignedCheckpoint, LedgerError>
    )] {
        try txn.withCursor(databases.checkpoints) { cursor in
            var found: [(UInt64, Result<SignedCheckpoint, LedgerError>)] = []
            var entry = try cursor.first()
            while let current = entry {
                let key = IndexKeys.uint64(current.key) ?? .max
                do {
                    found.append((key, .success(try decode(current.value))))
                } catch {
                    found.append((key, .failure(LedgerError.storage(error, "checkpoint"))))
                }
                entry = try cursor.next()
            }
            return found
        }
    }
}
