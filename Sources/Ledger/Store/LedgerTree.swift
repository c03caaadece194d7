import LMDB

/// The Merkle state a write transaction extends: the frontier (root always at hand) and, through
/// `TileAccumulator`, the tiles the appended leaves change, written back before commit (ledger.md §2.2
/// `merkle`: full tiles write-once, the right-edge tile replaced).
struct LedgerTree: Sendable {
    var frontier: MerkleFrontier
    private var tiles: TileAccumulator

    init(frontier: MerkleFrontier, tiles: TileAccumulator) {
        self.frontier = frontier
        self.tiles = tiles
    }

    /// The writer's tree for a ledger of `frontier.size` events, resuming the right-edge tiles stored in `txn`.
    init(frontier: MerkleFrontier, storedIn txn: Transaction, database: Database) throws {
        let source = LMDBTileSource(transaction: txn, database: database)
        self.init(frontier: frontier, tiles: try TileAccumulator(treeSize: frontier.size, tiles: source))
    }

    /// Adds one leaf hash; returns the new tree size.
    mutating func append(leaf: MerkleHash) -> UInt64 {
        var accumulator = tiles
        tiles = TileAccumulator()  // leaves `accumulator` the only owner of the edge tiles, so adding does not copy
        frontier.append(leaf) { node, hash in accumulator.add(node, hash) }
        tiles = accumulator
        return frontier.size
    }

    /// Writes every tile changed since the last flush, each once.
    mutating func flushTiles(into transaction: Transaction, database: Database) throws {
        for (tile, hashes) in tiles.takeChangedTiles() {
            try transaction.put(MerkleTiles.serialized(hashes), key: tile.key, in: database)
        }
    }
}
