/// Evidence that the tree of `newSize` leaves extends the tree of `oldSize` leaves unchanged (RFC 6962 §2.1.2
/// PROOF), so a witness or auditor holding an old checkpoint accepts a new one only if no event was changed,
/// removed, reordered or inserted before `oldSize` (ledger.md G6, §3.3).
///
/// Sizes must satisfy `0 < oldSize <= newSize`. The empty tree is refused even though it is consistent with
/// every tree: an auditor's trusted checkpoint is never empty, and a proof from it proves nothing.
/// Equal sizes take an empty proof and equal roots.
public struct ConsistencyProof: Hashable, Sendable {
    public var oldSize: UInt64
    public var newSize: UInt64
    /// RFC 6962 SUBPROOF order: the lowest subtree first.
    public var hashes: [MerkleHash]

    public init(oldSize: UInt64, newSize: UInt64, hashes: [MerkleHash]) {
        self.oldSize = oldSize
        self.newSize = newSize
        self.hashes = hashes
    }

    /// The proof between the first `oldSize` and the first `newSize` leaves, read from tiles.
    ///
    /// Throws `MerkleError.invalidSizes` unless `0 < oldSize <= newSize <= nodes.treeSize`, and whatever the
    /// tile source throws.
    public static func make<Source>(
        oldSize: UInt64, newSize: UInt64, nodes: MerkleNodeReader<Source>
    ) throws -> ConsistencyProof {
        guard oldSize > 0, oldSize <= newSize, newSize <= nodes.treeSize else { throw MerkleError.invalidSizes }
        var hashesTopDown: [MerkleHash] = []
        // SUBPROOF(oldSize - start, leaves start ..< end, oldTreeIsWholeSubtree), unrolled from the top.
        var start: UInt64 = 0
        var end = newSize
        var oldTreeIsWholeSubtree = true
        while oldSize < end {
            let split = ProofArithmetic.largestPowerOfTwo(below: end - start)
            if oldSize - start <= split {
                hashesTopDown.append(try nodes.rangeHash(from: start + split, to: end))
                end = start + split
            } else {
                hashesTopDown.append(try nodes.rangeHash(from: start, to: start + split))
                start += split
                oldTreeIsWholeSubtree = false
            }
        }
        // Now leaves start ..< end are a subtree of both trees; the verifier knows its hash only when it is the
        // whole old tree.
        if !oldTreeIsWholeSubtree {
            hashesTopDown.append(try nodes.rangeHash(from: start, to: end))
        }
        return ConsistencyProof(oldSize: oldSize, newSize: newSize, hashes: hashesTopDown.reversed())
    }

    /// Checks that `oldRoot` and `newRoot` are the roots of trees of `oldSize` and `newSize` leaves, the first a
    /// prefix of the second (RFC 9162 §2.1.4.2).
    ///
    /// Throws `.invalidSizes` unless `0 < oldSize <= newSize`, `.proofLengthMismatch` when the proof has more or
    /// fewer hashes than the sizes call for, and `.rootMismatch` when either root differs.
    public func verify(oldRoot: MerkleHash, newRoot: MerkleHash) throws(MerkleError) {
        guard oldSize > 0, oldSize <= newSize else { throw .invalidSizes }
        if oldSize == newSize {
            guard hashes.isEmpty else { throw .proofLengthMismatch }
            guard oldRoot == newRoot else { throw .rootMismatch }
            return
        }
        guard hashes.count == ProofArithmetic.consistencyProofLength(oldSize: oldSize, newSize: newSize) else {
            throw .proofLengthMismatch
        }
        var path = hashes[...]
        // When the old tree is one perfect subtree, its root is the seed and the proof omits it.
        let seed: MerkleHash
        if oldSize & (oldSize - 1) == 0 {
            seed = oldRoot
        } else if let first = path.popFirst() {
            seed = first
        } else {
            throw .proofLengthMismatch
        }
        var oldIndex = oldSize - 1
        var lastIndex = newSize - 1
        while oldIndex & 1 == 1 {
            oldIndex >>= 1
            lastIndex >>= 1
        }
        var oldHash = seed
        var newHash = seed
        for sibling in path {
            guard lastIndex != 0 else { throw .proofLengthMismatch }
            if oldIndex & 1 == 1 || oldIndex == lastIndex {
                oldHash = RFC6962.nodeHash(sibling, oldHash)
                newHash = RFC6962.nodeHash(sibling, newHash)
                while oldIndex & 1 == 0 && oldIndex != 0 {
                    oldIndex >>= 1
                    lastIndex >>= 1
                }
            } else {
                newHash = RFC6962.nodeHash(newHash, sibling)
            }
            oldIndex >>= 1
            lastIndex >>= 1
        }
        guard lastIndex == 0 else { throw .proofLengthMismatch }
        guard oldHash == oldRoot, newHash == newRoot else { throw .rootMismatch }
    }
}
