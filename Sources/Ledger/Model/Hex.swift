/// Hex text for ids and hashes: written lowercase, read strictly (`acceptsUppercase` only where a format
/// allows both cases, as RFC 9562 does for UUIDs).
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
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

    private static func nibble(_ character: UInt8, acceptsUppercase: Bool) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F") where acceptsUppercase: character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
