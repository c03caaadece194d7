/// Reads node hashes and past roots of a tree of `treeSize` leaves from its tiles, for proofs and for
/// "root at size m" (`cus ledger verify --as-of-size`, ledger.md §5.3).
///
/// A node at level h is hashed up h mod 8 levels from tile level h / 8, as C2SP tlog-tiles clients do: at most
/// 255 node hashes per node, and a proof needs O(log n) nodes.
public struct MerkleNodeReader<Source: MerkleTileSource> {
    public let source: Source
    /// The size the tiles in `source` cover at least.
    public let treeSize: UInt64

    public init(source: Source, treeSize: UInt64) {
        self.source = source
        self.treeSize = treeSize
    }

    /// The hash of a complete node: `.indexOutOfRange` when any leaf under it is at or past `treeSize`.
    public func hash(of node: NodeID) throws -> MerkleHash {
        guard node.isComplete(inTreeOfSize: treeSize) else { throw MerkleError.indexOutOfRange }
        let tileLevel = node.level / MerkleTiles.height
        let levelsAboveTile = node.level % MerkleTiles.height
        let firstIndex = node.index << levelsAboveTile  // Cannot overflow: the node lies below `treeSize`.
        let count = 1 << Int(levelsAboveTile)
        let tileIndex = firstIndex >> MerkleTiles.height
        let offset = Int(firstIndex & UInt64(MerkleTiles.width - 1))
        guard let tile = try source.tile(level: tileLevel, index: tileIndex), tile.count >= offset + count else {
            throw MerkleError.missingTile(level: tileLevel, index: tileIndex)
        }
        var hashes = Array(tile[offset..<(offset + count)])
        var width = count
        while width > 1 {
            width /= 2
            for parent in 0..<width {
                hashes[parent] = RFC6962.nodeHash(hashes[2 * parent], hashes[2 * parent + 1])
            }
        }
        return hashes[0]
    }

    /// The root of the tree made of the first `size` leaves; `.invalidSizes` when `size` exceeds `treeSize`.
    public func root(ofSize size: UInt64) throws -> MerkleHash {
        guard size <= treeSize else { throw MerkleError.invalidSizes }
        if size == 0 { return RFC6962.emptyRoot }
        return try rangeHash(from: 0, to: size)
    }

    /// MTH of leaves `start ..< end` (RFC 6962 §2.1), for the ranges RFC 6962's recursion visits: `start` is a
    /// multiple of a power of two at least `end - start`, so the range splits into perfect subtrees of
    /// decreasing size, and folding their hashes from the right gives the range's root.
    func rangeHash(from start: UInt64, to end: UInt64) throws -> MerkleHash {
        var subtreeHashes: [MerkleHash] = []
        var next = start
        while next < end {
            let alignment = next == 0 ? 63 : next.trailingZeroBitCount
            let fitting = 63 - (end - next).leadingZeroBitCount
            let level = min(alignment, fitting)
            subtreeHashes.append(try hash(of: NodeID(level: UInt8(level), index: next >> level)))
            next += 1 << level
        }
        guard var hash = subtreeHashes.popLast() else { return RFC6962.emptyRoot }
        for left in subtreeHashes.reversed() {
            hash = RFC6962.nodeHash(left, hash)
        }
        return hash
    }
}

extension MerkleNodeReader: Sendable where Source: Sendable {}
