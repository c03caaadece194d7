public import Domain
public import Foundation
public import Ledger

/// Whose events an auditor's timeline gathers (`cus audit timeline`).
public enum AuditSubject: Sendable, Hashable {
    /// Every event about the resident: their stream, events sealed under them, events whose clear part names them.
    case person(PersonRef)
    /// The plan's stream and every event whose clear part names the plan.
    case plan(UUID)
    /// One stream, by its `<category>-<uuid>` name.
    case stream(String)
}

/// One event of an auditor's timeline: the record's clear envelope and, for domain events, the rule-set version,
/// the actor's role, any decision numbers and the clear payload as JSON (`Schemas/events`). No personal field.
public struct AuditTimelineEntry: Sendable {
    public var record: RecordedEvent
    public var actorRole: String?
    public var ruleSetVersion: String?
    public var decisionRefs: [String]
    /// The clear part as the export writes it (`{"context":…,"event":…}`), nil for non-domain types.
    public var clearJSON: String?
    /// The resident the sealed part belongs to, if any.
    public var dataSubject: UUID?
    /// Business time (`EventContext.occurredAt`) for domain events.
    public var occurredAt: Instant?

    /// When it happened for a period filter: business time, or `recordedAt` for events without a context.
    public var effectiveMicroseconds: Int64 { occurredAt?.microsecondsSinceEpoch ?? record.recordedAt.rawValue }

    /// Whether it happened in [from, to) (unbounded where nil).
    public func happened(from: Instant?, to: Instant?) -> Bool {
        let at = effectiveMicroseconds
        return from.map { at >= $0.microsecondsSinceEpoch } ?? true && to.map { at < $0.microsecondsSinceEpoch } ?? true
    }
}

/// Reads a subject's events in position order across streams, for auditors (issue #11). Works on the clear
/// parts only; revealing personal fields goes through `PersonalDataReader` (see `AuditReveal`).
public enum AuditTimeline {
    /// Members of a clear payload that carry administrative decision numbers (domain.md §4.11).
    static let decisionMembers: Set = ["decisionRef", "appealDecisionRef"]

    /// The entries touching `subject` that happened in [from, to) (any time when nil; business time `occurredAt`,
    /// else `recordedAt`), in position order.
    public static func entries(
        in ledger: Ledger, subject: AuditSubject, from: Instant? = nil, to: Instant? = nil
    ) throws -> [AuditTimelineEntry] {
        var entries: [AuditTimelineEntry] = []
        try scan(ledger) { entry in
            if entry.happened(from: from, to: to), touches(entry, subject: subject) { entries.append(entry) }
        }
        return entries
    }

    /// Calls `body` with every event of the ledger as an entry.
    public static func scan(
        _ ledger: Ledger, upTo size: UInt64 = .max, _ body: (AuditTimelineEntry) throws -> Void
    ) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try ledger.scanEvents(from: .zero, limit: size) { record in
            guard
                let decoded = try? EventCodec.decode(
                    eventType: record.type.description, schemaVersion: record.schemaVersion,
                    clear: Array(record.payload))
            else {
                try body(
                    AuditTimelineEntry(
                        record: record, actorRole: nil, ruleSetVersion: nil, decisionRefs: [], clearJSON: nil,
                        dataSubject: nil, occurredAt: nil))
                return
            }
            let json = try? EventCodec.clearJSON(decoded.event, context: decoded.context, encoder: encoder)
            try body(
                AuditTimelineEntry(
                    record: record, actorRole: decoded.context.actorRole.rawValue,
                    ruleSetVersion: decoded.context.ruleSetVersion, decisionRefs: json.map(decisionRefs) ?? [],
                    clearJSON: json.map { String(decoding: $0, as: UTF8.self) },
                    dataSubject: decoded.event.payload.dataSubject, occurredAt: decoded.context.occurredAt))
        }
    }

    static func touches(_ entry: AuditTimelineEntry, subject: AuditSubject) -> Bool {
        let stream = entry.record.stream.description
        switch subject {
        case .stream(let name): return stream == name
        case .person(let person):
            let id = person.uuid.lowercasedText
            return stream == "person-" + id || entry.dataSubject == person.uuid || entry.clearJSON?.contains(id) == true
        case .plan(let plan):
            let id = plan.lowercasedText
            return stream == "plan-" + id || entry.clearJSON?.contains(id) == true
        }
    }

    /// Every string value of a decision member anywhere in the clear JSON.
    static func decisionRefs(_ json: Data) -> [String] {
        guard let object = try? JSONSerialization.jsonObject(with: json) else { return [] }
        var found: [String] = []
        func walk(_ value: Any) {
            if let dictionary = value as? [String: Any] {
                for (key, member) in dictionary.sorted(by: { $0.key < $1.key }) {
                    if decisionMembers.contains(key), let text = member as? String { found.append(text) }
                    walk(member)
                }
            } else if let array = value as? [Any] {
                array.forEach(walk)
            }
        }
        walk(object)
        return found
    }
}

/// One `PersonalDataViewed` entry of the access logs (`cus audit access`).
public struct AuditAccessEntry: Sendable {
    public var position: Position
    public var recordedAt: Timestamp
    public var viewed: PersonalDataViewed
}

extension AuditTimeline {
    /// The `PersonalDataViewed` events by `viewerID` and/or about `person`, in position order.
    public static func accessEntries(in ledger: Ledger, viewerID: String?, person: PersonRef?) throws
        -> [AuditAccessEntry]
    {
        var entries: [AuditAccessEntry] = []
        var position = Position.zero
        let type = try EventType(PersonalDataViewed.eventType)
        while true {
            let page = try ledger.read(type: type, from: position, limit: 1_000)
            for record in page {
                guard case .personalDataViewed(let viewed) = try StreamLoader.decode(record).event else { continue }
                if let viewerID, viewed.viewerId != viewerID { continue }
                if let person, viewed.personRef != person { continue }
                entries.append(
                    AuditAccessEntry(position: record.position, recordedAt: record.recordedAt, viewed: viewed))
            }
            guard let last = page.last, page.count == 1_000 else { return entries }
            position = Position(last.position.rawValue + 1)
        }
    }
}
