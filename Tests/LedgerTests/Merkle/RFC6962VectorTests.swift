import Ledger
import Testing

/// Test vectors of transparency-dev/merkle (`testonly/constants.go`, `proof/verify_test.go`,
/// `rfc6962/rfc6962_test.go`), re-typed as data: leaf inputs, node hashes by level, roots by size, compact
/// ranges, and known inclusion and consistency proofs (leaf numbers there are 1-based; here indices are 0-based).
enum TransparencyDevVectors {
    static let leafInputs: [String] = [
        "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f",
    ]

    /// `nodeHashes[level][index]` for the tree of all eight leaves.
    static let nodeHashes: [[String]] = [
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
            "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
        ],
        [
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        ],
        [
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
        ["5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"],
    ]

    /// `roots[size]` for sizes 0…8.
    static let roots: [String] = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]

    /// The compact range of each size 0…8, as (level, index) into `nodeHashes`, highest level first.
    static let compactRanges: [[(level: Int, index: Int)]] = [
        [], [(0, 0)], [(1, 0)], [(1, 0), (0, 2)], [(2, 0)], [(2, 0), (0, 4)], [(2, 0), (1, 2)],
        [(2, 0), (1, 2), (0, 6)], [(3, 0)],
    ]

    static let inclusionProofs: [(index: UInt64, size: UInt64, proof: [String])] = [
        (0, 1, []),
        (
            0, 8,
            [
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ]
        ),
        (
            5, 8,
            [
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ]
        ),
        (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
        (
            1, 5,
            [
                "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ]
        ),
    ]

    static let consistencyProofs: [(oldSize: UInt64, newSize: UInt64, proof: [String])] = [
        (1, 1, []),
        (
            1, 8,
            [
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ]
        ),
        (
            6, 8,
            [
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ]
        ),
        (
            2, 5,
            [
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ]
        ),
        (
            6, 7,
            [
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ]
        ),
    ]

    /// Leaf hashes of the eight leaf inputs.
    static func leafHashes() throws -> [MerkleHash] {
        try leafInputs.map { input in
            let bytes = try #require(hexBytes(input))
            return RFC6962.leafHash(of: bytes)
        }
    }

    static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        return stride(from: 0, to: digits.count, by: 2).compactMap {
            UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)
        }
    }
}

@Suite("RFC 6962 vectors of transparency-dev/merkle")
struct RFC6962VectorTests {
    @Test("Leaf, empty-leaf and empty-tree hashes match the RFC 6962 hasher vectors")
    func hasherVectors() throws {
        #expect(
            RFC6962.emptyRoot
                == (try merkleHash(hex: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")))
        #expect(
            RFC6962.leafHash(of: [])
                == (try merkleHash(hex: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")))
        #expect(
            RFC6962.leafHash(of: Array("L123456".utf8))
                == (try merkleHash(hex: "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56")))
        #expect(RFC6962.leafHash(of: []) != RFC6962.emptyRoot)
    }

    @Test("Leaf and node hashes of the eight-leaf tree match, level by level")
    func nodeHashesMatch() throws {
        var level = try TransparencyDevVectors.leafHashes()
        for expected in TransparencyDevVectors.nodeHashes {
            #expect(level == (try expected.map { try merkleHash(hex: $0) }))
            level = stride(from: 0, to: level.count - 1, by: 2).map { RFC6962.nodeHash(level[$0], level[$0 + 1]) }
        }
    }

    @Test("The frontier gives the published root and compact range after each of the eight appends")
    func frontierRootsAndCompactRanges() throws {
        let nodes = try TransparencyDevVectors.nodeHashes.map { try $0.map { try merkleHash(hex: $0) } }
        var frontier = MerkleFrontier()
        #expect(frontier.root() == (try merkleHash(hex: TransparencyDevVectors.roots[0])))
        for (offset, leaf) in try TransparencyDevVectors.leafHashes().enumerated() {
            frontier.append(leaf)
            let size = offset + 1
            #expect(frontier.root() == (try merkleHash(hex: TransparencyDevVectors.roots[size])), "size \(size)")
            let expected = TransparencyDevVectors.compactRanges[size].map { nodes[$0.level][$0.index] }
            #expect(frontier.subtreeRoots == expected, "size \(size)")
        }
    }

    @Test("The tiles give the published root of every size 0…8")
    func tileRoots() throws {
        var log = TestLog()
        log.append(try TransparencyDevVectors.leafHashes())
        for size in 0...8 {
            #expect(
                try log.nodes.root(ofSize: UInt64(size)) == (try merkleHash(hex: TransparencyDevVectors.roots[size])))
        }
    }

    @Test("Generated inclusion proofs equal the published ones, and the published ones verify")
    func inclusionVectors() throws {
        let leaves = try TransparencyDevVectors.leafHashes()
        var log = TestLog()
        log.append(leaves)
        for vector in TransparencyDevVectors.inclusionProofs {
            let expected = InclusionProof(
                index: vector.index, treeSize: vector.size, hashes: try vector.proof.map { try merkleHash(hex: $0) })
            let made = try InclusionProof.make(index: vector.index, treeSize: vector.size, nodes: log.nodes)
            #expect(made == expected)
            let root = try merkleHash(hex: TransparencyDevVectors.roots[Int(vector.size)])
            try expected.verify(leafHash: leaves[Int(vector.index)], root: root)
        }
    }

    @Test("Generated consistency proofs equal the published ones, and the published ones verify")
    func consistencyVectors() throws {
        var log = TestLog()
        log.append(try TransparencyDevVectors.leafHashes())
        for vector in TransparencyDevVectors.consistencyProofs {
            let expected = ConsistencyProof(
                oldSize: vector.oldSize, newSize: vector.newSize,
                hashes: try vector.proof.map { try merkleHash(hex: $0) })
            let made = try ConsistencyProof.make(oldSize: vector.oldSize, newSize: vector.newSize, nodes: log.nodes)
            #expect(made == expected)
            try expected.verify(
                oldRoot: try merkleHash(hex: TransparencyDevVectors.roots[Int(vector.oldSize)]),
                newRoot: try merkleHash(hex: TransparencyDevVectors.roots[Int(vector.newSize)]))
        }
    }
}
