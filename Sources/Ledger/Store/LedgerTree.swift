import LMDB

/// The Merkle state a write transaction extends: the frontier (root always at hand) and the tiles it touched,
/// written back before commit (ledger.md §2.2 `merkle`: full tiles write-once, the right-edge tile replaced).
struct LedgerTree: Sendable {
    var frontier: MerkleFrontier
    private var touchedTiles: [TileID: [UInt8]] = [:]
    /// Reused for the nodes each leaf completes, so appending does not allocate per event.
    private var completedNodes: [(TileID, Int, MerkleHash)] = []

    init(frontier: MerkleFrontier) { self.frontier = frontier }

    /// Adds one leaf hash; returns the new tree size.
    mutating func append(leaf: MerkleHash, tiles: TileReader) throws -> UInt64 {
        var completed = completedNodes
        completedNodes = []  // leaves `completed` the only owner of the buffer, so appending does not copy it
        completed.removeAll(keepingCapacity: true)
        frontier.append(leaf) { node, hash in
            if let (tile, offset) = MerkleTiles.tileCoordinates(for: node) { completed.append((tile, offset, hash)) }
        }
        for (tile, offset, hash) in completed { try place(hash, in: tile, at: offset, tiles: tiles) }
        completedNodes = completed
        return frontier.size
    }

    private mutating func place(_ hash: MerkleHash, in tileID: TileID, at offset: Int, tiles: TileReader) throws {
        if touchedTiles[tileID] == nil {
            var loaded = try tiles.existingTile(tileID) ?? []
            loaded.reserveCapacity(MerkleTiles.width * MerkleHash.byteCount)
            touchedTiles[tileID] = loaded
        }
        // Mutated in place through the dictionary: no copy of the (up to 8 KiB) tile per leaf.
        let count = touchedTiles[tileID, default: []].count
        precondition(count == offset * MerkleHash.byteCount, "tile \(tileID) is out of step with the tree")
        hash.withUnsafeBytes { touchedTiles[tileID, default: []].append(contentsOf: $0) }
    }

    /// Writes every tile this batch touched and forgets them.
    mutating func flushTiles(into transaction: Transaction, database: Database) throws {
        for (tileID, tile) in touchedTiles { try transaction.put(tile, key: tileID.key, in: database) }
        touchedTiles.removeAll(keepingCapacity: true)
    }
}

/// Reads tiles already committed, for the first touch of a tile in a batch.
struct TileReader {
    let transaction: Transaction
    let database: Database

    func existingTile(_ tileID: TileID) throws -> [UInt8]? {
        try transaction.value(in: database, key: tileID.key).map(Array.init)
    }
}
