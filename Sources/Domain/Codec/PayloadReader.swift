/// Reads what `PayloadWriter` wrote, refusing anything malformed: truncated or overlong varints, lengths past
/// the end or over the limits, invalid UTF-8, unknown enum names, presence bytes other than 0 or 1, and
/// trailing bytes (`finish()`). A payload is input like any other: a bad one is a typed error, never a crash.
public struct PayloadReader: ~Copyable {
    public static let stringBytesMax = 65_536
    public static let arrayCountMax = 65_536

    private let bytes: UnsafeRawBufferPointer
    /// The reader's own copy, when it was made from an array; freed with the reader.
    private let owned: UnsafeMutableRawBufferPointer?
    public private(set) var offset: Int

    /// Reads a copy of `bytes`.
    public init(_ bytes: [UInt8]) {
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
        copy.copyBytes(from: bytes)
        self.bytes = UnsafeRawBufferPointer(copy)
        owned = copy
        offset = 0
    }

    /// Reads `bytes` where they lie, with no copy (the replay path decodes from the ledger's mapped pages). The
    /// caller keeps them valid and unchanged for the reader's whole life; every read is still bounds-checked.
    public init(borrowing bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        owned = nil
        offset = 0
    }

    deinit { owned?.deallocate() }

    public var isAtEnd: Bool { offset == bytes.count }

    /// Call after the last field: leftover bytes mean the payload is not what its type says it is.
    public func finish() throws(PayloadCodingError) {
        guard offset == bytes.count else { throw .trailingBytes(count: bytes.count - offset) }
    }

    public mutating func readUnsigned() throws(PayloadCodingError) -> UInt64 {
        // Most values (units, counts, small dates' parts) fit one byte.
        if offset < bytes.count, bytes[offset] < 0x80 {
            defer { offset += 1 }
            return UInt64(bytes[offset])
        }
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < bytes.count else { throw .truncated(at: offset) }
            let byte = bytes[offset]
            offset += 1
            guard shift < 64, shift != 63 || byte <= 1 else { throw .malformedVarint(at: offset - 1) }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 {
                // The shortest form only: a trailing zero group would let two encodings mean one value.
                guard byte != 0 || shift == 0 else { throw .malformedVarint(at: offset - 1) }
                return value
            }
            shift += 7
        }
    }

    public mutating func readSigned() throws(PayloadCodingError) -> Int64 {
        let raw = try readUnsigned()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    public mutating func readBool() throws(PayloadCodingError) -> Bool {
        let byte = try readByte()
        guard byte <= 1 else { throw .invalidValue(at: offset - 1, "a boolean is 0 or 1") }
        return byte == 1
    }

    public mutating func readByte() throws(PayloadCodingError) -> UInt8 {
        guard offset < bytes.count else { throw .truncated(at: offset) }
        defer { offset += 1 }
        return bytes[offset]
    }

    /// The next `count` bytes, borrowed from the reader's bytes: valid while the reader is.
    public mutating func readRaw(count: Int) throws(PayloadCodingError) -> UnsafeRawBufferPointer {
        guard count >= 0, bytes.count - offset >= count else { throw .truncated(at: offset) }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count])
    }

    /// A length-prefixed field's bytes, borrowed; the length is checked against `stringBytesMax`.
    public mutating func readLengthPrefixed() throws(PayloadCodingError) -> UnsafeRawBufferPointer {
        let start = offset
        let length = try readUnsigned()
        guard length <= UInt64(Self.stringBytesMax) else { throw .lengthOverLimit(at: start) }
        return try readRaw(count: Int(length))
    }

    public mutating func readString() throws(PayloadCodingError) -> String {
        let start = offset
        let raw = try readLengthPrefixed()
        // Codes, ids and most names are ASCII, which is valid UTF-8 as it stands: skip the validating decoder.
        if Self.isASCII(raw) { return String(decoding: raw, as: UTF8.self) }
        guard let text = String(validating: raw, as: UTF8.self) else { throw .invalidUTF8(at: start) }
        return text
    }

    /// Checks a string as `readString` does, without building it: for fields a reader does not keep.
    public mutating func skipString() throws(PayloadCodingError) {
        let start = offset
        let raw = try readLengthPrefixed()
        if Self.isASCII(raw) { return }
        guard String(validating: raw, as: UTF8.self) != nil else { throw .invalidUTF8(at: start) }
    }

    /// Eight bytes at a time: a 64-character digest costs eight tests, not sixty-four.
    private static func isASCII(_ raw: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        var high: UInt64 = 0
        while index + 8 <= raw.count {
            high |= raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < raw.count {
            high |= UInt64(raw[index])
            index += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    /// Bytes left after `offset`.
    public var remainingByteCount: Int { bytes.count - offset }

    // The generic readers are inlinable so that other modules' row and event types get specialized copies
    // instead of a runtime metadata look-up on every call.
    @inlinable
    public mutating func read<Value: PayloadCodable>(_: Value.Type = Value.self) throws(PayloadCodingError) -> Value {
        try Value(from: &self)
    }

    @inlinable
    public mutating func readOptional<Value: PayloadCodable>(_: Value.Type = Value.self)
        throws(PayloadCodingError) -> Value?
    {
        switch try readByte() {
        case 0: return nil
        case 1: return try Value(from: &self)
        default: throw .invalidValue(at: offset - 1, "a presence byte is 0 or 1")
        }
    }

    @inlinable
    public mutating func readArray<Value: PayloadCodable>(_: Value.Type = Value.self)
        throws(PayloadCodingError) -> [Value]
    {
        let start = offset
        let count = try readUnsigned()
        // Every element takes at least one byte, so a count past the remaining bytes is a lie.
        guard count <= UInt64(Self.arrayCountMax), count <= UInt64(remainingByteCount) else {
            throw .lengthOverLimit(at: start)
        }
        var values: [Value] = []
        values.reserveCapacity(Int(count))
        for _ in 0..<count { values.append(try Value(from: &self)) }
        return values
    }
}

/// Why a payload could not be decoded; `at` is the byte offset inside the payload.
public enum PayloadCodingError: Error, Hashable, Sendable {
    case truncated(at: Int)
    case malformedVarint(at: Int)
    case lengthOverLimit(at: Int)
    case invalidUTF8(at: Int)
    case invalidValue(at: Int, String)
    case unknownEnumCase(at: Int, type: String, name: String)
    case trailingBytes(count: Int)
    case unknownEventType(String, schemaVersion: UInt16)
}

/// A value with a binary form in event payloads.
public protocol PayloadCodable: Sendable {
    func encode(to writer: inout PayloadWriter)
    init(from reader: inout PayloadReader) throws(PayloadCodingError)
}
