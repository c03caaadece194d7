/// Bit arithmetic shared by proof generation and verification. Every function is total on its stated domain,
/// so fuzzed sizes cannot make it trap.
enum ProofArithmetic {
    /// The largest power of two strictly below `count`: RFC 6962's split point k. Requires `count >= 2`.
    static func largestPowerOfTwo(below count: UInt64) -> UInt64 {
        precondition(count >= 2, "a range of fewer than two leaves has no split")
        return 1 << (63 - (count - 1).leadingZeroBitCount)
    }

    /// The number of hashes in an inclusion proof for leaf `index` (< `treeSize`): the levels where the path to
    /// the leaf and the path to the last leaf part (`inner`), plus the right-edge subtrees above them (`border`).
    static func inclusionProofLength(index: UInt64, treeSize: UInt64) -> Int {
        let inner = (index ^ (treeSize - 1)).bitLength
        let border = (index >> UInt64(inner)).nonzeroBitCount
        return inner + border
    }

    /// The number of hashes in a consistency proof for `0 < oldSize < newSize`: the inclusion proof of the old
    /// tree's last leaf, less the levels inside the old tree's lowest perfect subtree, plus that subtree's own
    /// hash unless it is the whole old tree.
    static func consistencyProofLength(oldSize: UInt64, newSize: UInt64) -> Int {
        let shift = oldSize.trailingZeroBitCount
        let inner = ((oldSize - 1) ^ (newSize - 1)).bitLength
        let border = ((oldSize - 1) >> UInt64(inner)).nonzeroBitCount
        let seed = oldSize == 1 << UInt64(shift) ? 0 : 1
        // oldSize - 1 and newSize - 1 differ above bit `shift` because newSize > oldSize, so inner > shift.
        return seed + (inner - shift) + border
    }
}

extension UInt64 {
    /// The number of bits needed to write the value: 0 for 0, 64 for values with the top bit set.
    fileprivate var bitLength: Int { bitWidth - leadingZeroBitCount }
}
