import Ledger
import Testing

/// Mutated proofs, sizes, indices and roots must be refused with a `MerkleError`, never accepted and never a
/// trap (ledger.md G6). The probes follow transparency-dev's `corruptInclusionProof` and
/// `corruptConsistencyProof`, applied to every proof of small trees.
@Suite("Proof mutations are rejected")
struct ProofMutationTests {
    static let someHash = MerkleHash(hex: "abacaba000000000000000000000000000000000000000000060061e00123456")
    static let leafCount = 40

    /// Every mutation of an inclusion proof that transparency-dev checks, with a name for failure messages.
    static func inclusionMutations(
        of proof: InclusionProof, leafHash: MerkleHash, root: MerkleHash
    ) throws -> [(name: String, proof: InclusionProof, leafHash: MerkleHash, root: MerkleHash)] {
        let other = try #require(someHash)
        var probes: [(String, InclusionProof, MerkleHash, MerkleHash)] = []
        func changed(_ name: String, _ change: (inout InclusionProof) -> Void) {
            var mutated = proof
            change(&mutated)
            probes.append((name, mutated, leafHash, root))
        }
        if proof.index > 0 { changed("index - 1") { $0.index -= 1 } }
        changed("index + 1") { $0.index += 1 }
        changed("index ^ 2") { $0.index ^= 2 }
        changed("size * 2") { $0.treeSize *= 2 }
        changed("size / 2") { $0.treeSize /= 2 }
        changed("size 0") { $0.treeSize = 0 }
        changed("index = size") { $0.index = $0.treeSize }
        probes.append(("wrong leaf", proof, other, root))
        probes.append(("empty root", proof, leafHash, RFC6962.emptyRoot))
        probes.append(("other root", proof, leafHash, other))
        if root != leafHash { probes.append(("root as leaf", proof, root, root)) }
        changed("trailing root") { $0.hashes.append(root) }
        changed("preceding root") { $0.hashes.insert(root, at: 0) }
        for position in proof.hashes.indices {
            changed("proof[\(position)] flipped") { $0.hashes[position] = flipped($0.hashes[position], byte: position) }
        }
        if !proof.hashes.isEmpty {
            changed("removed last") { $0.hashes.removeLast() }
            changed("removed first") { $0.hashes.removeFirst() }
        }
        if proof.hashes.count > 1 {
            changed("inserted component") { $0.hashes.insert(other, at: 1) }
            changed("swapped first two") { $0.hashes.swapAt(0, 1) }
        }
        return probes
    }

    /// The hash with bit 3 of byte `byte % 32` flipped.
    static func flipped(_ hash: MerkleHash, byte: Int) -> MerkleHash {
        var bytes = hash.bytes
        bytes[byte % MerkleHash.byteCount] ^= 0x08
        return MerkleHash(bytes: bytes) ?? hash
    }

