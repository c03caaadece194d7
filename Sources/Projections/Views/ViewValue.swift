public import Domain
public import Foundation

/// A cell of a view as `cus views show` prints it: JSON values, with nested rows for a view's items.
public enum ViewValue: Sendable, Hashable, Encodable {
    case null
    case bool(Bool)
    case int(Int64)
    case number(Double)
    case string(String)
    case rows([ViewRow])

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .rows(let rows): try container.encode(rows)
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

    /// The CSV cell: text as is, nested rows as their JSON.
    public var csvText: String {
        switch self {
        case .null: ""
        case .bool(let value): value ? "true" : "false"
        case .int(let value): String(value)
        case .number(let value): String(value)
        case .string(let value): value
        case .rows:
            (try? JSONEncoder.sortedViews.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? ""
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

extension JSONEncoder {
    /// Views print their columns in domain.md's order; nested JSON keeps it too.
    public static var sortedViews: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }
}
