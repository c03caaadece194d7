import Ledger

/// RFC 6962 §2.1 written out literally (MTH, PATH, PROOF and SUBPROOF over an array of leaf hashes), as the
/// oracle for the frontier, the tiles and the proof code. Subtree hashes are memoised so that comparing
/// thousands of proofs stays fast; the recursion itself is the RFC's.
final class ReferenceMerkleTree {
    let leaves: [MerkleHash]
    private var memo: [Range<Int>: MerkleHash] = [:]

    init(leaves: [MerkleHash]) {
        self.leaves = leaves
    }

    /// The largest power of two smaller than `count` (the RFC's k), found by doubling rather than by bit tricks.
    static func split(_ count: Int) -> Int {
        var power = 1
        while power * 2 < count { power *= 2 }
        return power
    }

    /// MTH(D[range]).
    func hash(_ range: Range<Int>) -> MerkleHash {
        if range.isEmpty { return RFC6962.emptyRoot }
        if range.count == 1 { return leaves[range.lowerBound] }
        if let known = memo[range] { return known }
        let middle = range.lowerBound + Self.split(range.count)
        let hash = RFC6962.nodeHash(hash(range.lowerBound..<middle), hash(middle..<range.upperBound))
        memo[range] = hash
        return hash
    }

    func root(size: Int) -> MerkleHash { hash(0..<size) }

    /// PATH(m, D[range]), with the leaf index `index` (the RFC's m) relative to the range.
    func path(_ index: Int, _ range: Range<Int>) -> [MerkleHash] {
        if range.count <= 1 { return [] }
        let split = Self.split(range.count)
        let middle = range.lowerBound + split
        if index < split {
            return path(index, range.lowerBound..<middle) + [hash(middle..<range.upperBound)]
        }
        return path(index - split, middle..<range.upperBound) + [hash(range.lowerBound..<middle)]
    }

    func inclusionProof(index: Int, size: Int) -> [MerkleHash] { path(index, 0..<size) }

    /// PROOF(m, D[n]) = SUBPROOF(m, D[n], true).
    func consistencyProof(oldSize: Int, newSize: Int) -> [MerkleHash] {
        subproof(oldSize, 0..<newSize, true)
    }

    /// SUBPROOF(m, D[range], b), with the old size `oldSize` (the RFC's m) relative to the range.
    private func subproof(_ oldSize: Int, _ range: Range<Int>, _ isWholeOldTree: Bool) -> [MerkleHash] {
        if oldSize == range.count { return isWholeOldTree ? [] : [hash(range)] }
        let split = Self.split(range.count)
        let middle = range.lowerBound + split
        if oldSize <= split {
            return subproof(oldSize, range.lowerBound..<middle, isWholeOldTree) + [hash(middle..<range.upperBound)]
        }
        return subproof(oldSize - split, middle..<range.upperBound, false) + [hash(range.lowerBound..<middle)]
    }
}
