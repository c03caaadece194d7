public import Foundation

/// A random 128-bit identifier of one kind of thing (a person, a programme, a plan...). Each kind is its own
/// type, so a `PersonRef` can never be passed where a `ProgrammeID` is expected. JSON form: the lowercase
/// canonical UUID string; binary form: its 16 bytes.
public protocol EntityIdentifier: PayloadCodable, Codable, Hashable, Comparable, Sendable,
    CustomStringConvertible
{
    var uuid: UUID { get }
    init(uuid: UUID)
}

extension EntityIdentifier {
    public init?(_ text: String) {
        guard let uuid = UUID(canonicalText: text) else { return nil }
        self.init(uuid: uuid)
    }

    public var description: String { uuid.lowercasedText }

    public func encode(to writer: inout PayloadWriter) { uuid.encode(to: &writer) }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        self.init(uuid: try UUID(from: &reader))
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "expected a UUID"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// The order of the lowercase text (hex digits sort as their values, dashes sit at the same places), computed
    /// from the 16 bytes as two big-endian words instead of formatting both identifiers.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        let (left, right) = (lhs.orderedWords, rhs.orderedWords)
        return left.high != right.high ? left.high < right.high : left.low < right.low
    }

    private var orderedWords: (high: UInt64, low: UInt64) {
        withUnsafeBytes(of: uuid.uuid) { bytes in
            (
                UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            )
        }
    }
}

extension UUID {
    /// Canonical lowercase text, `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, written straight into the string: view
    /// rows and API answers format an id per column, where `uuidString.lowercased()` made two strings each.
    public var lowercasedText: String {
        withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { text in
                var index = 0
                for (offset, byte) in bytes.enumerated() {
                    if offset == 4 || offset == 6 || offset == 8 || offset == 10 {
                        text[index] = UInt8(ascii: "-")
                        index += 1
                    }
                    text[index] = Self.lowercaseDigit(byte >> 4)
                    text[index + 1] = Self.lowercaseDigit(byte & 0x0F)
                    index += 2
                }
                return index
            }
        }
    }

    /// Parses canonical text, `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` with hex digits in either case: what
    /// `UUID(uuidString:)` accepts, without its C-string copy and `sscanf` (≈ 1 % of a need signal's server CPU,
    /// where each identifier of the path and the body is parsed).
    public init?(canonicalText text: String) {
        var text = text
        guard let uuid = text.withUTF8({ Self.canonicalBytes($0) }) else { return nil }
        self.init(uuid: uuid)
    }

    private static func canonicalBytes(_ utf8: UnsafeBufferPointer<UInt8>) -> uuid_t? {
        guard utf8.count == 36 else { return nil }
        var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let parsed = withUnsafeMutableBytes(of: &uuid) { bytes in
            var index = 0
            for offset in bytes.indices {
                if offset == 4 || offset == 6 || offset == 8 || offset == 10 {
                    guard utf8[index] == UInt8(ascii: "-") else { return false }
                    index += 1
                }
                guard let high = hexValue(utf8[index]), let low = hexValue(utf8[index + 1]) else { return false }
                bytes[offset] = high << 4 | low
                index += 2
            }
            return true
        }
        return parsed ? uuid : nil
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func lowercaseDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? nibble + UInt8(ascii: "0") : nibble - 10 + UInt8(ascii: "a")
    }
}
