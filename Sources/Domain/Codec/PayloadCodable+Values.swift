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

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        self.init(uuid: try reader.readRaw(count: 16).loadUnaligned(as: uuid_t.self))
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
public protocol StableName: PayloadCodable, RawRepresentable<String>, CaseIterable, Hashable, Codable {}

extension StableName {
    public func encode(to writer: inout PayloadWriter) { writer.write(string: rawValue) }
    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        let start = reader.offset
        let raw = try reader.readLengthPrefixed()
        // Compare bytes with the few known names instead of allocating a String per field.
        for candidate in Self.allCases {
            var name = candidate.rawValue
            let matches = name.withUTF8 { name in
                guard name.count == raw.count else { return false }
                guard let left = name.baseAddress, let right = raw.baseAddress else { return true }
                return memcmp(left, right, raw.count) == 0
            }
            if matches {
                self = candidate
                return
            }
        }
        throw .unknownEnumCase(
            at: start, type: String(describing: Self.self), name: String(decoding: raw, as: UTF8.self))
    }
}
