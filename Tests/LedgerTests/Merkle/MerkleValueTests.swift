import Ledger
import Testing

@Suite("Merkle hashes, frontiers and tiles as values")
struct MerkleValueTests {
    static let sample = "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"

    @Test("A hash is 32 bytes stored inline")
    func hashIsInline() {
        #expect(MemoryLayout<MerkleHash>.size == 32)
        #expect(MemoryLayout<MerkleHash>.stride == 32)
    }

    @Test("Hashes come only from exactly 32 bytes, and keep their byte order")
    func bytesRoundTrip() throws {
        let bytes = (0..<32).map { UInt8($0 * 7 & 0xFF) }
        let hash = try #require(MerkleHash(bytes: bytes))
        #expect(hash.bytes == bytes)
        #expect(hash.withUnsafeBytes { Array($0) } == bytes)
        #expect(MerkleHash(bytes: bytes[1...]) == nil)
        #expect(MerkleHash(bytes: bytes + [0]) == nil)
        #expect(MerkleHash(bytes: [UInt8]()) == nil)
        #expect(MerkleHash(bytes: bytes.lazy.map { $0 }) == hash)
        #expect(Set([hash, hash, RFC6962.emptyRoot]).count == 2)
    }

    @Test("Hex is 64 lowercase digits both ways")
    func hexRoundTrip() throws {
        let hash = try #require(MerkleHash(hex: Self.sample))
        #expect(hash.hex == Self.sample)
        #expect(hash.description == Self.sample)
        #expect(MerkleHash(hex: Self.sample.uppercased()) == nil)
        #expect(MerkleHash(hex: String(Self.sample.dropLast())) == nil)
        #expect(MerkleHash(hex: Self.sample + "00") == nil)
        #expect(MerkleHash(hex: "g" + Self.sample.dropFirst()) == nil)
        #expect(MerkleHash(hex: "") == nil)
    }

    @Test("Base64 is the canonical padded form both ways")
    func base64RoundTrip() throws {
        let hash = try #require(MerkleHash(hex: Self.sample))
        #expect(hash.base64 == "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=")
        #expect(MerkleHash(base64: hash.base64) == hash)
        #expect(MerkleHash(base64: "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg") == nil)
        #expect(MerkleHash(base64: "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyh=") == nil)
        #expect(MerkleHash(base64: "AAAA") == nil)
        #expect(MerkleHash(base64: "not base64 at all!") == nil)
    }

    @Test("A frontier survives serialisation at every size 0…300, with the documented length")
    func frontierRoundTrip() throws {
        var frontier = MerkleFrontier()
        for (offset, leaf) in generatedLeafHashes(count: 300).enumerated() {
            let bytes = frontier.serialized()
            #expect(bytes.count == 8 + 32 * frontier.size.nonzeroBitCount)
            #expect(Array(bytes.prefix(8)) == [0, 0, 0, 0, 0, 0, UInt8(offset >> 8), UInt8(offset & 0xFF)])
            let restored = try MerkleFrontier(serialized: bytes)
            #expect(restored == frontier)
            #expect(restored.root() == frontier.root())
            frontier.append(leaf)
        }
    }

    @Test("Frontier bytes of the wrong length are refused")
    func malformedFrontier() throws {
        var frontier = MerkleFrontier()
        for leaf in generatedLeafHashes(count: 11) { frontier.append(leaf) }
        let bytes = frontier.serialized()
        for malformed in [[], Array(bytes.prefix(7)), Array(bytes.dropLast()), bytes + [0], Array(bytes.prefix(8))] {
            #expect(throws: MerkleError.malformedFrontier) { try MerkleFrontier(serialized: malformed) }
        }
        var wrongSize = bytes
        wrongSize[7] = 12
        #expect(throws: MerkleError.malformedFrontier) { try MerkleFrontier(serialized: wrongSize) }
        let largest: [UInt8] = Array(repeating: 0xFF, count: 8) + Array(repeating: 0, count: 64 * 32)
        #expect(try MerkleFrontier(serialized: largest).size == .max)
        #expect(throws: MerkleError.malformedFrontier) { try MerkleFrontier(serialized: largest.dropLast()) }
        #expect(try MerkleFrontier(serialized: [0, 0, 0, 0, 0, 0, 0, 0]) == MerkleFrontier())
    }

