import Domain
import Foundation

/// A command that records one event as the client states it: the body is the event's fields — clear and
/// personal (🔒) side by side in one flat object — without the stream's own id, which comes from the path
/// (`personRef` of `/v1/persons/{personRef}/…`). The clear fields as sent are the fingerprint; the personal ones
/// are split off by name and never hashed.
struct EventCommandRequest<Event: DomainEventPayload>: CommandRequest {
    /// The id field of each stream category these requests write, filled from the path.
    static var streamKeyField: String {
        switch Event.category {
        case ProgrammeAdopted.category: "programmeId"
        case ProviderRegistered.category: "providerId"
        case StaffQualified.category: "staffId"
        case ApplicationSubmitted.category: "applicationId"
        case PersonRegistered.category: "personRef"
        default: Event.category + "Id"
        }
    }

    /// The body always holds the stream key when decoded: `JSONBody.binding` checks it against the path or
    /// fills it in.
    static var pathBoundField: String? { streamKeyField }

    /// The clear fields as `JSONValue`s, for the fingerprint (whose text is recorded: it stays as it was).
    var clear: [String: JSONValue]
    private var decoded: Event

    /// The event and its personal part decode from the body itself, so numbers are read as sent (a `JSONValue`
    /// holds an integer beyond `Int64` as a `Double`, and would round it).
    init(from decoder: any Decoder) throws {
        decoded = try Event(from: decoder)
        if !Event.personalFieldNames.isEmpty { decoded.personal = try Event.Personal(from: decoder) }
        var fields = try [String: JSONValue](from: decoder)
        for name in Event.personalFieldNames + [Self.streamKeyField] { fields[name] = nil }
        clear = fields
    }

    /// The event, its stream id set from the path.
    func event<Key>(_ field: WritableKeyPath<Event, Key>, _ key: Key) -> Event {
        var event = decoded
        event[keyPath: field] = key
        return event
    }
}

/// A command whose body is a flat object of clear fields (`Clear`, the fingerprint) and, beside them, the
/// personal fields of `Personal`, which are never hashed.
struct FieldsRequest<Clear: Codable & Sendable, Personal: Decodable & Sendable>: CommandRequest {
    var clear: Clear
    var personal: Personal

    init(from decoder: any Decoder) throws {
        clear = try Clear(from: decoder)
        personal = try Personal(from: decoder)
    }
}

/// A request with no personal fields at all.
typealias ClearRequest<Clear: Codable & Sendable> = FieldsRequest<Clear, NoPersonalFields>
