import Ledger

/// A tiny JSON writer for CLI output whose key order is part of the contract.
indirect enum JSONText {
    case null
    case bool(Bool)
    case number(UInt64)
    case string(String)
    /// A number written as given (e.g. a ratio).
    case literal(String)
    case array([JSONText])
    case object([(String, JSONText)])

    var text: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .number(let value): String(value)
        case .string(let value): ExportLine.quoted(value)
        case .literal(let text): text
        case .array(let values): "[" + values.map(\.text).joined(separator: ",") + "]"
        case .object(let fields):
            "{" + fields.map { ExportLine.quoted($0.0) + ":" + $0.1.text }.joined(separator: ",") + "}"
        }
    }
}
