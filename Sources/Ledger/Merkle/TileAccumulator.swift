/// Turns the nodes reported by `MerkleFrontier.append` into the tiles they change, so a write transaction
/// writes each changed tile once, however many events it carries (ledger.md §2.2: full tiles are written
/// once, the right-edge tile is replaced).
///
/// It keeps only the right-edge tile of each tile level, at most 8 × 256 hashes.
public struct TileAccumulator: Sendable {
    private struct EdgeTile: Sendable {
        var index: UInt64
        var hashes: [MerkleHash]
        var changed: Bool
    }

    /// The right-edge tile of each tile level, by level.
    private var edges: [EdgeTile] = []
    /// Tiles that became full since the last `takeChangedTiles()`.
    private var completed: [(tile: TileID, hashes: [MerkleHash])] = []

    /// An accumulator for the empty tree.
    public init() {}

    /// An accumulator for a tree of `treeSize` leaves whose tiles are in `tiles`: it reads the right-edge tiles,
    /// which the next appends extend. Throws `MerkleError.missingTile` if one is absent or too short.
    public init(treeSize: UInt64, tiles: some MerkleTileSource) throws {
        var level: UInt8 = 0
        while UInt64(level) * UInt64(MerkleTiles.height) < 64 {
            let nodeCount = treeSize >> (UInt64(level) * UInt64(MerkleTiles.height))
            guard nodeCount > 0 else { break }
            let edge = TileID(level: level, index: nodeCount >> MerkleTiles.height)
            let count = MerkleTiles.hashCount(of: edge, treeSize: treeSize)
            var hashes: [MerkleHash] = []
            if count > 0 {
                guard let stored = try tiles.tile(level: edge.level, index: edge.index), stored.count >= count else {
                    throw MerkleError.missingTile(level: edge.level, index: edge.index)
                }
                hashes = Array(stored.prefix(count))
            }
            edges.append(EdgeTile(index: edge.index, hashes: hashes, changed: false))
            level += 1
        }
    }

    /// Records `hash` of `node` if its level is stored in tiles; other levels are ignored. Nodes of one level
    /// must arrive in index order, as `MerkleFrontier.append` reports them.
    public mutating func add(_ node: NodeID, _ hash: MerkleHash) {
        guard let (tile, offset) = MerkleTiles.tileCoordinates(for: node) else { return }
        let level = Int(tile.level)
        while edges.count <= level {
            edges.append(EdgeTile(index: 0, hashes: [], changed: false))
        }
        precondition(
            tile.index == edges[level].index && offset == edges[level].hashes.count,
            "tile nodes arrived out of order: the accumulator and the frontier disagree on the tree size")
        edges[level].hashes.append(hash)
        edges[level].changed = true
        if edges[level].hashes.count == MerkleTiles.width {
            completed.append((tile, edges[level].hashes))
            edges[level] = EdgeTile(index: tile.index + 1, hashes: [], changed: false)
        }
    }

    /// Every tile changed since the last call, each once with its whole new content: full tiles first, in the
    /// order they filled, then the right-edge tiles from level 0 up.
    public mutating func takeChangedTiles() -> [(tile: TileID, hashes: [MerkleHash])] {
        var changed = completed
        completed = []
        for level in edges.indices where edges[level].changed {
            changed.append((TileID(level: UInt8(level), index: edges[level].index), edges[level].hashes))
            edges[level].changed = false
        }
        return changed
    }
}
