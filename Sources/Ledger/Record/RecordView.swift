/// One stored record read where it lies: every rule of ledger.md §3.1 is checked when the view is made (the same
/// checks, in the same order, with the same violations as `RecordDecoder`, which builds on it), and then fields
/// are read at their offsets only when asked, with no copy and no allocation. The replay path
/// (`Ledger.scanRecordViews`) hands one to its body per record; it borrows the bytes it was made from, so it
/// is valid only inside that body and must not be kept.
public struct RecordView {
    /// The exact stored bytes.
    public let bytes: UnsafeRawBufferPointer
    private let categoryRange: Range<Int>
    private let eventTypeRange: Range<Int>
    private let actorRange: Range<Int>
    private let payloadRange: Range<Int>
    /// The sealed part's AEAD, when the record is encrypted; its `keyId` starts where the payload ends.
    private let sealedAlgorithm: AEADAlgorithm?

    /// Checks `bytes` as a v1 record stored under `expectedPosition` (when known).
    public init(_ bytes: UnsafeRawBufferPointer, expectedPosition: Position? = nil) throws(LedgerError) {
        do {
            try self.init(checking: bytes, expectedPosition: expectedPosition)
        } catch {
            throw LedgerError(
                .corrupted, "record\(expectedPosition.map { " at position \($0)" } ?? ""): \(error)",
                details: .record(position: expectedPosition, violation: error))
        }
    }

    private init(checking bytes: UnsafeRawBufferPointer, expectedPosition: Position?) throws(RecordViolation) {
        try Self.checkFixedHeader(bytes)
        self.bytes = bytes
        let found = Position(
            UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: RecordLayout.positionOffset, as: UInt64.self)))
        if let expectedPosition, expectedPosition != found {
            throw .positionMismatch(expected: expectedPosition, found: found)
        }
        var reader = ByteReader(bytes: bytes, offset: RecordLayout.variablePartOffset)
        categoryRange = try reader.readName("category", 1...Category.lengthMax, NameRules.isCategoryByte)
        eventTypeRange = try reader.readName("eventType", 1...EventType.lengthMax, NameRules.isEventTypeByte)
        actorRange = try reader.readShortRange("actor", 0...LedgerLimits.actorBytesMax)
        if !Self.isUTF8(bytes[actorRange]) { throw .invalidCharacters(field: "actor") }
        payloadRange = try reader.readLongRange("payload", 0...LedgerLimits.payloadBytesMax)
        if bytes[RecordLayout.flagsOffset] & RecordLayout.encryptedFlag != 0 {
            _ = try reader.take(16, "keyId")
            let aeadValue = try reader.read(UInt8.self, "aead")
            guard let algorithm = AEADAlgorithm(rawValue: aeadValue) else { throw .unknownAEAD(aeadValue) }
            sealedAlgorithm = algorithm
            _ = try reader.take(SealedPart.nonceBytes, "nonce")
            _ = try reader.readLongRange("sealed", SealedPart.tagBytes...LedgerLimits.sealedBytesMax)
        } else {
            sealedAlgorithm = nil
        }
        guard reader.remaining == 0 else { throw .trailingBytes(count: reader.remaining) }
    }

    /// The 93 fixed bytes: present, format version 1, no unknown flag, schema version ≥ 1.
    private static func checkFixedHeader(_ bytes: UnsafeRawBufferPointer) throws(RecordViolation) {
        guard bytes.count >= RecordLayout.variablePartOffset else {
            var reader = ByteReader(bytes: bytes)
            try reader.skipFixedHeader()  // names the field the record ends in
            throw .missingBytes(field: "category length")
        }
        let formatVersion = UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt16.self))
        guard formatVersion == RecordLayout.formatVersion else { throw .unsupportedFormatVersion(formatVersion) }
        let flags = bytes[RecordLayout.flagsOffset]
        guard flags & ~RecordLayout.encryptedFlag == 0 else { throw .unknownFlags(flags) }
        let schemaVersion = UInt16(
            bigEndian: bytes.loadUnaligned(fromByteOffset: RecordLayout.schemaVersionOffset, as: UInt16.self))
        guard schemaVersion >= 1 else { throw .zeroSchemaVersion }
    }

    /// ASCII as it stands, else the standard library's validating decoder (staff pseudonyms are mostly ASCII).
    private static func isUTF8(_ raw: Slice<UnsafeRawBufferPointer>) -> Bool {
        let bytes = UnsafeRawBufferPointer(rebasing: raw)
        var index = 0
        var high: UInt64 = 0
        while index + 8 <= bytes.count {
            high |= bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < bytes.count {
            high |= UInt64(bytes[index])
            index += 1
        }
        return high & 0x8080_8080_8080_8080 == 0 || String(validating: bytes, as: UTF8.self) != nil
    }

    private func word(_ offset: Int) -> UInt64 {
        UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    private func id(_ offset: Int) -> UUID128 { UUID128(high: word(offset), low: word(offset + 8)) }

    private func slice(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[range])
    }

    public var position: Position { Position(word(RecordLayout.positionOffset)) }
    public var streamID: UUID128 { id(RecordLayout.streamIDOffset) }
    public var streamVersion: StreamVersion { StreamVersion(word(RecordLayout.streamVersionOffset)) }
    public var eventID: EventID { EventID(id(RecordLayout.eventIDOffset)) }
    public var recordedAt: Timestamp {
        Timestamp(microseconds: Int64(bitPattern: word(RecordLayout.recordedAtOffset)))
    }
    public var correlationID: UUID128? { nonZero(id(RecordLayout.correlationIDOffset)) }
    public var causationID: UUID128? { nonZero(id(RecordLayout.causationIDOffset)) }
    public var schemaVersion: UInt16 {
        UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: RecordLayout.schemaVersionOffset, as: UInt16.self))
    }

    /// The category's bytes (checked: 1…32 of `[a-z0-9_]`).
    public var categoryBytes: UnsafeRawBufferPointer { slice(categoryRange) }
    /// The event type's bytes (checked: 1…64 of `[A-Za-z0-9_.]`): what a projection matches before decoding.
    public var eventTypeBytes: UnsafeRawBufferPointer { slice(eventTypeRange) }
    /// The actor's bytes (checked: at most 64 bytes of UTF-8).
    public var actorBytes: UnsafeRawBufferPointer { slice(actorRange) }
    /// The clear part, borrowed.
    public var payload: UnsafeRawBufferPointer { slice(payloadRange) }
    /// Where the payload lies in `bytes`.
    public var payloadOffsets: Range<Int> { payloadRange }
    public var isEncrypted: Bool { sealedAlgorithm != nil }

    /// The stream, with its category as a `String` (no allocation for categories of up to 15 bytes).
    public var stream: StreamID {
        StreamID(category: Category(validated: String(decoding: categoryBytes, as: UTF8.self)), id: streamID)
    }

    /// The sealed part, copied out; nil for a record without one.
    public var sealed: SealedPart? {
        guard let sealedAlgorithm else { return nil }
        let keyIDOffset = payloadRange.upperBound
        let nonceOffset = keyIDOffset + 16 + 1
        let lengthOffset = nonceOffset + SealedPart.nonceBytes
        return SealedPart(
            keyID: id(keyIDOffset), algorithm: sealedAlgorithm,
            nonce: ByteReader.copy(bytes[nonceOffset..<lengthOffset]),
            ciphertextAndTag: ByteReader.copy(bytes[(lengthOffset + 4)...]))
    }

    private func nonZero(_ id: UUID128) -> UUID128? { id.isZero ? nil : id }
}
