import Crypto

extension EventID {
    /// The id of event `index` of the command `commandID` (ledger.md G4): the command id's 48-bit time prefix,
    /// then bits of SHA-256("cusledger/event-id/v1" ‖ command id ‖ index u32 BE), with version 8 and the RFC 9562
    /// variant. Keeping the prefix keeps index inserts near the B-tree's right edge; deriving the rest makes a
    /// retried command map to the same ids.
    public static func derived(commandID: UUID128, index: UInt32) -> EventID {
        var hasher = SHA256()
        hasher.update(data: Array("cusledger/event-id/v1".utf8))
        hasher.update(data: commandID.bytes)
        withUnsafeBytes(of: index.bigEndian) { hasher.update(bufferPointer: $0) }
        let digest = Array(hasher.finalize())
        let hashed = digest.withUnsafeBytes { UUID128(bytes: $0) }
        let high = commandID.high & 0xFFFF_FFFF_FFFF_0000 | 0x8000 | (hashed.high & 0x0FFF)
        let low = hashed.low & ~(0b11 << 62) | (0b10 << 62)
        return EventID(UUID128(high: high, low: low))
    }
}
