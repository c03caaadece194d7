/// One line of `cus ledger export` (ledger.md §3.4; `Schemas/ledger-export-line.schema.json`): the event's
/// fields in clear JSON, the exact stored record in base64 and its leaf hash. Written by hand, field by field,
/// so the bytes never depend on a JSON encoder's key order or escaping.
public enum ExportLine {
    /// The JSON form of a type's clear payload, when a codec for it is known; nil means `payloadBase64`.
    public typealias PayloadRenderer = @Sendable (RecordedEvent) -> String?

    public static func format(_ event: RecordedEvent, record: UnsafeRawBufferPointer, payloadJSON: String?) -> String {
        var line = "{\"position\":\(event.position.rawValue)"
        line += ",\"stream\":\(quoted(event.stream.description))"
        line += ",\"streamVersion\":\(event.version.rawValue)"
        line += ",\"type\":\(quoted(event.type.name))"
        line += ",\"schemaVersion\":\(event.schemaVersion)"
        line += ",\"eventId\":\(quoted(event.id.description))"
        line += ",\"recordedAt\":\(quoted(RFC3339.format(event.recordedAt)))"
        line += ",\"correlationId\":\(optional(event.metadata.correlationID))"
        line += ",\"causationId\":\(optional(event.metadata.causationID))"
        line += ",\"actor\":\(quoted(event.metadata.actor))"
        line += ",\"encrypted\":\(event.sealed != nil)"
        line += ",\"keyId\":\(optional(event.sealed?.keyID))"
        if let payloadJSON {
            line += ",\"payload\":\(payloadJSON)"
        } else {
            line += ",\"payloadBase64\":\(quoted(Base64.encode(event.payload)))"
        }
        line += ",\"record\":\(quoted(Base64.encode(record)))"
        line += ",\"leafHash\":\(quoted(RFC6962.leafHash(of: record).hex))}"
        return line
    }

    private static func optional(_ id: UUID128?) -> String { id.map { quoted($0.description) } ?? "null" }

    /// A JSON string literal (RFC 8259 escaping; non-ASCII kept as UTF-8).
    public static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
