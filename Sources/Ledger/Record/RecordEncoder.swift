/// Writes record format v1 (ledger.md §3.1). Encoding runs in the caller's task; the writer then only stamps
/// position, stream version and `recordedAt` into the fixed header (§2.5 item 5).
public enum RecordEncoder {
    /// Checks an event against the record format's limits and alphabets before it is queued.
    public static func validate(_ event: NewEvent) throws(LedgerError) {
        let actorBytes = event.metadata.actor.utf8.count
        if actorBytes > LedgerLimits.actorBytesMax {
            throw LedgerError(.limitExceeded, "actor has \(actorBytes) bytes; at most \(LedgerLimits.actorBytesMax)")
        }
        if event.payload.count > LedgerLimits.payloadBytesMax {
            throw LedgerError(
                .limitExceeded, "payload has \(event.payload.count) bytes; at most \(LedgerLimits.payloadBytesMax)")
        }
        if event.schemaVersion == 0 { throw LedgerError(.invalidArgument, "schema version must be ≥ 1") }
        guard let sealed = event.sealed else { return }
        if sealed.nonce.count != SealedPart.nonceBytes {
            throw LedgerError(.invalidArgument, "a nonce has \(SealedPart.nonceBytes) bytes")
        }
        let sealedBytes = sealed.ciphertextAndTag.count
        if sealedBytes < SealedPart.tagBytes || sealedBytes > LedgerLimits.sealedBytesMax {
            throw LedgerError(
                .limitExceeded, "sealed part has \(sealedBytes) bytes; 16…\(LedgerLimits.sealedBytesMax) allowed")
        }
    }

    /// The exact bytes of one record. `event` must have passed `validate`.
    public static func encode(
        _ event: NewEvent, stream: StreamID, version: StreamVersion, position: Position, recordedAt: Timestamp
    ) -> [UInt8] {
        let category = stream.category.name.utf8
        let type = event.type.name.utf8
        let actor = event.metadata.actor.utf8
        var count = RecordLayout.variablePartOffset + 3 + category.count + type.count + actor.count + 4
        count += event.payload.count
        if let sealed = event.sealed { count += RecordLayout.sealedHeaderBytes + 4 + sealed.ciphertextAndTag.count }
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var writer = ByteWriter(buffer: UnsafeMutableRawBufferPointer(buffer))
            writer.put(RecordLayout.formatVersion)
            writer.put(event.sealed == nil ? UInt8(0) : RecordLayout.encryptedFlag)
            writer.put(position.rawValue)
            writer.put(stream.id)
            writer.put(version.rawValue)
            writer.put(event.id.rawValue)
            writer.put(UInt64(bitPattern: recordedAt.rawValue))
            writer.put(event.metadata.correlationID ?? .zero)
            writer.put(event.metadata.causationID ?? .zero)
            writer.put(event.schemaVersion)
            writer.putShort(category)
            writer.putShort(type)
            writer.putShort(actor)
            writer.putLong(event.payload)
            if let sealed = event.sealed {
                writer.put(sealed.keyID)
                writer.put(sealed.algorithm.rawValue)
                writer.putBytes(sealed.nonce)
                writer.putLong(sealed.ciphertextAndTag)
            }
            precondition(writer.offset == count, "record size drifted from its layout")
            initialized = count
        }
    }

    /// Writes the fields only the writer knows into an encoded record.
    package static func stamp(
        _ record: inout [UInt8], position: Position, version: StreamVersion, recordedAt: Timestamp
    ) {
        record.withUnsafeMutableBytes { stamp($0, position: position, version: version, recordedAt: recordedAt) }
    }

    /// Writes the fields only the writer knows into an encoded record, in place.
    static func stamp(
        _ bytes: UnsafeMutableRawBufferPointer, position: Position, version: StreamVersion, recordedAt: Timestamp
    ) {
        bytes.storeBytes(of: position.rawValue.bigEndian, toByteOffset: RecordLayout.positionOffset, as: UInt64.self)
        bytes.storeBytes(
            of: version.rawValue.bigEndian, toByteOffset: RecordLayout.streamVersionOffset, as: UInt64.self)
        bytes.storeBytes(
            of: recordedAt.rawValue.bigEndian, toByteOffset: RecordLayout.recordedAtOffset, as: Int64.self)
    }
}

/// Big-endian appends into a pre-sized buffer.
struct ByteWriter {
    let buffer: UnsafeMutableRawBufferPointer
    var offset = 0

    mutating func put<T: FixedWidthInteger>(_ value: T) {
        buffer.storeBytes(of: value.bigEndian, toByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
    }

    mutating func put(_ id: UUID128) {
        id.write(to: buffer, at: offset)
        offset += 16
    }

    mutating func putBytes(_ bytes: some Collection<UInt8>) {
        let target = UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<(offset + bytes.count)])
        target.copyBytes(from: bytes)
        offset += bytes.count
    }

    /// A u8 length, then the bytes.
    mutating func putShort(_ bytes: some Collection<UInt8>) {
        put(UInt8(bytes.count))
        putBytes(bytes)
    }

    /// A u32 length, then the bytes.
    mutating func putLong(_ bytes: some Collection<UInt8>) {
        put(UInt32(bytes.count))
        putBytes(bytes)
    }
}
