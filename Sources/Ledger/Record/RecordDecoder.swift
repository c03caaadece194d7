import LMDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads record format v1, rejecting everything ledger.md §3.1 says to reject. Re-encoding a decoded record
/// gives identical bytes (tested), so the leaf hash of what was read is the leaf hash of what was written.
///
/// A decoder value remembers the category, type and actor strings of recent records, so a long scan
/// (replay, export) builds each distinct name once instead of once per record; the static `decode` is for
/// one-off reads.
public struct RecordDecoder {
    private var categories = NameCache()
    private var types = NameCache()
    private var actors = NameCache()

    public init() {}

    /// Decodes one record. `expectedPosition` is the LMDB key it was stored under, when known. The payload is
    /// copied out of `bytes`.
    public mutating func decode(_ bytes: UnsafeRawBufferPointer, expectedPosition: Position? = nil)
        throws(LedgerError) -> RecordedEvent
    {
        try decode(bytes, expectedPosition: expectedPosition) { range in Payload(ByteReader.copy(bytes[range])) }
    }

    /// Decodes one record held in an array; the payload slices `record`'s storage instead of copying it.
    public mutating func decode(_ record: ArraySlice<UInt8>, expectedPosition: Position? = nil)
        throws(LedgerError) -> RecordedEvent
    {
        let result = record.withUnsafeBytes { bytes in
            Result { () throws(LedgerError) in
                try decode(bytes, expectedPosition: expectedPosition) { range in
                    Payload(record[(record.startIndex + range.lowerBound)..<(record.startIndex + range.upperBound)])
                }
            }
        }
        return try result.get()
    }

    public static func decode(_ bytes: UnsafeRawBufferPointer, expectedPosition: Position? = nil)
        throws(LedgerError) -> RecordedEvent
    {
        var decoder = RecordDecoder()
        return try decoder.decode(bytes, expectedPosition: expectedPosition)
    }

    /// Decodes one record; the payload shares `bytes`' storage.
    public static func decode(_ bytes: [UInt8], expectedPosition: Position? = nil) throws(LedgerError)
        -> RecordedEvent
    {
        var decoder = RecordDecoder()
        return try decoder.decode(bytes[...], expectedPosition: expectedPosition)
    }

    /// Decodes one record, building its payload from the payload's range in `bytes`.
    mutating func decode(
        _ bytes: UnsafeRawBufferPointer, expectedPosition: Position?, payload: (Range<Int>) -> Payload
    ) throws(LedgerError) -> RecordedEvent {
        do {
            return try decodeFields(bytes, expectedPosition: expectedPosition, payload: payload)
        } catch {
            throw LedgerError(
                .corrupted, "record\(expectedPosition.map { " at position \($0)" } ?? ""): \(error)",
                details: .record(position: expectedPosition, violation: error))
        }
    }

    private mutating func decodeFields(
        _ bytes: UnsafeRawBufferPointer, expectedPosition: Position?, payload makePayload: (Range<Int>) -> Payload
    ) throws(RecordViolation) -> RecordedEvent {
        let header = try FixedHeader(bytes)
        let position = Position(header.word(RecordLayout.positionOffset))
        if let expectedPosition, expectedPosition != position {
            throw .positionMismatch(expected: expectedPosition, found: position)
        }
        var reader = ByteReader(bytes: bytes, offset: RecordLayout.variablePartOffset)
        let category = try categories.name(&reader, "category", 1...Category.lengthMax, NameRules.isCategoryByte)
        let type = try types.name(&reader, "eventType", 1...EventType.lengthMax, NameRules.isEventTypeByte)
        let actor = try actors.actor(&reader)
        let payloadRange = try reader.readLongRange("payload", 0...LedgerLimits.payloadBytesMax)
        var sealed: SealedPart?
        if header.isEncrypted {
            let keyID = try reader.readID("keyId")
            let aeadValue = try reader.read(UInt8.self, "aead")
            guard let algorithm = AEADAlgorithm(rawValue: aeadValue) else { throw .unknownAEAD(aeadValue) }
            let nonce = Array(try reader.take(SealedPart.nonceBytes, "nonce"))
            let ciphertext = try reader.readLong("sealed", SealedPart.tagBytes...LedgerLimits.sealedBytesMax)
            sealed = SealedPart(keyID: keyID, algorithm: algorithm, nonce: nonce, ciphertextAndTag: ciphertext)
        }
        guard reader.remaining == 0 else { throw .trailingBytes(count: reader.remaining) }
        let correlationID = header.id(RecordLayout.correlationIDOffset)
        let causationID = header.id(RecordLayout.causationIDOffset)
        return RecordedEvent(
            position: position,
            stream: StreamID(category: Category(validated: category), id: header.id(RecordLayout.streamIDOffset)),
            version: StreamVersion(header.word(RecordLayout.streamVersionOffset)),
            id: EventID(header.id(RecordLayout.eventIDOffset)),
            recordedAt: Timestamp(microseconds: Int64(bitPattern: header.word(RecordLayout.recordedAtOffset))),
            type: EventType(validated: type), schemaVersion: header.schemaVersion,
            metadata: EventMetadata(
                actor: actor, correlationID: correlationID.isZero ? nil : correlationID,
                causationID: causationID.isZero ? nil : causationID),
            payload: makePayload(payloadRange), sealed: sealed)
    }
}

/// The 93 fixed bytes of a record, length-checked once and then read at fixed offsets.
private struct FixedHeader {
    let bytes: UnsafeRawBufferPointer

