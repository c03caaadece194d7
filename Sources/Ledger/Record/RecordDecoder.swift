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
        _ bytes: UnsafeRawBufferPointer, expectedPosition: Position?, payload makePayload: (Range<Int>) -> Payload
    ) throws(LedgerError) -> RecordedEvent {
        let view = try RecordView(bytes, expectedPosition: expectedPosition)
        return RecordedEvent(
            position: view.position,
            stream: StreamID(category: Category(validated: categories.name(view.categoryBytes)), id: view.streamID),
            version: view.streamVersion, id: view.eventID, recordedAt: view.recordedAt,
            type: EventType(validated: types.name(view.eventTypeBytes)), schemaVersion: view.schemaVersion,
            metadata: EventMetadata(
                actor: actors.name(view.actorBytes), correlationID: view.correlationID,
                causationID: view.causationID),
            payload: makePayload(view.payloadOffsets), sealed: view.sealed)
    }
}

/// The strings of the last few distinct names seen in one field, so repeated names are not re-allocated. The
/// bytes were checked by `RecordView`.
private struct NameCache {
    private struct Entry {
        let bytes: [UInt8]
        let text: String
    }

    private static let capacity = 16
    private var entries: [Entry] = []
    private var nextSlot = 0
    private var lastHit = 0

    mutating func name(_ raw: UnsafeRawBufferPointer) -> String {
        // A scan mostly repeats the previous record's name, so that entry is tried first.
        if lastHit < entries.count, Self.matches(entries[lastHit].bytes, raw) { return entries[lastHit].text }
        for (index, entry) in entries.enumerated() where Self.matches(entry.bytes, raw) {
            lastHit = index
            return entry.text
        }
        let text = String(decoding: raw, as: UTF8.self)
        if entries.count < Self.capacity {
            entries.append(Entry(bytes: Array(raw), text: text))
        } else {
            entries[nextSlot] = Entry(bytes: Array(raw), text: text)
            nextSlot = (nextSlot + 1) % Self.capacity
        }
        return text
    }

    private static func matches(_ stored: [UInt8], _ raw: UnsafeRawBufferPointer) -> Bool {
        guard stored.count == raw.count else { return false }
        return stored.withUnsafeBytes { stored in
            guard let left = stored.baseAddress, let right = raw.baseAddress else { return raw.isEmpty }
            return memcmp(left, right, raw.count) == 0
        }
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

    /// Checks a 1-byte length, its bytes and their alphabet, and returns where they lie in the record.
    mutating func readName(_ field: String, _ range: ClosedRange<Int>, _ allowed: (UInt8) -> Bool)
        throws(RecordViolation) -> Range<Int>
    {
        let name = try readShortRange(field, range)
        guard bytes[name].allSatisfy(allowed) else { throw .invalidCharacters(field: field) }
        return name
    }

    /// Checks a 1-byte length and its bytes, and returns where they lie in the record.
    mutating func readShortRange(_ field: String, _ range: ClosedRange<Int>) throws(RecordViolation) -> Range<Int> {
        try readRange(field, range, UInt8.self)
    }

    /// Checks a 4-byte length and its bytes, and returns where they lie in the record.
    mutating func readLongRange(_ field: String, _ range: ClosedRange<Int>) throws(RecordViolation) -> Range<Int> {
        try readRange(field, range, UInt32.self)
    }

    private mutating func readRange<Length: FixedWidthInteger>(
        _ field: String, _ range: ClosedRange<Int>, _: Length.Type
    ) throws(RecordViolation) -> Range<Int> {
        let length = Int(try read(Length.self, "\(field) length"))
        guard range.contains(length) else { throw .lengthOutOfRange(field: field, length: length) }
        let start = offset
        _ = try take(length, field)
        return start..<offset
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
