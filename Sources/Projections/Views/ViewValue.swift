public import Domain
import Foundation

/// A cell of a view as `cus views show` prints it: JSON values, with nested rows for a view's items.
public enum ViewValue: Sendable, Hashable, Encodable {
    case null
    case bool(Bool)
    case int(Int64)
    case number(Double)
    case string(String)
    case rows([ViewRow])
    /// JSON text made elsewhere, embedded as is: a revealed event's personal fields (`cus views show
    /// ResidentTimeline`), which only the access-logged reader may produce.
    case json(String)

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .rows(let rows): try container.encode(rows)
        // Foundation's encoder cannot embed raw JSON: it gets the text (`jsonText` embeds it).
        case .json(let text): try container.encode(text)
        }
    }

    public static func date(_ date: LocalDate?) -> ViewValue { date.map { .string($0.description) } ?? .null }
    public static func id(_ id: (some EntityIdentifier)?) -> ViewValue { id.map { .string($0.description) } ?? .null }
    public static func uint(_ value: UInt64?) -> ViewValue { value.map { .int(Int64(clamping: $0)) } ?? .null }
    public static func text(_ value: String?) -> ViewValue { value.map { .string($0) } ?? .null }

    /// `numerator ÷ denominator` rounded to 4 places; null when the denominator is 0.
    public static func ratio(_ numerator: UInt64, _ denominator: UInt64) -> ViewValue {
        guard denominator > 0 else { return .null }
        return .number((Double(numerator) / Double(denominator) * 10_000).rounded() / 10_000)
    }

    /// The value as JSON text; nested rows keep their columns in order (Foundation's encoder does not).
    public var jsonText: String {
        var out = ""
        writeJSON(into: &out)
        return out
    }

    /// Appends the value's JSON text to `out` (the HTTP API writes a page into one string this way).
    public func writeJSON(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .int(let value): out += String(value)
        case .number(let value): out += value.isFinite ? String(value) : "null"
        case .string(let value): Self.writeQuoted(value, into: &out)
        case .rows(let rows): ViewRow.writeJSON(rows, into: &out)
        case .json(let text): out += text
        }
    }

    /// A JSON string literal (RFC 8259 escapes; `/` is left alone).
    static func quoted(_ text: String) -> String {
        var out = ""
        writeQuoted(text, into: &out)
        return out
    }

    /// Appends `text` as a JSON string literal; text with nothing to escape is appended whole.
    public static func writeQuoted(_ text: String, into out: inout String) {
        out += "\""
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            out += text
            out += "\""
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    /// The CSV cell: text as is, nested rows as their JSON.
    public var csvText: String {
        switch self {
        case .null: ""
        case .bool(let value): value ? "true" : "false"
        case .int(let value): String(value)
        case .number(let value): String(value)
        case .string(let value): value
        case .rows, .json: jsonText
        }
    }
}

/// One row of a view: its cells in the view's column order (domain.md §5 names).
public struct ViewRow: Sendable, Hashable, Encodable {
    public var cells: [(column: String, value: ViewValue)]

    public init(_ cells: [(column: String, value: ViewValue)]) { self.cells = cells }

    public static func == (a: ViewRow, b: ViewRow) -> Bool {
        a.cells.map(\.column) == b.cells.map(\.column) && a.cells.map(\.value) == b.cells.map(\.value)
    }

    public func hash(into hasher: inout Hasher) {
        for cell in cells {
            hasher.combine(cell.column)
            hasher.combine(cell.value)
        }
    }

    public subscript(column: String) -> ViewValue? { cells.first { $0.column == column }?.value }

    /// The row as a JSON object with its columns in the view's order.
    public var jsonText: String {
        var out = ""
        writeJSON(into: &out)
        return out
    }

    /// Rows as a JSON array.
    public static func jsonText(_ rows: [ViewRow]) -> String {
        var out = ""
        writeJSON(rows, into: &out)
        return out
    }

    /// Appends the row as a JSON object, its columns in the view's order.
    public func writeJSON(into out: inout String) {
        out += "{"
        for (index, cell) in cells.enumerated() {
            if index > 0 { out += "," }
            ViewValue.writeQuoted(cell.column, into: &out)
            out += ":"
            cell.value.writeJSON(into: &out)
        }
        out += "}"
    }

    /// Appends rows as a JSON array.
    public static func writeJSON(_ rows: [ViewRow], into out: inout String) {
        out += "["
        for (index, row) in rows.enumerated() {
            if index > 0 { out += "," }
            row.writeJSON(into: &out)
        }
        out += "]"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: ColumnKey.self)
        for cell in cells { try container.encode(cell.value, forKey: ColumnKey(cell.column)) }
    }

    private struct ColumnKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
