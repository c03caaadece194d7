#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Text forms of a hash: lowercase hex for exports and logs (ledger.md §3.4 `leafHash`), standard base64 for
/// C2SP checkpoints (§3.3). Parsing accepts only the canonical spelling, so one hash has one text form.
extension MerkleHash {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// 64 lowercase hex digits.
    public var hex: String {
        withUnsafeBytes { raw in
            var text: [UInt8] = []
            text.reserveCapacity(2 * Self.byteCount)
            for byte in raw {
                text.append(Self.hexDigits[Int(byte >> 4)])
                text.append(Self.hexDigits[Int(byte & 0x0F)])
            }
            return String(decoding: text, as: UTF8.self)
        }
    }

    /// Returns `nil` unless `hex` is exactly 64 lowercase hex digits.
    public init?(hex: some StringProtocol) {
        let digits = Array(hex.utf8)
        guard digits.count == 2 * Self.byteCount else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.byteCount)
        var position = 0
        while position < digits.count {
            guard let high = Self.nibble(digits[position]), let low = Self.nibble(digits[position + 1]) else {
                return nil
            }
            bytes.append(high << 4 | low)
            position += 2
        }
        self.init(bytes: bytes)
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    /// Standard base64 with padding (44 characters), as in a C2SP checkpoint's root line.
    public var base64: String { Data(bytes).base64EncodedString() }

    /// Returns `nil` unless `base64` is the canonical padded base64 of exactly 32 bytes.
    public init?(base64: String) {
        guard let data = Data(base64Encoded: base64), data.count == Self.byteCount,
            data.base64EncodedString() == base64
        else { return nil }
        self.init(bytes: data)
    }
}
