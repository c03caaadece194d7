import Ledger

/// A JSON value with ordered object keys, printed by hand so the vector files are byte-stable and read in the
/// order a person would look for things.
indirect enum JSONValue {
    case string(String)
    case int(Int64)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(String, JSONValue)])

    static func uint(_ value: some BinaryInteger) -> JSONValue { .int(Int64(value)) }
    static func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
    static func hex(_ bytes: some Collection<UInt8>) -> JSONValue { .string(Hex.encode(bytes)) }

    /// Two-space indentation; arrays and objects of scalars only stay on one line when short.
    func printed(indent: Int = 0) -> String {
        let pad = String(repeating: " ", count: indent)
        let inner = String(repeating: " ", count: indent + 2)
        switch self {
        case .string(let text): return ExportLine.quoted(text)
        case .int(let value): return String(value)
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        case .array(let items):
            if items.isEmpty { return "[]" }
            let flat = items.map { $0.printed() }
            if items.allSatisfy(\.isScalar), flat.joined(separator: ", ").count < 80 {
                return "[" + flat.joined(separator: ", ") + "]"
            }
            return "[\n" + items.map { inner + $0.printed(indent: indent + 2) }.joined(separator: ",\n") + "\n\(pad)]"
        case .object(let members):
            if members.isEmpty { return "{}" }
            let lines = members.map { key, value in
                "\(inner)\(ExportLine.quoted(key)): \(value.printed(indent: indent + 2))"
            }
            return "{\n" + lines.joined(separator: ",\n") + "\n\(pad)}"
        }
    }

    private var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }
}

enum Hex {
    static func encode(_ bytes: some Collection<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8] {
        let utf8 = Array(text.utf8)
        precondition(utf8.count % 2 == 0, "odd hex")
        func nibble(_ c: UInt8) -> UInt8 {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x61...0x66: c - 0x61 + 10
            default: preconditionFailure("not lowercase hex")
            }
        }
        return stride(from: 0, to: utf8.count, by: 2).map { nibble(utf8[$0]) << 4 | nibble(utf8[$0 + 1]) }
    }
}
