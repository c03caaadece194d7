public import Foundation

extension String: PayloadCodable {
    public func encode(to writer: inout PayloadWriter) { writer.write(string: self) }
    public init(from reader: inout PayloadReader) throws(PayloadCodingError) { self = try reader.readString() }
}

extension Bool: PayloadCodable {
    public func encode(to writer: inout PayloadWriter) { writer.write(bool: self) }
    public init(from reader: inout PayloadReader) throws(PayloadCodingError) { self = try reader.readBool() }
}

extension UInt64: PayloadCodable {
    public func encode(to writer: inout PayloadWriter) { writer.write(unsigned: self) }
    public init(from reader: inout PayloadReader) throws(PayloadCodingError) { self = try reader.readUnsigned() }
}

extension UInt32: PayloadCodable {
    public func encode(to writer: inout PayloadWriter) { writer.write(unsigned: UInt64(self)) }
    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        let start = reader.offset
        guard let value = UInt32(exactly: try reader.readUnsigned()) else {
            throw .invalidValue(at: start, "over the 32-bit range")
        }
        self = value
    }
}

extension Int64: PayloadCodable {
    public func encode(to writer: inout PayloadWriter) { writer.write(signed: self) }
    public init(from reader: inout PayloadReader) throws(PayloadCodingError) { self = try reader.readSigned() }
}

extension UUID: PayloadCodable {
    public func encode(to writer: inout PayloadWriter) {
        withUnsafeBytes(of: uuid) { writer.write(raw: $0) }
    }

    /// Loaded as a whole: `UUID` is its 16 `uuid` bytes (a test checks the size and a round trip), and
    /// `UUID(uuid:)` is an out-of-line call into Foundation on the replay path (ledger.md P3).
    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        self = try reader.readRaw(count: 16).loadUnaligned(as: UUID.self)
    }
}

extension LocalDate: PayloadCodable {
    public func encode(to writer: inout PayloadWriter) { writer.write(signed: daysSinceEpoch) }
    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        let start = reader.offset
        let days = try reader.readSigned()
        // 0001-01-01 ... 9999-12-31, the dates JSON can carry.
        guard (-719_162...2_932_896).contains(days) else { throw .invalidValue(at: start, "date out of range") }
        self.init(daysSinceEpoch: days)
    }
}

extension Instant: PayloadCodable {
    public func encode(to writer: inout PayloadWriter) { writer.write(signed: microsecondsSinceEpoch) }
    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        self.init(microsecondsSinceEpoch: try reader.readSigned())
    }
}

/// A closed set of stable names (event fields such as `applicantRole`), stored as the name itself so the
/// binary and JSON forms agree and no numeric code table can drift.
public protocol StableName: PayloadCodable, RawRepresentable<String>, CaseIterable, Hashable, Codable {
    /// The cases by their names' bytes, built once: each type declares `static let names = StableNames<Self>()`.
    static var names: StableNames<Self> { get }
}

extension StableName {
    public func encode(to writer: inout PayloadWriter) { writer.write(string: rawValue) }
    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        let start = reader.offset
        let raw = try reader.readLengthPrefixed()
        if let value = Self.names.value(named: raw) {
            self = value
            return
        }
        throw .unknownEnumCase(
            at: start, type: String(describing: Self.self), name: String(decoding: raw, as: UTF8.self))
    }
}

/// The cases of a `StableName` type by the bytes of their names, so a payload's name is found with a length and
/// an eight-byte word compared per case, and no `String` built (payloads carry an actor role in every context).
public struct StableNames<Name: StableName>: Sendable {
    private struct Entry: Sendable {
        let count: Int
        /// The name's first eight bytes, zero-padded.
        let head: UInt64
        let bytes: [UInt8]
        let value: Name
    }

    private let entries: [Entry]

    public init() {
        entries = Name.allCases.map { value in
            let bytes = Array(value.rawValue.utf8)
            let head = bytes.withUnsafeBytes { Self.head(of: $0) }
            return Entry(count: bytes.count, head: head, bytes: bytes, value: value)
        }
    }

    /// The case whose name is exactly `raw`, if any.
    public func value(named raw: UnsafeRawBufferPointer) -> Name? {
        let head = Self.head(of: raw)
        // By index: iterating would copy each entry out, retaining and releasing its bytes, on every decode.
        for index in entries.indices where entries[index].count == raw.count && entries[index].head == head {
            guard raw.count > 8, let rawBase = raw.baseAddress else { return entries[index].value }
            let rest = entries[index].bytes.withUnsafeBytes { name in
                name.baseAddress.map { memcmp($0 + 8, rawBase + 8, raw.count - 8) } ?? 1
            }
            if rest == 0 { return entries[index].value }
        }
        return nil
    }

    private static func head(of bytes: UnsafeRawBufferPointer) -> UInt64 {
        var head: UInt64 = 0
        withUnsafeMutableBytes(of: &head) { word in
            word.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes.prefix(8)))
        }
        return head
    }
}