    @Test("Every mutation of every inclusion proof in trees of 1…40 leaves is rejected")
    func inclusionMutationsRejected() throws {
        let leaves = generatedLeafHashes(count: Self.leafCount)
        let reference = ReferenceMerkleTree(leaves: leaves)
        for size in 1...Self.leafCount {
            for index in 0..<size {
                let proof = InclusionProof(
                    index: UInt64(index), treeSize: UInt64(size),
                    hashes: reference.inclusionProof(index: index, size: size))
                let root = reference.root(size: size)
                try proof.verify(leafHash: leaves[index], root: root)
                for probe in try Self.inclusionMutations(of: proof, leafHash: leaves[index], root: root) {
                    #expect(throws: MerkleError.self, "\(probe.name), leaf \(index) of \(size)") {
                        try probe.proof.verify(leafHash: probe.leafHash, root: probe.root)
                    }
                }
            }
        }
    }

    @Test("Inclusion failures name their cause")
    func inclusionErrorCases() throws {
        let leaves = generatedLeafHashes(count: 8)
        let reference = ReferenceMerkleTree(leaves: leaves)
        let proof = InclusionProof(index: 5, treeSize: 8, hashes: reference.inclusionProof(index: 5, size: 8))
        let root = reference.root(size: 8)
        var mutated = proof
        mutated.hashes[1] = Self.flipped(mutated.hashes[1], byte: 0)
        #expect(throws: MerkleError.rootMismatch) { try mutated.verify(leafHash: leaves[5], root: root) }
        mutated = proof
        mutated.hashes.removeLast()
        #expect(throws: MerkleError.proofLengthMismatch) { try mutated.verify(leafHash: leaves[5], root: root) }
        mutated = proof
        mutated.hashes.append(root)
        #expect(throws: MerkleError.proofLengthMismatch) { try mutated.verify(leafHash: leaves[5], root: root) }
        mutated = proof
        mutated.index = 8
        #expect(throws: MerkleError.indexOutOfRange) { try mutated.verify(leafHash: leaves[5], root: root) }
        mutated.treeSize = 0
        mutated.index = 0
        #expect(throws: MerkleError.indexOutOfRange) { try mutated.verify(leafHash: leaves[5], root: root) }
        #expect(throws: MerkleError.rootMismatch) { try proof.verify(leafHash: leaves[4], root: root) }
        #expect(throws: MerkleError.rootMismatch) { try proof.verify(leafHash: leaves[5], root: RFC6962.emptyRoot) }
    }

    /// Every mutation of a non-empty consistency proof that transparency-dev checks.
    static func consistencyMutations(
        of proof: ConsistencyProof, oldRoot: MerkleHash, newRoot: MerkleHash
    ) throws -> [(name: String, proof: ConsistencyProof, oldRoot: MerkleHash, newRoot: MerkleHash)] {
        let other = try #require(someHash)
        var probes: [(String, ConsistencyProof, MerkleHash, MerkleHash)] = []
        func changed(_ name: String, _ change: (inout ConsistencyProof) -> Void) {
            var mutated = proof
            change(&mutated)
            probes.append((name, mutated, oldRoot, newRoot))
        }
        changed("old size - 1") { $0.oldSize -= 1 }
        changed("old size + 1") { $0.oldSize += 1 }
        changed("old size ^ 2") { $0.oldSize ^= 2 }
        changed("new size * 2") { $0.newSize *= 2 }
        changed("new size / 2") { $0.newSize /= 2 }
        changed("new size 0") { $0.newSize = 0 }
        changed("old size = new size") { $0.oldSize = $0.newSize }
        probes.append(("wrong old root", proof, other, newRoot))
        probes.append(("wrong new root", proof, oldRoot, other))
        probes.append(("swapped roots", proof, newRoot, oldRoot))
        changed("empty proof") { $0.hashes = [] }
        changed("trailing old root") { $0.hashes.append(oldRoot) }
        changed("trailing new root") { $0.hashes.append(newRoot) }
        changed("preceding old root") { $0.hashes.insert(oldRoot, at: 0) }
        changed("preceding new root") { $0.hashes.insert(newRoot, at: 0) }
        changed("preceding proof[0]") { $0.hashes.insert($0.hashes[0], at: 0) }
        changed("truncated") { $0.hashes.removeLast() }
        changed("first removed") { $0.hashes.removeFirst() }
        for position in proof.hashes.indices {
            changed("proof[\(position)] flipped") { $0.hashes[position] = flipped($0.hashes[position], byte: position) }
        }
        return probes
    }

    @Test("Every mutation of every consistency proof in trees of 1…40 leaves is rejected")
    func consistencyMutationsRejected() throws {
        let leaves = generatedLeafHashes(count: Self.leafCount)
        let reference = ReferenceMerkleTree(leaves: leaves)
        for newSize in 2...Self.leafCount {
            for oldSize in 1..<newSize {
                let proof = ConsistencyProof(
                    oldSize: UInt64(oldSize), newSize: UInt64(newSize),
                    hashes: reference.consistencyProof(oldSize: oldSize, newSize: newSize))
                let (oldRoot, newRoot) = (reference.root(size: oldSize), reference.root(size: newSize))
                try proof.verify(oldRoot: oldRoot, newRoot: newRoot)
                for probe in try Self.consistencyMutations(of: proof, oldRoot: oldRoot, newRoot: newRoot) {
                    #expect(throws: MerkleError.self, "\(probe.name), \(oldSize) → \(newSize)") {
                        try probe.proof.verify(oldRoot: probe.oldRoot, newRoot: probe.newRoot)
                    }
                }
            }
        }
    }

    @Test("Consistency edge cases follow RFC 9162, except that the empty tree is refused")
    func consistencyEdgeCases() throws {
        let root = RFC6962.leafHash(of: [1])
        let other = RFC6962.leafHash(of: [2])
        #expect(throws: Never.self) {
            try ConsistencyProof(oldSize: 1, newSize: 1, hashes: []).verify(oldRoot: root, newRoot: root)
        }
        #expect(throws: MerkleError.rootMismatch) {
            try ConsistencyProof(oldSize: 1, newSize: 1, hashes: []).verify(oldRoot: root, newRoot: other)
        }
        #expect(throws: MerkleError.proofLengthMismatch) {
            try ConsistencyProof(oldSize: 1, newSize: 1, hashes: [root]).verify(oldRoot: root, newRoot: root)
        }
        #expect(throws: MerkleError.proofLengthMismatch) {
            try ConsistencyProof(oldSize: 1, newSize: 2, hashes: []).verify(oldRoot: root, newRoot: other)
        }
        for (oldSize, newSize) in [(0, 0), (0, 1), (1, 0), (2, 1), (UInt64.max, 1)] as [(UInt64, UInt64)] {
            #expect(throws: MerkleError.invalidSizes) {
                try ConsistencyProof(oldSize: oldSize, newSize: newSize, hashes: []).verify(
                    oldRoot: root, newRoot: root)
            }
        }
    }

    @Test("The published transparency-dev proofs survive none of their mutations")
    func publishedProofMutations() throws {
        let leaves = try TransparencyDevVectors.leafHashes()
        let roots = try TransparencyDevVectors.roots.map { try merkleHash(hex: $0) }
        for vector in TransparencyDevVectors.inclusionProofs {
            let proof = InclusionProof(
                index: vector.index, treeSize: vector.size, hashes: try vector.proof.map { try merkleHash(hex: $0) })
            let leafHash = leaves[Int(vector.index)]
            for probe in try Self.inclusionMutations(of: proof, leafHash: leafHash, root: roots[Int(vector.size)]) {
                #expect(throws: MerkleError.self, "\(probe.name)") {
                    try probe.proof.verify(leafHash: probe.leafHash, root: probe.root)
                }
            }
        }
        for vector in TransparencyDevVectors.consistencyProofs where !vector.proof.isEmpty {
            let proof = ConsistencyProof(
                oldSize: vector.oldSize, newSize: vector.newSize,
                hashes: try vector.proof.map { try merkleHash(hex: $0) })
            let (oldRoot, newRoot) = (roots[Int(vector.oldSize)], roots[Int(vector.newSize)])
            for probe in try Self.consistencyMutations(of: proof, oldRoot: oldRoot, newRoot: newRoot) {
                #expect(throws: MerkleError.self, "\(probe.name)") {
                    try probe.proof.verify(oldRoot: probe.oldRoot, newRoot: probe.newRoot)
                }
            }
        }
    }
}
