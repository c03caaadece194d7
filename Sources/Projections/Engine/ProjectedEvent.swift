public import Domain
public import Foundation
public import Ledger

/// One ledger record as a projection sees it: where it sits, when it was recorded, and its clear part decoded
/// (personal fields stay sealed; a projection that needs statistical attributes reads the person dimension).
public struct ProjectedEvent: Sendable {
    public var position: Position
    public var recordedAt: Timestamp
    public var stream: StreamID
    public var eventID: EventID
    public var context: EventContext
    public var event: DomainEvent
    /// Whether the record carries a sealed personal part (e.g. a late approval's reason).
    public var hasSealedPart: Bool

    public init(
        position: Position, recordedAt: Timestamp, stream: StreamID, eventID: EventID, context: EventContext,
        event: DomainEvent, hasSealedPart: Bool = false
    ) {
        self.hasSealedPart = hasSealedPart
        self.position = position
        self.recordedAt = recordedAt
        self.stream = stream
        self.eventID = eventID
        self.context = context
        self.event = event
    }

    /// The record's clear part, decoded; nil for a record no projection reads (an unknown type is a ledger
    /// written by a newer release: it is skipped, as ledger.md's forward-compatibility rule says).
    static func decode(_ record: RecordedEvent) throws(ProjectionError) -> ProjectedEvent? {
        let type = record.type.description
        guard DomainEvent.registry[type] != nil else { return nil }
        let decoded: (context: EventContext, event: DomainEvent)
        do {
            decoded = try EventCodec.decode(
                eventType: type, schemaVersion: record.schemaVersion, clear: Array(record.payload))
        } catch {
            throw ProjectionError.undecodable(position: record.position.rawValue, "\(error)")
        }
        return ProjectedEvent(
            position: record.position, recordedAt: record.recordedAt, stream: record.stream, eventID: record.id,
            context: decoded.context, event: decoded.event, hasSealedPart: record.sealed != nil)
    }

    /// The event's own id as a Foundation UUID (what corrections and reversals refer to).
    public var eventUUID: UUID { eventID.rawValue.foundationUUID }
}
