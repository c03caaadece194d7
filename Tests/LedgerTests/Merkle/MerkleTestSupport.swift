import Ledger
import Testing

/// The hash spelled by 64 lowercase hex digits; records an issue and throws if it is not one.
func merkleHash(hex: String) throws -> MerkleHash {
    try #require(MerkleHash(hex: hex), "not a hash: \(hex)")
}

/// Leaf hashes of the decimal text of each index, like transparency-dev's generated entries.
func generatedLeafHashes(count: Int) -> [MerkleHash] {
    (0..<count).map { RFC6962.leafHash(of: Array(String($0).utf8)) }
}

/// A log kept as the ledger keeps it: a frontier, plus tiles written once per batch (write transaction).
struct TestLog: Sendable {
    private(set) var frontier = MerkleFrontier()
    private(set) var tiles = InMemoryTileStore()
    private var accumulator = TileAccumulator()

    init() {}

    /// Resumes a log from stored tiles, as a writer does after a restart.
    init(frontier: MerkleFrontier, tiles: InMemoryTileStore) throws {
        self.frontier = frontier
        self.tiles = tiles
        self.accumulator = try TileAccumulator(treeSize: frontier.size, tiles: tiles)
    }

    /// Appends `leaves` as one batch.
    mutating func append(_ leaves: some Sequence<MerkleHash>) {
        var accumulator = self.accumulator
        for leaf in leaves {
            frontier.append(leaf) { node, hash in accumulator.add(node, hash) }
        }
        for (tile, hashes) in accumulator.takeChangedTiles() {
            tiles.store(hashes, at: tile)
        }
        self.accumulator = accumulator
    }

    var nodes: MerkleNodeReader<InMemoryTileStore> {
        MerkleNodeReader(source: tiles, treeSize: frontier.size)
    }
}
