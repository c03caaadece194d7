public import Ledger

/// What the AAD binds (ledger.md §3.1): the record's own fields that exist before the writer assigns
/// position, stream version and `recordedAt`. Opening under any other binding fails.
public struct SealBinding: Sendable, Hashable {
    public var eventID: EventID
    public var stream: StreamID
    public var eventType: EventType
    public var schemaVersion: UInt16

    public init(eventID: EventID, stream: StreamID, eventType: EventType, schemaVersion: UInt16) {
        self.eventID = eventID
        self.stream = stream
        self.eventType = eventType
        self.schemaVersion = schemaVersion
    }

    /// The binding of an event read back from the ledger.
    public init(_ event: RecordedEvent) {
        self.init(eventID: event.id, stream: event.stream, eventType: event.type, schemaVersion: event.schemaVersion)
    }
}

/// The personal fields of an event: their plaintext, or, once the subject's key was destroyed, the marker
/// readers show as `{"redacted": true, "erasedAt": …}` (ledger.md §3.4).
public enum OpenedPersonalData: Sendable, Hashable {
    case plaintext([UInt8])
    case redacted(keyID: UUID128, erasedAt: Position)
}
