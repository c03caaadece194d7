/// Byte offsets of record format v1's fixed header (ledger.md §3.1; Schemas/ledger-record.md).
enum RecordLayout {
    static let formatVersion: UInt16 = 1
    static let encryptedFlag: UInt8 = 0x01
    static let formatVersionOffset = 0
    static let flagsOffset = 2
    static let positionOffset = 3
    static let streamIDOffset = 11
    static let streamVersionOffset = 27
    static let eventIDOffset = 35
    static let recordedAtOffset = 51
    static let correlationIDOffset = 59
    static let causationIDOffset = 75
    static let schemaVersionOffset = 91
    static let variablePartOffset = 93
    static let sealedHeaderBytes = 16 + 1 + 12
}
