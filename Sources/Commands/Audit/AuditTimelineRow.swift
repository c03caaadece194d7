public import Foundation
import Ledger

/// One event of an auditor's timeline as it is shown: by `cus audit timeline` (text or `--json`) and by the HTTP
/// API's timeline reveal, whose JSON object the CLI reads back when it reveals through a running server.
/// `clear` and `personal` are JSON texts with sorted keys; `personal` is absent unless revealed.
public struct AuditTimelineRow: Sendable, Equatable {
    public var position: UInt64
    public var recordedAt: String
    public var stream: String
    public var type: String
    public var actor: String
    public var actorRole: String?
    public var correlationId: String?
    public var causationId: String?
    public var decisionRefs: [String]
    public var ruleSetVersion: String?
    public var encrypted: Bool
    public var clear: String?
    public var personal: String?

    public init(_ entry: AuditTimelineEntry, personal: Data?) {
        let record = entry.record
        position = record.position.rawValue
        recordedAt = RFC3339.format(record.recordedAt)
        stream = record.stream.description
        type = record.type.name
        actor = record.metadata.actor
        actorRole = entry.actorRole
        correlationId = record.metadata.correlationID?.description
        causationId = record.metadata.causationID?.description
        decisionRefs = entry.decisionRefs
        ruleSetVersion = entry.ruleSetVersion
        encrypted = record.sealed != nil
        clear = entry.clearJSON
        self.personal = personal.map { String(decoding: $0, as: UTF8.self) }
    }

    /// The row as a JSON object (`clear` and `personal` nested as objects), for `JSONSerialization`.
    public var jsonObject: [String: Any] {
        func nested(_ text: String?) -> Any {
            text.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8), options: .fragmentsAllowed) }
                ?? NSNull()
        }
        var object: [String: Any] = [
            "position": position, "recordedAt": recordedAt, "stream": stream, "type": type, "actor": actor,
            "actorRole": actorRole ?? NSNull(), "correlationId": correlationId ?? NSNull(),
            "causationId": causationId ?? NSNull(), "decisionRefs": decisionRefs,
            "ruleSetVersion": ruleSetVersion ?? NSNull(), "encrypted": encrypted, "clear": nested(clear),
        ]
        if personal != nil { object["personal"] = nested(personal) }
        return object
    }

    /// Reads back a `jsonObject`; nil when a member is missing or of the wrong type.
    public init?(jsonObject object: [String: Any]) {
        func text(_ value: Any?) -> String? {
            guard let value, !(value is NSNull) else { return nil }
            let options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed]
            return (try? JSONSerialization.data(withJSONObject: value, options: options))
                .map { String(decoding: $0, as: UTF8.self) }
        }
        guard let position = (object["position"] as? NSNumber).flatMap({ UInt64($0.stringValue) }),
            let recordedAt = object["recordedAt"] as? String, let stream = object["stream"] as? String,
            let type = object["type"] as? String, let actor = object["actor"] as? String,
            let decisionRefs = object["decisionRefs"] as? [String], let encrypted = object["encrypted"] as? Bool
        else { return nil }
        self.position = position
        self.recordedAt = recordedAt
        self.stream = stream
        self.type = type
        self.actor = actor
        actorRole = object["actorRole"] as? String
        correlationId = object["correlationId"] as? String
        causationId = object["causationId"] as? String
        self.decisionRefs = decisionRefs
        ruleSetVersion = object["ruleSetVersion"] as? String
        self.encrypted = encrypted
        clear = text(object["clear"])
        personal = text(object["personal"])
    }
}
