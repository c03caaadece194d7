import Foundation

/// Checks one export line against the record it carries: every field must agree with the decoded `record`
/// and `leafHash` with its hash, so a line cannot say one thing while its record says another.
enum ExportLineParser {
    struct Mismatch: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    static func record(
        from line: ArraySlice<UInt8>, expectedPosition: UInt64, payloadJSON: ExportLine.PayloadRenderer = { _ in nil }
    ) throws -> [UInt8] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
            throw Mismatch("not a JSON object")
        }
        guard let recordText = object["record"] as? String, let record = Base64.decode(recordText) else {
            throw Mismatch("\"record\" is missing or not base64")
        }
        guard let position = (object["position"] as? NSNumber)?.uint64Value, position == expectedPosition else {
            throw Mismatch(
                "\"position\" is not \(expectedPosition): lines must be in position order from 0, none missing")
        }
        let event = try RecordDecoder.decode(record, expectedPosition: Position(position))
        let expected: [String: Any?] = [
            "stream": event.stream.description, "streamVersion": event.version.rawValue, "type": event.type.name,
            "schemaVersion": UInt64(event.schemaVersion), "eventId": event.id.description,
            "recordedAt": RFC3339.format(event.recordedAt), "correlationId": event.metadata.correlationID?.description,
            "causationId": event.metadata.causationID?.description, "actor": event.metadata.actor,
            "encrypted": event.sealed != nil, "keyId": event.sealed?.keyID.description,
            "leafHash": RFC6962.leafHash(of: record).hex,
        ]
        for (key, value) in expected.sorted(by: { $0.key < $1.key }) {
            guard object.keys.contains(key), matches(object[key] ?? nil, value) else {
                throw Mismatch("\"\(key)\" is missing or disagrees with the record")
            }
        }
        let known: Set = [
            "position", "stream", "streamVersion", "type", "schemaVersion", "eventId", "recordedAt", "correlationId",
            "causationId", "actor", "encrypted", "keyId", "payload", "payloadBase64", "record", "leafHash",
        ]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw Mismatch("unknown member \"\(unknown)\"")
        }
        if object["payload"] != nil && object["payloadBase64"] != nil {
            throw Mismatch("both \"payload\" and \"payloadBase64\" are present")
        }
        if let base64 = object["payloadBase64"] {
            guard let text = base64 as? String, Base64.decode(text).map(Payload.init) == event.payload else {
                throw Mismatch("\"payloadBase64\" disagrees with the record")
            }
        } else if let payload = object["payload"] {
            try checkPayloadJSON(payload, of: event, payloadJSON: payloadJSON)
        } else {
            throw Mismatch("neither \"payload\" nor \"payloadBase64\" is present")
        }
        return record
    }

    /// A `payload` must be what the payload codec renders from the record itself.
    private static func checkPayloadJSON(
        _ payload: Any, of event: RecordedEvent, payloadJSON: ExportLine.PayloadRenderer
    )
        throws
    {
        guard let rendered = payloadJSON(event),
            let expected = try? JSONSerialization.jsonObject(with: Data(rendered.utf8)) as? NSDictionary
        else { throw Mismatch("\"payload\" is given for a type without a JSON codec here; use \"payloadBase64\"") }
        guard let found = payload as? NSDictionary, found.isEqual(expected) else {
            throw Mismatch("\"payload\" disagrees with the record")
        }
    }

    private static func matches(_ found: Any?, _ expected: Any?) -> Bool {
        switch expected {
        case nil, .some(nil as Any?): return found == nil || found is NSNull
        case let text as String: return (found as? String) == text
        case let number as UInt64:
            guard let found = found as? NSNumber else { return false }
            return found.stringValue == String(number)
        case let flag as Bool:
            return (found as? Bool) == flag
        default: return false
        }
    }
}
