/// A 128-bit identifier (RFC 9562 layout), kept as two big-endian halves so comparison is byte order and no
/// Foundation type sits on the hot path.
public struct UUID128: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    public static let zero = UUID128(high: 0, low: 0)
    public var isZero: Bool { high == 0 && low == 0 }

    /// Reads 16 bytes, big-endian.
    public init(bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count >= 16, "a UUID needs 16 bytes")
        high = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        low = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
    }

    public init?(bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        self = bytes.withUnsafeBytes { UUID128(bytes: $0) }
    }

    public var bytes: [UInt8] {
        var result = [UInt8](repeating: 0, count: 16)
        result.withUnsafeMutableBytes { write(to: $0, at: 0) }
        return result
    }

    public func write(to buffer: UnsafeMutableRawBufferPointer, at offset: Int) {
        buffer.storeBytes(of: high.bigEndian, toByteOffset: offset, as: UInt64.self)
        buffer.storeBytes(of: low.bigEndian, toByteOffset: offset + 8, as: UInt64.self)
    }

    /// A random version-4 identifier.
    public static func random(using generator: inout some RandomNumberGenerator) -> UUID128 {
        version4(randomHigh: generator.next(), randomLow: generator.next())
    }

    /// A random version-4 identifier from one read of the system's CSPRNG.
    public static func random() -> UUID128 {
        var words: (high: UInt64, low: UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &words) { SecureRandom.fill($0) }
        return version4(randomHigh: words.high, randomLow: words.low)
    }

    /// Random bits with the version (4) and variant (0b10) set.
    private static func version4(randomHigh: UInt64, randomLow: UInt64) -> UUID128 {
        let high = randomHigh & ~0xF000 | 0x4000
        let low = randomLow & ~(0b11 << 62) | (0b10 << 62)
        return UUID128(high: high, low: low)
    }

    /// A version-7 identifier: 48-bit Unix milliseconds, then random bits (RFC 9562 §5.7).
    public static func version7(unixMilliseconds: UInt64, using generator: inout some RandomNumberGenerator)
        -> UUID128
    {
        version7(unixMilliseconds: unixMilliseconds, randomBits: UUID128.random(using: &generator))
    }

    /// A version-7 identifier whose random bits come from one read of the system's CSPRNG. Ids made later sort
    /// later (to the millisecond), so a B-tree keyed by them grows at its right edge instead of touching a
    /// random leaf per insert.
    public static func version7(unixMilliseconds: UInt64) -> UUID128 {
        version7(unixMilliseconds: unixMilliseconds, randomBits: UUID128.random())
    }

    private static func version7(unixMilliseconds: UInt64, randomBits random: UUID128) -> UUID128 {
        let high = (unixMilliseconds & 0xFFFF_FFFF_FFFF) << 16 | 0x7000 | (random.high & 0x0FFF)
        return UUID128(high: high, low: random.low)
    }

    /// The 48-bit time prefix (Unix milliseconds for a version-7 id).
    public var timePrefix: UInt64 { high >> 16 }

    public static func < (a: UUID128, b: UUID128) -> Bool { (a.high, a.low) < (b.high, b.low) }

    /// Canonical lowercase text, `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
    /// Written digit by digit into the string's own storage: stream names and ids are formatted on the replay
    /// and HTTP paths, where the earlier hex-then-join form cost six allocations per id.
    public var description: String {
        String(unsafeUninitializedCapacity: Self.textLength) { text in
            writeText(into: text, at: 0)
            return Self.textLength
        }
    }

    /// The length of the canonical text.
    public static let textLength = 36

    /// Writes the canonical text into `buffer[offset..<offset + 36]`.
    public func writeText(into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        var index = offset
        for nibble in 0..<32 {
            if nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20 {
                buffer[index] = UInt8(ascii: "-")
                index += 1
            }
            let word = nibble < 16 ? high : low
            buffer[index] = Hex.digit(UInt8(truncatingIfNeeded: word >> (60 - 4 * (nibble % 16))) & 0x0F)
            index += 1
        }
    }

    /// Parses canonical text (either case); `nil` for anything else. Reads the text's own bytes where it can: the
    /// `Idempotency-Key` of every command comes through here, and copying it into three arrays showed in profiles.
    public init?(_ text: some StringProtocol) {
        let inPlace: UUID128?? = text.utf8.withContiguousStorageIfAvailable { Self.parseCanonical($0) }
        guard let parsed = inPlace ?? Array(text.utf8).withUnsafeBufferPointer({ Self.parseCanonical($0) }) else {
            return nil
        }
        self = parsed
    }

    private static func parseCanonical(_ utf8: UnsafeBufferPointer<UInt8>) -> UUID128? {
        guard utf8.count == textLength else { return nil }
        var (high, low): (UInt64, UInt64) = (0, 0)
        var index = 0
        for nibble in 0..<32 {
            if nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20 {
                guard utf8[index] == UInt8(ascii: "-") else { return nil }
                index += 1
            }
            guard let value = Hex.nibble(utf8[index], acceptsUppercase: true) else { return nil }
            if nibble < 16 { high = high << 4 | UInt64(value) } else { low = low << 4 | UInt64(value) }
            index += 1
        }
        return UUID128(high: high, low: low)
    }
}

/// The caller-chosen identity of an event: its idempotency key, remembered forever (ledger.md G4).
public struct EventID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UUID128
    public init(_ rawValue: UUID128) { self.rawValue = rawValue }
    public static func < (a: EventID, b: EventID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { rawValue.description }
}
