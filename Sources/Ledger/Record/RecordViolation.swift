/// Why stored or offered bytes are not a valid v1 record (ledger.md §3.1 "Decoders MUST reject").
public enum RecordViolation: Error, Sendable, Equatable, CustomStringConvertible {
    case missingBytes(field: String)
    case unsupportedFormatVersion(UInt16)
    case unknownFlags(UInt8)
    case positionMismatch(expected: Position, found: Position)
    case lengthOutOfRange(field: String, length: Int)
    case invalidCharacters(field: String)
    case unknownAEAD(UInt8)
    case zeroSchemaVersion
    case trailingBytes(count: Int)

    public var description: String {
        switch self {
        case .missingBytes(let field): "record ends inside \(field)"
        case .unsupportedFormatVersion(let version): "unsupported format version \(version)"
        case .unknownFlags(let flags): "unknown flag bits 0x\(String(flags, radix: 16))"
        case .positionMismatch(let expected, let found): "position field \(found) at key \(expected)"
        case .lengthOutOfRange(let field, let length): "\(field) length \(length) out of range"
        case .invalidCharacters(let field): "\(field) has characters outside its alphabet"
        case .unknownAEAD(let value): "unknown aead \(value)"
        case .zeroSchemaVersion: "schema version 0"
        case .trailingBytes(let count): "\(count) bytes after the last field"
        }
    }
}
