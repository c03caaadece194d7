import CCryptoBoringSSL
import Crypto

/// The hashes of an RFC 6962 §2.1 Merkle tree over SHA-256 (ledger.md G6, §3.2).
///
/// The 0x00 and 0x01 prefixes keep a leaf from ever being read as an inner node (second-preimage resistance).
/// SHA-256 comes from swift-crypto's BoringSSL, which uses the CPU's SHA extensions: a pure-Swift hash could not
/// keep `cus ledger verify` near the speed of a raw scan. Leaves and nodes call BoringSSL's one-shot context
/// (`SHA256_Init/Update/Final`) on a stack `SHA256_CTX`: swift-crypto's `SHA256` struct allocates a context
/// per hash, which cost ~170 ns of the ~235 ns of a node hash (docs/adr/0004-sha256-through-boringssl.md).
/// A record is hashed where it lies, after its prefix, and two children go through one 65-byte stack buffer.
public enum RFC6962 {
    private static let leafPrefix: UInt8 = 0x00
    private static let nodePrefix: UInt8 = 0x01

    /// SHA-256(0x00 ‖ record), over the exact stored bytes of the record.
    public static func leafHash(of record: UnsafeRawBufferPointer) -> MerkleHash {
        var context = SHA256_CTX()
        CCryptoBoringSSL_SHA256_Init(&context)
        withUnsafeBytes(of: leafPrefix) { _ = CCryptoBoringSSL_SHA256_Update(&context, $0.baseAddress, 1) }
        CCryptoBoringSSL_SHA256_Update(&context, record.baseAddress, record.count)
        return finish(&context)
    }

    private static func finish(_ context: inout SHA256_CTX) -> MerkleHash {
        withUnsafeTemporaryAllocation(byteCount: MerkleHash.byteCount, alignment: 8) { digest in
            CCryptoBoringSSL_SHA256_Final(digest.baseAddress?.assumingMemoryBound(to: UInt8.self), &context)
            return MerkleHash(unchecked: UnsafeRawBufferPointer(digest))
        }
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
            var context = SHA256_CTX()
            CCryptoBoringSSL_SHA256_Init(&context)
            CCryptoBoringSSL_SHA256_Update(&context, input.baseAddress, input.count)
            return finish(&context)
        }
    }

    private static let nodeInputByteCount = 1 + 2 * MerkleHash.byteCount

    /// The root of the tree with no leaves: SHA-256 of the empty string.
    public static let emptyRoot: MerkleHash = finalize(SHA256())

    private static func finalize(_ hasher: SHA256) -> MerkleHash {
        hasher.finalize().withUnsafeBytes { MerkleHash(unchecked: $0) }
    }
}
