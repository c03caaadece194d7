/// A tile of C2SP tlog-tiles with height 8: tile (`level` L, `index` N) holds the hashes of tree level 8·L,
/// nodes N·256 ..< N·256 + 256 of that level, as far as they are complete (ledger.md §2.2 `merkle`, §3.2).
public struct TileID: Hashable, Sendable {
    public var level: UInt8
    public var index: UInt64

    public init(level: UInt8, index: UInt64) {
        self.level = level
        self.index = index
    }

    /// The `merkle` database key, `tileLevel u8 ‖ tileIndex u64` big-endian, so cursor order is tile order.
    public var key: [UInt8] {
        var key = [level]
        withUnsafeBytes(of: index.bigEndian) { key.append(contentsOf: $0) }
        return key
    }
}

/// Where proofs and past roots read the tree from: the `merkle` database, or memory in tests.
///
/// A tile is returned as stored: its first hashes are what a smaller tree holds, so one store serves every
/// size up to the current one. Errors are the backend's own (an `LMDBError`, say).
public protocol MerkleTileSource {
    /// The hashes of tile (`level`, `index`), or `nil` when no such tile is stored.
    func tile(level: UInt8, index: UInt64) throws -> [MerkleHash]?
}

/// The arithmetic and byte form shared by everything that reads or writes tiles.
///
/// Tiles make proofs and "root at size m" cost O(log n) reads instead of re-hashing the log. They are derived
/// data: `meta.frontier` alone decides the root, and the tiles can be rebuilt from the events.
public enum MerkleTiles {
    /// Tree levels per tile level.
    public static let height: UInt8 = 8
    /// Hashes in a full tile: 2^height.
    public static let width = 256

    /// The tile holding `node`, and the node's position in it; `nil` for a level that is not a multiple of 8,
    /// which no tile stores.
    public static func tileCoordinates(for node: NodeID) -> (tile: TileID, offset: Int)? {
        guard node.level % height == 0, node.level < 64 else { return nil }
        let tile = TileID(level: node.level / height, index: node.index >> height)
        return (tile, Int(node.index & UInt64(width - 1)))
    }

    /// How many hashes `tile` holds in a tree of `treeSize` leaves: 256 when full, 1…255 for the right-edge
    /// tile, 0 when the tile does not exist yet.
    public static func hashCount(of tile: TileID, treeSize: UInt64) -> Int {
        let levelShift = UInt64(tile.level) * UInt64(height)
        guard levelShift < 64 else { return 0 }
        let nodeCount = treeSize >> levelShift
        let fullTileCount = nodeCount >> height
        if tile.index < fullTileCount { return width }
        if tile.index == fullTileCount { return Int(nodeCount & UInt64(width - 1)) }
        return 0
    }

    /// The stored value of a tile: its hashes concatenated, `count · 32` bytes.
    public static func serialized(_ hashes: [MerkleHash]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hashes.count * MerkleHash.byteCount)
        for hash in hashes {
            hash.withUnsafeBytes { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    /// Parses a stored tile: 1…256 whole hashes, else `.malformedTile`.
    public static func hashes(fromSerialized bytes: UnsafeRawBufferPointer) throws(MerkleError) -> [MerkleHash] {
        let count = bytes.count / MerkleHash.byteCount
        guard bytes.count % MerkleHash.byteCount == 0, (1...width).contains(count) else { throw .malformedTile }
        var hashes: [MerkleHash] = []
        hashes.reserveCapacity(count)
        for offset in stride(from: 0, to: bytes.count, by: MerkleHash.byteCount) {
            let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + MerkleHash.byteCount)])
            hashes.append(MerkleHash(unchecked: slice))
        }
        return hashes
    }

    public static func hashes(fromSerialized bytes: [UInt8]) throws(MerkleError) -> [MerkleHash] {
        // `Array.withUnsafeBytes` rethrows untyped errors, so the typed one travels in a `Result`.
        let parsed = bytes.withUnsafeBytes { raw in
            Result { () throws(MerkleError) in try hashes(fromSerialized: raw) }
        }
        return try parsed.get()
    }
}

/// Tiles in a dictionary: for tests and the in-memory ledger of `LedgerTesting`.
public struct InMemoryTileStore: MerkleTileSource, Sendable {
    public private(set) var tiles: [TileID: [MerkleHash]] = [:]

    public init() {}

    /// Stores `hashes` as the whole content of `tile`, replacing what was there (the right-edge tile grows).
    public mutating func store(_ hashes: [MerkleHash], at tile: TileID) {
        tiles[tile] = hashes
    }

    public func tile(level: UInt8, index: UInt64) -> [MerkleHash]? {
        tiles[TileID(level: level, index: index)]
    }
}
