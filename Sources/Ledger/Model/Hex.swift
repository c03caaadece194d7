/// Hex text for ids and hashes: written lowercase, read strictly (`acceptsUppercase` only where a format
/// allows both cases, as RFC 9562 does for UUIDs).
public enum Hex {
    public static func encode(_ sequence: some Sequence<UInt8>) -> String {
        let bytes = Array(sequence)
        return String(unsafeUninitializedCapacity: 2 * bytes.count) { text in
            for (index, byte) in bytes.enumerated() {
                text[2 * index] = digit(byte >> 4)
                text[2 * index + 1] = digit(byte & 0x0F)
            }
            return 2 * bytes.count
        }
    }

    /// The lowercase digit of a nibble (0…15).
    @inline(__always)
    static func digit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? nibble + UInt8(ascii: "0") : nibble - 10 + UInt8(ascii: "a")
    }

    /// The bytes of an even-length run of hex digits; nil for anything else.
    public static func decode(_ text: some Sequence<UInt8>, acceptsUppercase: Bool = false) -> [UInt8]? {
        var bytes: [UInt8] = []
        var high: UInt8?
        for character in text {
            guard let value = nibble(character, acceptsUppercase: acceptsUppercase) else { return nil }
            if let pending = high {
                bytes.append(pending << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return high == nil ? bytes : nil
    }

    static func nibble(_ character: UInt8, acceptsUppercase: Bool) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F") where acceptsUppercase: character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
