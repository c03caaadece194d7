import Ledger
import LedgerTesting
import Testing

/// Verifiers take sizes, indices and hash lists from outside CUS, so any input must end in a result or a
/// `MerkleError`: a trap here would be a crash of `cus ledger verify-checkpoint` or of the HTTP API.
@Suite("Proof verifiers on arbitrary input")
struct ProofFuzzTests {
    static let seed: UInt64 = 0x5EED_6962
    static let edgeValues: [UInt64] = [
        0, 1, 2, 3, 255, 256, 257, 1 << 32, (1 << 63) - 1, 1 << 63, (1 << 63) + 1, .max - 2, .max - 1, .max,
    ]

    private static func size(_ generator: inout SeededGenerator) -> UInt64 {
        switch generator.next() % 3 {
        case 0: edgeValues[Int(generator.next() % UInt64(edgeValues.count))]
        case 1: generator.next() % 1_000
        default: generator.next() >> (generator.next() % 64)
        }
    }

    static let hashPool = generatedLeafHashes(count: 70)

    /// 0…69 hashes: past the 64 levels any tree can have, so overlong proofs are tried too.
    private static func hashes(_ generator: inout SeededGenerator) -> [MerkleHash] {
        Array(hashPool.prefix(Int(generator.next() % 70)))
    }

    @Test("Random and extreme sizes, indices and proof lengths never trap and never verify")
    func arbitraryInputIsRefused() {
        var generator = SeededGenerator(seed: Self.seed)
        let root = RFC6962.leafHash(of: Array("root".utf8))
        let leaf = RFC6962.leafHash(of: Array("leaf".utf8))
        for round in 0..<20_000 {
            let inclusion = InclusionProof(
                index: Self.size(&generator), treeSize: Self.size(&generator), hashes: Self.hashes(&generator))
            #expect(throws: MerkleError.self, "seed \(Self.seed), round \(round): \(inclusion)") {
                try inclusion.verify(leafHash: leaf, root: root)
            }
            let consistency = ConsistencyProof(
                oldSize: Self.size(&generator), newSize: Self.size(&generator), hashes: Self.hashes(&generator))
            #expect(throws: MerkleError.self, "seed \(Self.seed), round \(round): \(consistency)") {
                try consistency.verify(oldRoot: leaf, newRoot: root)
            }
        }
    }

    @Test("Every pair of extreme sizes is handled without a trap")
    func extremeSizePairs() {
        let root = RFC6962.emptyRoot
        for first in Self.edgeValues {
            for second in Self.edgeValues {
                for count in [0, 1, 63, 64, 65, 128] {
                    let hashes = Array(repeating: root, count: count)
                    let inclusion = InclusionProof(index: first, treeSize: second, hashes: hashes)
                    _ = try? inclusion.root(fromLeafHash: root)
                    let consistency = ConsistencyProof(oldSize: first, newSize: second, hashes: hashes)
                    _ = try? consistency.verify(oldRoot: root, newRoot: root)
                }
            }
        }
    }
}
