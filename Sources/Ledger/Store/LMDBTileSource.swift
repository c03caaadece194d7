import LMDB

/// The `merkle` database as a tile source, inside one transaction.
struct LMDBTileSource: MerkleTileSource {
    let transaction: Transaction
    let database: Database

    func tile(level: UInt8, index: UInt64) throws -> [MerkleHash]? {
        guard let bytes = try transaction.value(in: database, key: TileID(level: level, index: index).key) else {
            return nil
        }
        return try MerkleTiles.hashes(fromSerialized: bytes)
    }
}

extension MerkleFrontier {
    /// The frontier of the first `size` leaves, read from the tiles: the roots of the perfect subtrees covering
    /// [0, size), highest first (for bit k of `size`, node (k, (size >> k) − 1)).
    static func at(size: UInt64, reader: MerkleNodeReader<some MerkleTileSource>) throws -> MerkleFrontier {
        var bytes = IndexKeys.bigEndian(size)
        for level in stride(from: 63, through: 0, by: -1) where size & (1 << UInt64(level)) != 0 {
            let node = NodeID(level: UInt8(level), index: (size >> UInt64(level)) - 1)
            try reader.hash(of: node).withUnsafeBytes { bytes.append(contentsOf: $0) }
        }
        return try MerkleFrontier(serialized: bytes)
    }
}
