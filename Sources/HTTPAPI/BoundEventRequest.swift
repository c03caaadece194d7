import Domain

/// The request of a command that carries its event as is (domain.md §4): one flat JSON object with the event's
/// clear fields, any `Extra` fields the command needs beside them, and the event's personal fields (🔒), which
/// are sealed and never part of the fingerprint. Fields the path fixes (`planId`…) are filled in by
/// `JSONBody.binding` before decoding.
struct BoundEventRequest<Event: DomainEventPayload, Extra: Codable & Sendable>: CommandRequest {
    struct Clear: Codable, Sendable {
        var event: Event
        var extra: Extra

        init(from decoder: any Decoder) throws {
            event = try Event(from: decoder)
            extra = try Extra(from: decoder)
        }

        func encode(to encoder: any Encoder) throws {
            try event.encode(to: encoder)
            try extra.encode(to: encoder)
        }
    }

    var clear: Clear
    var personal: Event.Personal?

    init(from decoder: any Decoder) throws {
        clear = try Clear(from: decoder)
        personal = Event.personalFieldNames.isEmpty ? nil : try Event.Personal(from: decoder).ifGiven
    }

    /// The event with its personal fields.
    var event: Event {
        var event = clear.event
        event.personal = personal
        return event
    }

    var extra: Extra { clear.extra }
}

/// No fields beside the event's.
struct NoExtraFields: Codable, Sendable {}

typealias EventRequest<Event: DomainEventPayload> = BoundEventRequest<Event, NoExtraFields>

extension PersonalFields {
    /// Nil when the request gives none of the personal fields, so nothing is sealed for an absent part.
    var ifGiven: Self? { JSONBody.encode(self) == Array("{}".utf8) ? nil : self }
}