    @Test("Append reports the leaf and each parent it completes, bottom up")
    func appendReportsNodes() {
        var frontier = MerkleFrontier()
        let leaves = generatedLeafHashes(count: 8)
        var reported: [[NodeID]] = []
        for leaf in leaves {
            var nodes: [NodeID] = []
            frontier.append(leaf) { node, _ in nodes.append(node) }
            reported.append(nodes)
        }
        #expect(reported[0] == [NodeID(level: 0, index: 0)])
        #expect(reported[1] == [NodeID(level: 0, index: 1), NodeID(level: 1, index: 0)])
        #expect(reported[2] == [NodeID(level: 0, index: 2)])
        #expect(
            reported[7] == [
                NodeID(level: 0, index: 7), NodeID(level: 1, index: 3), NodeID(level: 2, index: 1),
                NodeID(level: 3, index: 0),
            ])
    }

    @Test("Tile coordinates exist only for levels that are multiples of 8")
    func tileCoordinates() {
        let leaf = MerkleTiles.tileCoordinates(for: NodeID(level: 0, index: 515))
        #expect(leaf?.tile == TileID(level: 0, index: 2))
        #expect(leaf?.offset == 3)
        let inner = MerkleTiles.tileCoordinates(for: NodeID(level: 16, index: 255))
        #expect(inner?.tile == TileID(level: 2, index: 0))
        #expect(inner?.offset == 255)
        #expect(MerkleTiles.tileCoordinates(for: NodeID(level: 7, index: 0)) == nil)
        #expect(MerkleTiles.tileCoordinates(for: NodeID(level: 64, index: 0)) == nil)
        #expect(MerkleTiles.tileCoordinates(for: NodeID(level: 56, index: .max))?.tile.index == .max >> 8)
    }

    @Test("Tile widths follow the tree size")
    func tileWidths() {
        #expect(MerkleTiles.hashCount(of: TileID(level: 0, index: 0), treeSize: 0) == 0)
        #expect(MerkleTiles.hashCount(of: TileID(level: 0, index: 0), treeSize: 255) == 255)
        #expect(MerkleTiles.hashCount(of: TileID(level: 0, index: 0), treeSize: 256) == 256)
        #expect(MerkleTiles.hashCount(of: TileID(level: 0, index: 1), treeSize: 256) == 0)
        #expect(MerkleTiles.hashCount(of: TileID(level: 1, index: 0), treeSize: 256 * 300) == 256)
        #expect(MerkleTiles.hashCount(of: TileID(level: 1, index: 1), treeSize: 256 * 300 + 255) == 44)
        #expect(MerkleTiles.hashCount(of: TileID(level: 7, index: 0), treeSize: .max) == 255)
        #expect(MerkleTiles.hashCount(of: TileID(level: 8, index: 0), treeSize: .max) == 0)
        #expect(MerkleTiles.hashCount(of: TileID(level: 0, index: .max >> 8), treeSize: .max) == 255)
        #expect(MerkleTiles.hashCount(of: TileID(level: 0, index: .max), treeSize: .max) == 0)
    }

    @Test("Tile keys sort by level, then index")
    func tileKeys() {
        #expect(TileID(level: 1, index: 0x0102).key == [1, 0, 0, 0, 0, 0, 0, 1, 2])
        #expect(TileID(level: 0, index: .max).key.lexicographicallyPrecedes(TileID(level: 1, index: 0).key))
    }

    @Test("Tile bytes round-trip, and other lengths are refused")
    func tileBytes() throws {
        let hashes = generatedLeafHashes(count: 256)
        let bytes = MerkleTiles.serialized(hashes)
        #expect(bytes.count == 256 * 32)
        #expect(try MerkleTiles.hashes(fromSerialized: bytes) == hashes)
        #expect(try MerkleTiles.hashes(fromSerialized: Array(bytes.prefix(32))) == [hashes[0]])
        for malformed in [[], Array(bytes.prefix(31)), Array(bytes.prefix(33)), bytes + bytes.prefix(32)] {
            #expect(throws: MerkleError.malformedTile) { try MerkleTiles.hashes(fromSerialized: malformed) }
        }
    }

    @Test("A resumed log writes the same tiles as one that never stopped")
    func resumeFromStoredTiles() throws {
        let leaves = generatedLeafHashes(count: 1_000)
        var straight = TestLog()
        straight.append(leaves)
        for stop in [0, 1, 255, 256, 257, 600] {
            var first = TestLog()
            first.append(leaves[..<stop])
            var resumed = try TestLog(frontier: first.frontier, tiles: first.tiles)
            resumed.append(leaves[stop...])
            #expect(resumed.tiles.tiles == straight.tiles.tiles, "stopped at \(stop)")
            #expect(resumed.frontier == straight.frontier)
        }
    }

    @Test("Missing tiles are reported with their coordinates")
    func missingTiles() throws {
        var log = TestLog()
        log.append(generatedLeafHashes(count: 600))
        var tiles = InMemoryTileStore()
        for (tile, hashes) in log.tiles.tiles where tile != TileID(level: 0, index: 2) {
            tiles.store(hashes, at: tile)
        }
        #expect(throws: MerkleError.missingTile(level: 0, index: 2)) {
            try TileAccumulator(treeSize: 600, tiles: tiles)
        }
        let nodes = MerkleNodeReader(source: tiles, treeSize: 600)
        #expect(throws: MerkleError.missingTile(level: 0, index: 2)) { try nodes.root(ofSize: 600) }
        #expect(try nodes.root(ofSize: 512) == log.nodes.root(ofSize: 512))
        #expect(throws: MerkleError.indexOutOfRange) { try nodes.hash(of: NodeID(level: 3, index: 75)) }
        #expect(throws: MerkleError.indexOutOfRange) { try nodes.hash(of: NodeID(level: 64, index: 0)) }
        #expect(throws: MerkleError.missingTile(level: 0, index: 2)) {
            try MerkleNodeReader(source: log.tiles, treeSize: 1_000).root(ofSize: 700)
        }
    }
}
