public import Foundation

/// An event ready for the ledger: the clear part (context ‖ fields, `Schemas/payload-codec.md`) and, for
/// types with personal fields, the plaintext to seal under `dataSubject`'s key. The plaintext never leaves
/// the Commands layer except through the Vault.
public struct EncodedEvent: Sendable, Hashable {
    public var eventType: String
    public var schemaVersion: UInt16
    public var category: String
    public var clear: [UInt8]
    public var personalPlaintext: [UInt8]?
    public var dataSubject: UUID?
}

/// The one mapper between domain events and payload bytes (style.md: one mapper between domain events and
/// records). Decoding accepts every version in `DomainEvent.registry` and upcasts it to the current type.
public enum EventCodec {
    public static func encode(_ event: DomainEvent, context: EventContext) -> EncodedEvent {
        encode(event.payload, context: context)
    }

    private static func encode<Payload: DomainEventPayload>(_ payload: Payload, context: EventContext) -> EncodedEvent {
        var writer = PayloadWriter(capacity: 256)
        context.encode(to: &writer)
        payload.encode(to: &writer)
        var personal: [UInt8]?
        if Payload.Personal.self != NoPersonalFields.self, let fields = payload.personal {
            var personalWriter = PayloadWriter(capacity: 256)
            fields.encode(to: &personalWriter)
            personal = personalWriter.bytes
        }
        return EncodedEvent(
            eventType: Payload.eventType, schemaVersion: Payload.schemaVersion, category: Payload.category,
            clear: writer.bytes, personalPlaintext: personal, dataSubject: payload.dataSubject)
    }

    /// The context and event of a clear part; `personal` is nil until `attachPersonal` is given the plaintext.
    public static func decode(eventType: String, schemaVersion: UInt16, clear: [UInt8])
        throws(PayloadCodingError) -> (context: EventContext, event: DomainEvent)
    {
        guard DomainEvent.registry[eventType]?.readable.contains(schemaVersion) == true else {
            throw .unknownEventType(eventType, schemaVersion: schemaVersion)
        }
        var reader = PayloadReader(clear)
        let context = try EventContext(from: &reader)
        let event = try DomainEvent.decodeClear(eventType: eventType, schemaVersion: schemaVersion, from: &reader)
        try reader.finish()
        return (context, event)
    }

    /// The replay path's decode: the type found by `EventTypeIndex`, the clear part read where it lies, and the
    /// context's two strings checked but not built (`EventContext.Summary`). Rejects what `decode` rejects.
    public static func decodeSummary(typeIndex: Int, schemaVersion: UInt16, clear: UnsafeRawBufferPointer)
        throws(PayloadCodingError) -> (context: EventContext.Summary, event: DomainEvent)
    {
        let entry = try EventTypeIndex.shared.decoderEntry(index: typeIndex, schemaVersion: schemaVersion)
        var reader = PayloadReader(borrowing: clear)
        let context = try EventContext.Summary(from: &reader)
        let event = try DomainEvent.decodeClear(entry: entry, from: &reader)
        try reader.finish()
        return (context, event)
    }

    /// The event with its personal fields decoded from the opened plaintext.
    public static func attachPersonal(_ plaintext: [UInt8], to event: DomainEvent) throws(PayloadCodingError)
        -> DomainEvent
    {
        try attach(plaintext, to: event.payload)
    }

    private static func attach<Payload: DomainEventPayload>(_ plaintext: [UInt8], to payload: Payload)
        throws(PayloadCodingError) -> DomainEvent
    {
        var reader = PayloadReader(plaintext)
        var payload = payload
        payload.personal = try Payload.Personal(from: &reader)
        try reader.finish()
        guard let event = DomainEvent(payload) else {
            throw .unknownEventType(Payload.eventType, schemaVersion: Payload.schemaVersion)
        }
        return event
    }

    /// The clear part as JSON, `{"context": …, "event": …}`, as `Schemas/events/<Type>.v<N>.schema.json` says.
    public static func clearJSON(_ event: DomainEvent, context: EventContext, encoder: JSONEncoder) throws -> Data {
        try clearJSON(event.payload, context: context, encoder: encoder)
    }

    /// The same for a payload of any version, current or older.
    public static func clearJSON(_ payload: any DomainEventPayload, context: EventContext, encoder: JSONEncoder)
        throws -> Data
    {
        try encoder.encode(ClearPartJSON(context: context, event: payload))
    }

    /// The personal fields as JSON (`<Type>.v<N>.sealed.schema.json`), or nil when there are none to show.
    public static func personalJSON(_ event: DomainEvent, encoder: JSONEncoder) throws -> Data? {
        try personalJSON(event.payload, encoder: encoder)
    }

    public static func personalJSON<Payload: DomainEventPayload>(_ payload: Payload, encoder: JSONEncoder) throws
        -> Data?
    {
        guard Payload.Personal.self != NoPersonalFields.self, let fields = payload.personal else { return nil }
        return try encoder.encode(fields)
    }
}

private struct ClearPartJSON: Encodable {
    var context: EventContext
    var event: any DomainEventPayload

    enum CodingKeys: String, CodingKey { case context, event }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(context, forKey: .context)
        try container.encode(event, forKey: .event)
    }
}

extension DomainEvent {
    public var eventType: String { type(of: payload).eventType }
    public var schemaVersion: UInt16 { type(of: payload).schemaVersion }
    public var category: String { type(of: payload).category }
}
