/// Evidence that one leaf sits at `index` in the tree of `treeSize` leaves with a given root: the sibling
/// hashes from the leaf up (RFC 6962 §2.1.1 PATH), so an auditor checks one event against a signed checkpoint
/// without reading the ledger (ledger.md G6).
public struct InclusionProof: Hashable, Sendable {
    public var index: UInt64
    public var treeSize: UInt64
    /// Sibling hashes, lowest level first.
    public var hashes: [MerkleHash]

    public init(index: UInt64, treeSize: UInt64, hashes: [MerkleHash]) {
        self.index = index
        self.treeSize = treeSize
        self.hashes = hashes
    }

    /// The proof for leaf `index` in the tree of the first `treeSize` leaves, read from tiles.
    ///
    /// Throws `MerkleError.indexOutOfRange` when `index >= treeSize`, `.invalidSizes` when `treeSize` exceeds
    /// the size the tiles cover, and whatever the tile source throws.
    public static func make<Source>(
        index: UInt64, treeSize: UInt64, nodes: MerkleNodeReader<Source>
    ) throws -> InclusionProof {
        guard treeSize <= nodes.treeSize else { throw MerkleError.invalidSizes }
        guard index < treeSize else { throw MerkleError.indexOutOfRange }
        // Walk RFC 6962's recursion from the root down; each step adds the subtree the leaf is not in.
        var siblingsTopDown: [MerkleHash] = []
        var start: UInt64 = 0
        var end = treeSize
        while end - start > 1 {
            let split = ProofArithmetic.largestPowerOfTwo(below: end - start)
            if index - start < split {
                siblingsTopDown.append(try nodes.rangeHash(from: start + split, to: end))
                end = start + split
            } else {
                siblingsTopDown.append(try nodes.rangeHash(from: start, to: start + split))
                start += split
            }
        }
        return InclusionProof(index: index, treeSize: treeSize, hashes: siblingsTopDown.reversed())
    }

    /// The root this proof leads to from `leafHash` (RFC 9162 §2.1.3.2, without the final comparison).
    ///
    /// Throws `.indexOutOfRange` when `index >= treeSize` and `.proofLengthMismatch` when the proof has more or
    /// fewer hashes than `index` and `treeSize` call for. The loop runs at most once per hash and per bit.
    public func root(fromLeafHash leafHash: MerkleHash) throws(MerkleError) -> MerkleHash {
        guard index < treeSize else { throw .indexOutOfRange }
        guard hashes.count == ProofArithmetic.inclusionProofLength(index: index, treeSize: treeSize) else {
            throw .proofLengthMismatch
        }
        var nodeIndex = index
        var lastIndex = treeSize - 1
        var hash = leafHash
        for sibling in hashes {
            guard lastIndex != 0 else { throw .proofLengthMismatch }
            if nodeIndex & 1 == 1 || nodeIndex == lastIndex {
                hash = RFC6962.nodeHash(sibling, hash)
                // A right-edge node with no right sibling moves up unchanged.
                while nodeIndex & 1 == 0 && nodeIndex != 0 {
                    nodeIndex >>= 1
                    lastIndex >>= 1
                }
            } else {
                hash = RFC6962.nodeHash(hash, sibling)
            }
            nodeIndex >>= 1
            lastIndex >>= 1
        }
        guard lastIndex == 0 else { throw .proofLengthMismatch }
        return hash
    }

    /// Checks that the leaf with `leafHash` is at `index` in the tree with `root`; `.rootMismatch` if not.
    public func verify(leafHash: MerkleHash, root: MerkleHash) throws(MerkleError) {
        guard try self.root(fromLeafHash: leafHash) == root else { throw .rootMismatch }
    }
}