    init(_ bytes: UnsafeRawBufferPointer) throws(RecordViolation) {
        guard bytes.count >= RecordLayout.variablePartOffset else {
            var reader = ByteReader(bytes: bytes)
            try reader.skipFixedHeader()  // names the field the record ends in
            throw .missingBytes(field: "category length")
        }
        self.bytes = bytes
        let formatVersion = UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt16.self))
        guard formatVersion == RecordLayout.formatVersion else { throw .unsupportedFormatVersion(formatVersion) }
        let flags = bytes[RecordLayout.flagsOffset]
        guard flags & ~RecordLayout.encryptedFlag == 0 else { throw .unknownFlags(flags) }
        guard schemaVersion >= 1 else { throw .zeroSchemaVersion }
    }

    var isEncrypted: Bool { bytes[RecordLayout.flagsOffset] & RecordLayout.encryptedFlag != 0 }

    var schemaVersion: UInt16 {
        UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: RecordLayout.schemaVersionOffset, as: UInt16.self))
    }

    func word(_ offset: Int) -> UInt64 {
        UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    func id(_ offset: Int) -> UUID128 { UUID128(high: word(offset), low: word(offset + 8)) }
}

/// The strings of the last few distinct names seen in one field, so repeated names are neither re-validated
/// nor re-allocated.
private struct NameCache {
    private struct Entry {
        let bytes: [UInt8]
        let text: String
    }

    private static let capacity = 16
    private var entries: [Entry] = []
    private var nextSlot = 0
    private var lastHit = 0

    mutating func name(
        _ reader: inout ByteReader, _ field: String, _ range: ClosedRange<Int>, _ allowed: (UInt8) -> Bool
    ) throws(RecordViolation) -> String {
        let length = Int(try reader.read(UInt8.self, "\(field) length"))
        guard range.contains(length) else { throw .lengthOutOfRange(field: field, length: length) }
        let raw = try reader.take(length, field)
        if let cached = lookup(raw) { return cached }
        guard raw.allSatisfy(allowed) else { throw .invalidCharacters(field: field) }
        return remember(raw, String(decoding: raw, as: UTF8.self))
    }

    mutating func actor(_ reader: inout ByteReader) throws(RecordViolation) -> String {
        let length = Int(try reader.read(UInt8.self, "actor length"))
        guard length <= LedgerLimits.actorBytesMax else { throw .lengthOutOfRange(field: "actor", length: length) }
        let raw = try reader.take(length, "actor")
        if let cached = lookup(raw) { return cached }
        guard let text = String(validating: raw, as: UTF8.self) else { throw .invalidCharacters(field: "actor") }
        return remember(raw, text)
    }

    private mutating func lookup(_ raw: UnsafeRawBufferPointer) -> String? {
        // A scan mostly repeats the previous record's name, so that entry is tried first.
        if lastHit < entries.count, Self.matches(entries[lastHit].bytes, raw) { return entries[lastHit].text }
        for (index, entry) in entries.enumerated() where Self.matches(entry.bytes, raw) {
            lastHit = index
            return entry.text
        }
        return nil
    }

    private static func matches(_ stored: [UInt8], _ raw: UnsafeRawBufferPointer) -> Bool {
        guard stored.count == raw.count else { return false }
        return stored.withUnsafeBytes { stored in
            guard let left = stored.baseAddress, let right = raw.baseAddress else { return raw.isEmpty }
            return memcmp(left, right, raw.count) == 0
        }
    }

    private mutating func remember(_ raw: UnsafeRawBufferPointer, _ text: String) -> String {
        if entries.count < Self.capacity {
            entries.append(Entry(bytes: Array(raw), text: text))
        } else {
            entries[nextSlot] = Entry(bytes: Array(raw), text: text)
            nextSlot = (nextSlot + 1) % Self.capacity
        }
        return text
    }
}

/// Big-endian reads that never step past the end of the buffer.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    /// Reads the fixed header field by field, so a short record names the field it ends in.
    mutating func skipFixedHeader() throws(RecordViolation) {
        let fields = [
            ("formatVersion", 2), ("flags", 1), ("position", 8), ("streamUUID", 16), ("streamVersion", 8),
            ("eventId", 16), ("recordedAt", 8), ("correlationId", 16), ("causationId", 16), ("schemaVersion", 2),
        ]
        for (field, size) in fields { _ = try take(size, field) }
    }

    var remaining: Int { bytes.count - offset }

    mutating func take(_ count: Int, _ field: @autoclosure () -> String) throws(RecordViolation)
        -> UnsafeRawBufferPointer
    {
        guard count <= remaining else { throw .missingBytes(field: field()) }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ field: @autoclosure () -> String) throws(RecordViolation) -> T
    {
        let size = MemoryLayout<T>.size
        guard size <= remaining else { throw .missingBytes(field: field()) }
        defer { offset += size }
        return T(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    mutating func readID(_ field: String) throws(RecordViolation) -> UUID128 {
        UUID128(bytes: try take(16, field))
    }

    /// Checks a 4-byte length and its bytes, and returns where they lie in the record.
    mutating func readLongRange(_ field: String, _ range: ClosedRange<Int>) throws(RecordViolation) -> Range<Int> {
        let length = Int(try read(UInt32.self, "\(field) length"))
        guard range.contains(length) else { throw .lengthOutOfRange(field: field, length: length) }
        let start = offset
        _ = try take(length, field)
        return start..<offset
    }

    mutating func readLong(_ field: String, _ range: ClosedRange<Int>) throws(RecordViolation) -> [UInt8] {
        Self.copy(bytes[try readLongRange(field, range)])
    }

    /// One allocation and one memcpy (Array's Sequence initialiser would copy byte by byte).
    static func copy(_ source: Slice<UnsafeRawBufferPointer>) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: source.count) { target, initialized in
            if let destination = target.baseAddress, let origin = UnsafeRawBufferPointer(rebasing: source).baseAddress {
                memcpy(destination, origin, source.count)
            }
            initialized = source.count
        }
    }
}
