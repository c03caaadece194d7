import LMDB

/// Reads record format v1, rejecting everything ledger.md §3.1 says to reject. Re-encoding a decoded record
/// gives identical bytes (tested), so the leaf hash of what was read is the leaf hash of what was written.
public enum RecordDecoder {
    /// Decodes one record. `expectedPosition` is the LMDB key it was stored under, when known.
    public static func decode(_ bytes: UnsafeRawBufferPointer, expectedPosition: Position? = nil)
        throws(LedgerError) -> RecordedEvent
    {
        do {
            return try decodeFields(bytes, expectedPosition: expectedPosition)
        } catch {
            throw LedgerError(
                .corrupted, "record\(expectedPosition.map { " at position \($0)" } ?? ""): \(error)",
                details: .record(position: expectedPosition, violation: error))
        }
    }

    public static func decode(_ bytes: [UInt8], expectedPosition: Position? = nil) throws(LedgerError)
        -> RecordedEvent
    {
        try bytes.withBytes { buffer throws(LedgerError) in
            try decode(buffer, expectedPosition: expectedPosition)
        }
    }

    static func decodeFields(_ bytes: UnsafeRawBufferPointer, expectedPosition: Position?) throws(RecordViolation)
        -> RecordedEvent
    {
        var reader = ByteReader(bytes: bytes)
        let formatVersion = try reader.read(UInt16.self, "formatVersion")
        guard formatVersion == RecordLayout.formatVersion else { throw .unsupportedFormatVersion(formatVersion) }
        let flags = try reader.read(UInt8.self, "flags")
        guard flags & ~RecordLayout.encryptedFlag == 0 else { throw .unknownFlags(flags) }
        let position = Position(try reader.read(UInt64.self, "position"))
        if let expectedPosition, expectedPosition != position {
            throw .positionMismatch(expected: expectedPosition, found: position)
        }
        let streamUUID = try reader.readID("streamUUID")
        let version = StreamVersion(try reader.read(UInt64.self, "streamVersion"))
        let eventID = EventID(try reader.readID("eventId"))
        let recordedAt = Timestamp(microseconds: Int64(bitPattern: try reader.read(UInt64.self, "recordedAt")))
        let correlationID = try reader.readID("correlationId")
        let causationID = try reader.readID("causationId")
        let schemaVersion = try reader.read(UInt16.self, "schemaVersion")
        guard schemaVersion >= 1 else { throw .zeroSchemaVersion }
        let category = try reader.readName("category", 1...Category.lengthMax, NameRules.isCategoryByte)
        let type = try reader.readName("eventType", 1...EventType.lengthMax, NameRules.isEventTypeByte)
        let actor = try reader.readActor()
        let payload = try reader.readLong("payload", 0...LedgerLimits.payloadBytesMax)
        var sealed: SealedPart?
        if flags & RecordLayout.encryptedFlag != 0 {
            let keyID = try reader.readID("keyId")
            let aeadValue = try reader.read(UInt8.self, "aead")
            guard let algorithm = AEADAlgorithm(rawValue: aeadValue) else { throw .unknownAEAD(aeadValue) }
            let nonce = Array(try reader.take(SealedPart.nonceBytes, "nonce"))
            let ciphertext = try reader.readLong("sealed", SealedPart.tagBytes...LedgerLimits.sealedBytesMax)
            sealed = SealedPart(keyID: keyID, algorithm: algorithm, nonce: nonce, ciphertextAndTag: ciphertext)
        }
        guard reader.remaining == 0 else { throw .trailingBytes(count: reader.remaining) }
        return RecordedEvent(
            position: position,
            stream: StreamID(category: Category(validated: category), id: streamUUID),
            version: version, id: eventID, recordedAt: recordedAt,
            type: EventType(validated: type), schemaVersion: schemaVersion,
            metadata: EventMetadata(
                actor: actor, correlationID: correlationID.isZero ? nil : correlationID,
                causationID: causationID.isZero ? nil : causationID),
            payload: payload, sealed: sealed)
    }
}

/// Big-endian reads that never step past the end of the buffer.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    var remaining: Int { bytes.count - offset }

    mutating func take(_ count: Int, _ field: String) throws(RecordViolation) -> UnsafeRawBufferPointer {
        guard count <= remaining else { throw .missingBytes(field: field) }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ field: String) throws(RecordViolation) -> T {
        let size = MemoryLayout<T>.size
        guard size <= remaining else { throw .missingBytes(field: field) }
        defer { offset += size }
        return T(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    mutating func readID(_ field: String) throws(RecordViolation) -> UUID128 {
        UUID128(bytes: try take(16, field))
    }

    mutating func readName(_ field: String, _ range: ClosedRange<Int>, _ allowed: (UInt8) -> Bool)
        throws(RecordViolation) -> String
    {
        let length = Int(try read(UInt8.self, field + " length"))
        guard range.contains(length) else { throw .lengthOutOfRange(field: field, length: length) }
        let name = try take(length, field)
        guard name.allSatisfy(allowed) else { throw .invalidCharacters(field: field) }
        return String(decoding: name, as: UTF8.self)
    }

    mutating func readActor() throws(RecordViolation) -> String {
        let length = Int(try read(UInt8.self, "actor length"))
        guard length <= LedgerLimits.actorBytesMax else { throw .lengthOutOfRange(field: "actor", length: length) }
        let actor = try take(length, "actor")
        guard let text = String(validating: actor, as: UTF8.self) else { throw .invalidCharacters(field: "actor") }
        return text
    }

    mutating func readLong(_ field: String, _ range: ClosedRange<Int>) throws(RecordViolation) -> [UInt8] {
        let length = Int(try read(UInt32.self, field + " length"))
        guard range.contains(length) else { throw .lengthOutOfRange(field: field, length: length) }
        return Array(try take(length, field))
    }
}
