/// A SHA-256 value in the Merkle tree: a leaf hash, an inner node or a root.
///
/// The 32 bytes live inline in four words, so hashes in arrays, frontiers and proofs never allocate one
/// by one; `cus ledger verify` creates two per event on its hot path (ledger.md §5.2 P4).
public struct MerkleHash: Hashable, Sendable {
    public static let byteCount = 32

    /// The bytes in their hashed order: each word is a copy of 8 bytes, never a number.
    private var words: (UInt64, UInt64, UInt64, UInt64)

    /// Copies the first 32 bytes of `raw`, which the caller has checked holds at least that many.
    init(unchecked raw: UnsafeRawBufferPointer) {
        words = (
            raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
            raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
            raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self),
            raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
        )
    }

    /// Writes the 32 bytes at `offset` in `target`, which the caller has checked has room for them.
    func store(into target: UnsafeMutableRawBufferPointer, at offset: Int) {
        target.storeBytes(of: words.0, toByteOffset: offset, as: UInt64.self)
        target.storeBytes(of: words.1, toByteOffset: offset + 8, as: UInt64.self)
        target.storeBytes(of: words.2, toByteOffset: offset + 16, as: UInt64.self)
        target.storeBytes(of: words.3, toByteOffset: offset + 24, as: UInt64.self)
    }

    /// Returns `nil` unless `bytes` holds exactly 32 bytes.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == Self.byteCount else { return nil }
        if let hash = bytes.withContiguousStorageIfAvailable({ MerkleHash(unchecked: UnsafeRawBufferPointer($0)) }) {
            self = hash
        } else {
            self = Array(bytes).withUnsafeBytes { MerkleHash(unchecked: $0) }
        }
    }

    /// Calls `body` with the 32 bytes, without copying them to the heap.
    public func withUnsafeBytes<Result, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try Swift.withUnsafeBytes(of: words) { raw throws(Failure) in try body(raw) }
    }

    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    public static func == (left: MerkleHash, right: MerkleHash) -> Bool {
        left.words.0 == right.words.0 && left.words.1 == right.words.1
            && left.words.2 == right.words.2 && left.words.3 == right.words.3
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }
}

extension MerkleHash: CustomStringConvertible {
    public var description: String { hex }
}
