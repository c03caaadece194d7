/// Record format v1 laid out field by field from Schemas/ledger-record.md, independently of `RecordEncoder`,
/// and able to write what the encoder never would (bad lengths, bad bytes): the source of the invalid vectors.
/// For valid inputs the generator checks that it gives exactly the encoder's bytes.
struct RawRecord {
    struct Sealed {
        var keyID: [UInt8]
        var aead: UInt8
        var nonce: [UInt8]
        var ciphertextAndTag: [UInt8]
        var lengthOverride: UInt32?
    }

    var formatVersion: UInt16 = 1
    var flags: UInt8?
    var position: UInt64
    var streamUUID: [UInt8]
    var streamVersion: UInt64
    var eventID: [UInt8]
    var recordedAt: Int64
    var correlationID: [UInt8] = Array(repeating: 0, count: 16)
    var causationID: [UInt8] = Array(repeating: 0, count: 16)
    var schemaVersion: UInt16
    var category: [UInt8]
    var eventType: [UInt8]
    var actor: [UInt8]
    var payload: [UInt8]
    var payloadLengthOverride: UInt32?
    var sealed: Sealed?
    var trailing: [UInt8] = []
    var dropLast = 0

    var bytes: [UInt8] {
        var out: [UInt8] = []
        func be<T: FixedWidthInteger>(_ value: T) {
            withUnsafeBytes(of: value.bigEndian) { out.append(contentsOf: $0) }
        }
        be(formatVersion)
        be(flags ?? (sealed == nil ? 0 : 1))
        be(position)
        out += streamUUID
        be(streamVersion)
        out += eventID
        be(recordedAt)
        out += correlationID
        out += causationID
        be(schemaVersion)
        be(UInt8(truncatingIfNeeded: category.count))
        out += category
        be(UInt8(truncatingIfNeeded: eventType.count))
        out += eventType
        be(UInt8(truncatingIfNeeded: actor.count))
        out += actor
        be(payloadLengthOverride ?? UInt32(payload.count))
        out += payload
        if let sealed {
            out += sealed.keyID
            be(sealed.aead)
            out += sealed.nonce
            be(sealed.lengthOverride ?? UInt32(sealed.ciphertextAndTag.count))
            out += sealed.ciphertextAndTag
        }
        out += trailing
        out.removeLast(min(dropLast, out.count))
        return out
    }
}
