/// The right edge of the tree: the roots of the perfect subtrees that cover leaves `0 ..< size`, one per set
/// bit of `size` (a compact range from 0, at most 64 hashes).
///
/// It is all the writer needs to append a leaf and to know the root, so it is stored as `meta.frontier` and
/// updated in every write transaction (ledger.md §2.2), and `cus ledger verify` rebuilds the tree with it alone.
/// An append hashes one parent per trailing 1 bit of the old size: about one node hash per leaf on average.
public struct MerkleFrontier: Hashable, Sendable {
    public private(set) var size: UInt64

    /// The subtree roots from the highest level (the leftmost, largest subtree) down to the lowest.
    public private(set) var subtreeRoots: [MerkleHash]

    /// The empty tree.
    public init() {
        size = 0
        subtreeRoots = []
        subtreeRoots.reserveCapacity(64)
    }

    /// Adds `leaf` as leaf number `size`, and reports to `onNode` every node this completes, bottom up:
    /// the leaf itself at level 0, then each parent made. These are exactly the new entries of the tiles.
    public mutating func append(_ leaf: MerkleHash, onNode: (NodeID, MerkleHash) -> Void) {
        precondition(size < UInt64.max, "a Merkle tree holds at most 2^64 - 1 leaves")
        var node = NodeID(level: 0, index: size)
        var hash = leaf
        onNode(node, hash)
        while node.index & 1 == 1 {
            // One root per set bit of `size`: each trailing 1 bit has its root on the stack.
            guard let left = subtreeRoots.popLast() else {
                preconditionFailure("frontier holds fewer roots than its size has set bits")
            }
            hash = RFC6962.nodeHash(left, hash)
            node = NodeID(level: node.level + 1, index: node.index >> 1)
            onNode(node, hash)
        }
        subtreeRoots.append(hash)
        size += 1
    }

    /// Adds `leaf` when the caller keeps no tiles.
    public mutating func append(_ leaf: MerkleHash) {
        append(leaf) { _, _ in }
    }

    /// The RFC 6962 root of leaves `0 ..< size`: the subtree roots folded from the right.
    public func root() -> MerkleHash {
        guard var root = subtreeRoots.last else { return RFC6962.emptyRoot }
        for left in subtreeRoots.dropLast().reversed() {
            root = RFC6962.nodeHash(left, root)
        }
        return root
    }
}

extension MerkleFrontier {
    private static let sizeByteCount = 8

    /// The stored form of `meta.frontier`:
    ///
    /// ```
    /// size        u64, big-endian: the number of leaves covered
    /// roots       popcount(size) × 32 bytes: the subtree roots, highest level first
    /// ```
    ///
    /// Total length is `8 + 32 · popcount(size)`, between 8 (empty tree) and 2,056 bytes. The root of the
    /// subtree at level `k` comes from bit `k` of `size`, so the list needs no levels or indices.
    public func serialized() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.sizeByteCount + MerkleHash.byteCount * subtreeRoots.count)
        withUnsafeBytes(of: size.bigEndian) { bytes.append(contentsOf: $0) }
        for root in subtreeRoots {
            root.withUnsafeBytes { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    /// Parses `serialized()` output; any other length than the size implies is `.malformedFrontier`.
    public init(serialized: some Collection<UInt8>) throws(MerkleError) {
        let bytes = Array(serialized)
        guard bytes.count >= Self.sizeByteCount else { throw .malformedFrontier }
        let size = bytes.prefix(Self.sizeByteCount).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let rootCount = size.nonzeroBitCount
        guard bytes.count == Self.sizeByteCount + MerkleHash.byteCount * rootCount else {
            throw .malformedFrontier
        }
        var roots: [MerkleHash] = []
        roots.reserveCapacity(64)
        bytes.withUnsafeBytes { raw in
            var offset = Self.sizeByteCount
            while offset < raw.count {
                let slice = UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + MerkleHash.byteCount)])
                roots.append(MerkleHash(unchecked: slice))
                offset += MerkleHash.byteCount
            }
        }
        self.size = size
        self.subtreeRoots = roots
    }
}
