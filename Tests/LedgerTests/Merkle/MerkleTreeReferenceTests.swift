import Ledger
import Testing

/// The frontier, the tiles and proof generation against the literal RFC 6962 recursion.
@Suite("Merkle tree against the RFC 6962 reference")
struct MerkleTreeReferenceTests {
    /// Covers a full level-0 tile, the start of the next one, and the first level-8 node.
    static let leafCount = 257

    @Test("Frontier and tiles give the reference root at every size 0…257, one leaf per batch")
    func rootsAtEverySize() throws {
        let leaves = generatedLeafHashes(count: Self.leafCount)
        let reference = ReferenceMerkleTree(leaves: leaves)
        var log = TestLog()
        for size in 0...Self.leafCount {
            if size > 0 { log.append([leaves[size - 1]]) }
            let expected = reference.root(size: size)
            #expect(log.frontier.size == UInt64(size))
            #expect(log.frontier.root() == expected, "frontier, size \(size)")
            #expect(try log.nodes.root(ofSize: UInt64(size)) == expected, "tiles, size \(size)")
        }
    }

    @Test("Tiles of a finished log give the reference root of every smaller size")
    func pastRootsFromFinalTiles() throws {
        let leaves = generatedLeafHashes(count: Self.leafCount)
        let reference = ReferenceMerkleTree(leaves: leaves)
        var log = TestLog()
        log.append(leaves)
        for size in 0...Self.leafCount {
            #expect(try log.nodes.root(ofSize: UInt64(size)) == reference.root(size: size), "size \(size)")
        }
        #expect(throws: MerkleError.invalidSizes) { try log.nodes.root(ofSize: UInt64(Self.leafCount) + 1) }
    }

    @Test("Batches of any length write the same tiles as single appends")
    func batchingDoesNotChangeTiles() throws {
        let leaves = generatedLeafHashes(count: 1_300)
        var single = TestLog()
        for leaf in leaves { single.append([leaf]) }
        var batched = TestLog()
        var start = 0
        for length in [1, 7, 248, 256, 300, 1, 255, 232] {
            batched.append(leaves[start..<(start + length)])
            start += length
        }
        #expect(start == leaves.count)
        #expect(batched.tiles.tiles == single.tiles.tiles)
        #expect(batched.frontier == single.frontier)
    }

    @Test("Every tile holds the reference hashes of its level's complete nodes")
    func tileContents() throws {
        let leaves = generatedLeafHashes(count: 256 * 3 + 17)
        let reference = ReferenceMerkleTree(leaves: leaves)
        var log = TestLog()
        log.append(leaves)
        let expected: [TileID: [MerkleHash]] = [
            TileID(level: 0, index: 0): (0..<256).map { leaves[$0] },
            TileID(level: 0, index: 1): (256..<512).map { leaves[$0] },
            TileID(level: 0, index: 2): (512..<768).map { leaves[$0] },
            TileID(level: 0, index: 3): (768..<785).map { leaves[$0] },
            TileID(level: 1, index: 0): (0..<3).map { reference.hash(($0 * 256)..<($0 * 256 + 256)) },
        ]
        #expect(log.tiles.tiles == expected)
    }

    /// The 257-leaf log shared by the per-size inclusion cases, built once.
    static let fullLog: TestLog = {
        var log = TestLog()
        log.append(generatedLeafHashes(count: leafCount))
        return log
    }()

    @Test(
        "Generated inclusion proofs equal the reference PATH for every size 0…257 and every index",
        arguments: 0...leafCount)
    func everyInclusionProof(size: Int) throws {
        let leaves = generatedLeafHashes(count: size)
        let reference = ReferenceMerkleTree(leaves: leaves)
        let nodes = Self.fullLog.nodes
        let root = reference.root(size: size)
        for index in 0..<size {
            let proof = try InclusionProof.make(index: UInt64(index), treeSize: UInt64(size), nodes: nodes)
            #expect(proof.hashes == reference.inclusionProof(index: index, size: size), "\(index) in \(size)")
            #expect(throws: Never.self) { try proof.verify(leafHash: leaves[index], root: root) }
        }
        #expect(throws: MerkleError.indexOutOfRange) {
            try InclusionProof.make(index: UInt64(size), treeSize: UInt64(size), nodes: nodes)
        }
    }

    @Test("Generated consistency proofs equal the reference PROOF for every 1 ≤ m ≤ n ≤ 70")
    func everyConsistencyProof() throws {
        let leafCount = 70
        let leaves = generatedLeafHashes(count: leafCount)
        let reference = ReferenceMerkleTree(leaves: leaves)
        var log = TestLog()
        log.append(leaves)
        let nodes = log.nodes
        for newSize in 1...leafCount {
            #expect(throws: MerkleError.invalidSizes) {
                try ConsistencyProof.make(oldSize: 0, newSize: UInt64(newSize), nodes: nodes)
            }
            for oldSize in 1...newSize {
                let proof = try ConsistencyProof.make(oldSize: UInt64(oldSize), newSize: UInt64(newSize), nodes: nodes)
                #expect(proof.hashes == reference.consistencyProof(oldSize: oldSize, newSize: newSize))
                #expect(throws: Never.self) {
                    try proof.verify(oldRoot: reference.root(size: oldSize), newRoot: reference.root(size: newSize))
                }
            }
        }
        #expect(throws: MerkleError.invalidSizes) { try ConsistencyProof.make(oldSize: 3, newSize: 2, nodes: nodes) }
        #expect(throws: MerkleError.invalidSizes) { try ConsistencyProof.make(oldSize: 3, newSize: 71, nodes: nodes) }
    }

    @Test("A log past the first level-2 tile gives the frontier's roots and valid proofs from its tiles")
    func logSpanningThreeTileLevels() throws {
        let leafCount = 65_536 + 2 * 256 + 3
        let leaves = generatedLeafHashes(count: leafCount)
        let checkedSizes: Set<Int> = [1, 255, 256, 257, 511, 512, 65_535, 65_536, 65_537, 65_536 + 256, leafCount]
        var log = TestLog()
        var roots: [Int: MerkleHash] = [:]
        var next = 0
        for size in checkedSizes.sorted() {
            log.append(leaves[next..<size])
            next = size
            roots[size] = log.frontier.root()
        }
        #expect(roots[leafCount] == ReferenceMerkleTree(leaves: leaves).root(size: leafCount))
        #expect(log.tiles.tiles[TileID(level: 2, index: 0)]?.count == 1)
        #expect(log.tiles.tiles[TileID(level: 1, index: 1)]?.count == 2)
        let nodes = log.nodes
        for (size, root) in roots {
            #expect(try nodes.root(ofSize: UInt64(size)) == root, "size \(size)")
            for index in [0, size / 3, size / 2, size - 1] {
                let proof = try InclusionProof.make(index: UInt64(index), treeSize: UInt64(size), nodes: nodes)
                #expect(throws: Never.self) { try proof.verify(leafHash: leaves[index], root: root) }
            }
            for (oldSize, oldRoot) in roots where oldSize <= size {
                let proof = try ConsistencyProof.make(oldSize: UInt64(oldSize), newSize: UInt64(size), nodes: nodes)
                #expect(throws: Never.self) { try proof.verify(oldRoot: oldRoot, newRoot: root) }
            }
        }
    }
}
