import LMDB

extension Ledger {
    /// The RFC 6962 inclusion proof of the event at `position` in the tree of the first `treeSize` events, read
    /// from the stored tiles (ledger.md G6). `invalidArgument` when the position or size is outside the tree.
    public func inclusionProof(position: Position, treeSize: UInt64) throws(LedgerError) -> InclusionProof {
        try withNodes(treeSize: treeSize, "an inclusion proof of position \(position) in size \(treeSize)") {
            try InclusionProof.make(index: position.rawValue, treeSize: treeSize, nodes: $0)
        }
    }

    /// The RFC 6962 consistency proof between the trees of `oldSize` and `newSize` events.
    public func consistencyProof(oldSize: UInt64, newSize: UInt64) throws(LedgerError) -> ConsistencyProof {
        try withNodes(treeSize: newSize, "a consistency proof from size \(oldSize) to \(newSize)") {
            try ConsistencyProof.make(oldSize: oldSize, newSize: newSize, nodes: $0)
        }
    }

    private func withNodes<R>(
        treeSize: UInt64, _ what: String, _ body: (MerkleNodeReader<LMDBTileSource>) throws -> R
    ) throws(LedgerError) -> R {
        let result: Result<R, MerkleError> = try snapshot("reading tiles for \(what)") { txn, lookup in
            let reader = MerkleNodeReader(
                source: LMDBTileSource(transaction: txn, database: databases.merkle), treeSize: try lookup.treeSize())
            do {
                return .success(try body(reader))
            } catch let error as MerkleError {
                switch error {
                case .indexOutOfRange, .invalidSizes: return .failure(error)
                default: throw error
                }
            }
        }
        switch result {
        case .success(let value): return value
        case .failure(let error):
            throw LedgerError(.invalidArgument, "cannot make \(what): \(error) (the ledger has fewer events)")
        }
    }
}

extension Ledger {
    /// The exact stored bytes of the record at `position` (its leaf is `RFC6962.leafHash` of them).
    public func recordBytes(at position: Position) throws(LedgerError) -> [UInt8] {
        var bytes: [UInt8]?
        try scanRecords(from: position, limit: 1) { found, record in
            if found == position { bytes = Array(record) }
        }
        guard let bytes else { throw LedgerError(.invalidArgument, "the ledger has no event at position \(position)") }
        return bytes
    }
}
