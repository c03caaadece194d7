import Crypto

/// The hashes of an RFC 6962 §2.1 Merkle tree over SHA-256 (ledger.md G6, §3.2).
///
/// The 0x00 and 0x01 prefixes keep a leaf from ever being read as an inner node (second-preimage resistance).
/// SHA-256 comes from swift-crypto, whose BoringSSL uses the CPU's SHA extensions: a pure-Swift hash could not
/// keep `cus ledger verify` near the speed of a raw scan. A record is hashed where it lies, after its prefix,
/// and two children go through one 65-byte stack buffer, so hashing copies nothing to the heap (swift-crypto's
/// `SHA256` itself still allocates its context once per hash).
public enum RFC6962 {
    private static let leafPrefix: UInt8 = 0x00
    private static let nodePrefix: UInt8 = 0x01

    /// SHA-256(0x00 ‖ record), over the exact stored bytes of the record.
    public static func leafHash(of record: UnsafeRawBufferPointer) -> MerkleHash {
        var hasher = SHA256()
        withUnsafeBytes(of: leafPrefix) { hasher.update(bufferPointer: $0) }
        hasher.update(bufferPointer: record)
        return finalize(hasher)
    }

    public static func leafHash(of record: [UInt8]) -> MerkleHash {
        record.withUnsafeBytes { leafHash(of: $0) }
    }

    /// SHA-256(0x01 ‖ left ‖ right), from one 65-byte buffer on the stack.
    public static func nodeHash(_ left: MerkleHash, _ right: MerkleHash) -> MerkleHash {
        withUnsafeTemporaryAllocation(byteCount: nodeInputByteCount, alignment: 8) { input in
            input.storeBytes(of: nodePrefix, toByteOffset: 0, as: UInt8.self)
            left.store(into: input, at: 1)
            right.store(into: input, at: 1 + MerkleHash.byteCount)
            var hasher = SHA256()
            hasher.update(bufferPointer: UnsafeRawBufferPointer(input))
            return finalize(hasher)
        }
    }

    private static let nodeInputByteCount = 1 + 2 * MerkleHash.byteCount

    /// The root of the tree with no leaves: SHA-256 of the empty string.
    public static let emptyRoot: MerkleHash = finalize(SHA256())

    private static func finalize(_ hasher: SHA256) -> MerkleHash {
        hasher.finalize().withUnsafeBytes { MerkleHash(unchecked: $0) }
    }
}
