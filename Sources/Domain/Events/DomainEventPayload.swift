public import Foundation

/// One event type at one schema version: its stable name (never a Swift type name), its category (the stream
/// prefix), the binary codec of its clear part and the JSON form of the same fields. Types are generated from
/// `Schemas/events/catalogue.json` by `Tools/generate-domain`.
public protocol DomainEventPayload: PayloadStruct {
    associatedtype Personal: PersonalFields = NoPersonalFields
    static var eventType: String { get }
    static var schemaVersion: UInt16 { get }
    static var category: String { get }
    /// The sealed part; nil when the type has none, before it is opened, or after erasure.
    var personal: Personal? { get set }
    /// The id whose key seals `personal` (a person, provider or staff member); nil for types without one.
    var dataSubject: UUID? { get }
    /// The names of the sealed fields, as the access log records them.
    static var personalFieldNames: [String] { get }
}

extension DomainEventPayload where Personal == NoPersonalFields {
    public var personal: NoPersonalFields? {
        get { nil }
        set {}
    }
    public var dataSubject: UUID? { nil }
    public static var personalFieldNames: [String] { [] }
}

/// A struct with a binary form, a JSON form and field checks (lengths, patterns) matching its JSON Schema.
public protocol PayloadStruct: PayloadCodable, Codable, Hashable, Sendable {
    func collectViolations(path: String, into violations: inout [FieldViolation])
}

extension PayloadStruct {
    /// Every field that breaks its schema's length or pattern; empty when the value is valid.
    public var violations: [FieldViolation] {
        var violations: [FieldViolation] = []
        collectViolations(path: "", into: &violations)
        return violations
    }
}

/// The personal fields of an event, sealed under the data subject's key.
public protocol PersonalFields: PayloadStruct {}

/// The `Personal` of event types that carry no personal data.
public struct NoPersonalFields: PersonalFields {
    public init() {}
    public func encode(to writer: inout PayloadWriter) {}
    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {}
    public func collectViolations(path: String, into violations: inout [FieldViolation]) {}
}

/// A field whose value breaks its schema: `path` names it (`.items[2].name`), `rule` says which limit.
public struct FieldViolation: Hashable, Sendable, CustomStringConvertible {
    public var path: String
    public var rule: String

    public init(path: String, rule: String) {
        self.path = path
        self.rule = rule
    }

    public var description: String { "\(path.isEmpty ? "(root)" : path): \(rule)" }
}

/// The checks behind the catalogue's field types (`Tools/generate-domain` calls these).
public enum FieldCheck {
    public static let stringLengthMax = 256
    public static let textLengthMax = 4000

    public static func string(
        _ value: String, path: String, maxLength: Int = stringLengthMax, into violations: inout [FieldViolation]
    ) {
        let count = value.count
        if count == 0 { violations.append(FieldViolation(path: path, rule: "must not be empty")) }
        if count > maxLength {
            violations.append(FieldViolation(path: path, rule: "longer than \(maxLength) characters"))
        }
    }

    public static func text(_ value: String, path: String, into violations: inout [FieldViolation]) {
        string(value, path: path, maxLength: textLengthMax, into: &violations)
    }

    /// `[A-Za-z0-9][A-Za-z0-9._/-]{0,63}`.
    public static func code(_ value: String, path: String, into violations: inout [FieldViolation]) {
        let bytes = Array(value.utf8)
        let valid =
            (1...64).contains(bytes.count)
            && bytes.enumerated().allSatisfy { index, byte in
                isAlphanumeric(byte)
                    || (index > 0
                        && [
                            UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "/"),
                            UInt8(ascii: "-"),
                        ].contains(byte))
            }
        if !valid { violations.append(FieldViolation(path: path, rule: "not a code [A-Za-z0-9][A-Za-z0-9._/-]{0,63}")) }
    }

    /// 64 lowercase hexadecimal digits.
    public static func sha256(_ value: String, path: String, into violations: inout [FieldViolation]) {
        let bytes = Array(value.utf8)
        let valid =
            bytes.count == 64
            && bytes.allSatisfy {
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                    || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
            }
        if !valid { violations.append(FieldViolation(path: path, rule: "not 64 lowercase hex digits")) }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }
}

/// Fixed values the generated samples use.
public enum DomainSamples {
    /// With hex letters, so a JSON form that writes UUIDs in upper case fails its schema.
    public static let uuid = UUID(uuid: (0xAB, 0xCD, 0xEF, 0, 0, 0, 0x40, 0, 0x80, 0, 0, 0, 0, 0, 0, 1))
}
