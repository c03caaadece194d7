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
    /// The context without its two strings (ruleSetVersion, commandHash), which no view reads.
    public var context: EventContext.Summary
    public var event: DomainEvent
    /// Whether the record carries a sealed personal part (e.g. a late approval's reason).
    public var hasSealedPart: Bool

    public init(
        position: Position, recordedAt: Timestamp, stream: StreamID, eventID: EventID,
        context: EventContext.Summary, event: DomainEvent, hasSealedPart: Bool = false
    ) {
        self.hasSealedPart = hasSealedPart
        self.position = position
        self.recordedAt = recordedAt
        self.stream = stream
        self.eventID = eventID
        self.context = context
        self.event = event
    }

    /// The record's clear part, decoded from where it lies; `typeIndex` is its type in `EventTypeIndex.shared`,
    /// which the builder found from the type's bytes before deciding to decode it.
    static func decode(_ record: RecordView, typeIndex: Int) throws(ProjectionError) -> ProjectedEvent {
        let decoded: (context: EventContext.Summary, event: DomainEvent)
        do {
            decoded = try EventCodec.decodeSummary(
                typeIndex: typeIndex, schemaVersion: record.schemaVersion, clear: record.payload)
        } catch {
            throw ProjectionError.undecodable(position: record.position.rawValue, "\(error)")
        }
        return ProjectedEvent(
            position: record.position, recordedAt: record.recordedAt, stream: record.stream, eventID: record.eventID,
            context: decoded.context, event: decoded.event, hasSealedPart: record.isEncrypted)
    }

    /// The event's own id as a Foundation UUID (what corrections and reversals refer to).
    public var eventUUID: UUID { eventID.rawValue.foundationUUID }
}
