import Foundation

extension RuleSet {
    /// The largest rule-set file `decode(json:)` reads; the 2020 set is about 2.5 KiB.
    public static let jsonBytesMax = 256 * 1024

    /// The bytes the Commands layer hashes (SHA-256) into `RuleSetPublished.contentHash`: keys sorted, no
    /// whitespace, `/` unescaped, dates as `YYYY-MM-DD`, absent `effectiveTo` and `transitionalScope` as `null`.
    /// Stable for equal sets, whatever the layout of the file they came from.
    public func canonicalJSON() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(self))
        } catch {
            // A rule set holds only strings, integers, booleans, arrays and objects, which always encode.
            preconditionFailure("a rule set failed to encode: \(error)")
        }
    }

    /// Reads and validates one rule-set file (`Schemas/rules/<ruleSetId>-<version>.json`). Refuses missing and
    /// unknown fields, wrong types and everything `validate()` refuses, naming the field.
    public static func decode(json: [UInt8]) throws(RuleBookError) -> RuleSet {
        guard json.count <= jsonBytesMax else { throw .tooLarge(bytes: json.count, limit: jsonBytesMax) }
        let ruleSet: RuleSet
        let shape: JSONShape
        do {
            let decoder = JSONDecoder()
            shape = try decoder.decode(JSONShape.self, from: Data(json))
            ruleSet = try decoder.decode(RuleSet.self, from: Data(json))
        } catch let error as DecodingError {
            throw RuleBookError(error)
        } catch {
            throw .malformedJSON(reason: "\(error)")
        }
        guard let known = try? JSONDecoder().decode(JSONShape.self, from: Data(ruleSet.canonicalJSON())) else {
            preconditionFailure("the canonical JSON of a rule set failed to parse")
        }
        if let path = shape.firstFieldMissing(from: known, path: "") { throw .unknownField(path: path) }
        try ruleSet.validate()
        return ruleSet
    }
}

extension RuleBookError {
    init(_ error: DecodingError) {
        switch error {
        case .keyNotFound(let key, let context):
            self = .missingField(path: Self.path(context.codingPath + [key]))
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            self = .wrongType(path: Self.path(context.codingPath), expected: Self.jsonTypeName(type))
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            self = .malformedJSON(reason: context.debugDescription)
        case .dataCorrupted(let context):
            self = .invalidValue(path: Self.path(context.codingPath), reason: context.debugDescription)
        @unknown default:
            self = .malformedJSON(reason: "\(error)")
        }
    }

    /// `parameters.serviceAreas[3]`; the whole document is `(root)`.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text.isEmpty ? "(root)" : text
    }

    private static func jsonTypeName(_ type: Any.Type) -> String {
        let name = String(describing: type)
        switch name {
        case "String": return "string"
        case "Int": return "integer"
        case "Bool": return "boolean"
        default:
            if name.hasPrefix("Array") { return "array" }
            if name.hasPrefix("Dictionary") { return "object" }
            if name.hasPrefix("Optional") { return "string or null" }
            return name
        }
    }
}

/// The outline of a JSON document (objects and arrays, not their scalars), to find the fields a file has that the
/// rule-set types do not.
private enum JSONShape: Decodable {
    case object([String: JSONShape])
    case array([JSONShape])
    case scalar

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        if let object = try? decoder.container(keyedBy: Key.self) {
            var fields: [String: JSONShape] = [:]
            for key in object.allKeys { fields[key.stringValue] = try object.decode(JSONShape.self, forKey: key) }
            self = .object(fields)
        } else if var array = try? decoder.unkeyedContainer() {
            var items: [JSONShape] = []
            while !array.isAtEnd { items.append(try array.decode(JSONShape.self)) }
            self = .array(items)
        } else {
            self = .scalar
        }
    }

    /// The first key, in sorted order, present here but not in `known`.
    func firstFieldMissing(from known: JSONShape, path: String) -> String? {
        switch (self, known) {
        case (.object(let fields), .object(let knownFields)):
            for key in fields.keys.sorted() {
                let fieldPath = path.isEmpty ? key : "\(path).\(key)"
                guard let knownField = knownFields[key] else { return fieldPath }
                if let missing = fields[key]?.firstFieldMissing(from: knownField, path: fieldPath) { return missing }
            }
            return nil
        case (.array(let items), .array(let knownItems)):
            for (index, (item, knownItem)) in zip(items, knownItems).enumerated() {
                if let missing = item.firstFieldMissing(from: knownItem, path: "\(path)[\(index)]") { return missing }
            }
            return nil
        default:
            return nil
        }
    }
}
