public import Domain
public import Foundation
import Ledger

/// A row of ResidentTimeline's `events` table: nothing but its key, the person's reference and the event's
/// position (ADR 0025). What the timeline shows of the event is read from the ledger (`TimelineEntry`).
public struct TimelineMark: PayloadCodable, Hashable, Sendable {
    public init() {}

    public func encode(to writer: inout PayloadWriter) {}

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {}
}

/// One event of a resident's timeline: where and when it was recorded, what it is, and how it names the person.
/// References and clear codes only, made from the event's clear part when the view reads it; the sealed part is
/// never read here (ledger.md §4.4), and `sealed` says whether there is one of this person to reveal.
public struct TimelineEntry: Hashable, Sendable {
    public var position: UInt64
    public var recordedAt: Instant
    public var occurredAt: Instant
    public var type: String
    public var stream: String
    public var eventId: UUID
    /// The fields naming the person (`personRef`, `applicantRef`, `representativeRef`, `agreedBy`).
    public var namedAs: [String]
    /// The record carries a sealed part under this person's key.
    public var sealed: Bool

    /// The entry of `event` on `person`'s timeline.
    public init(_ event: ProjectedEvent, of person: PersonRef) {
        position = event.position.rawValue
        recordedAt = Instant(microsecondsSinceEpoch: event.recordedAt.rawValue)
        occurredAt = event.context.occurredAt
        type = event.event.eventType
        stream = event.stream.description
        eventId = event.eventUUID
        namedAs = event.event.namedPersons.filter { $0.personRef == person }.map(\.field)
        sealed = event.hasSealedPart && event.event.payload.dataSubject == person.uuid
    }
}

/// What a resident has agreed to and who may act for them, with the dates that decide what is active on a day,
/// and the position of the erasure receipt once their personal data was erased.
public struct PersonStanding: PayloadCodable, Hashable, Sendable {
    public var consents: [ConsentStanding] = []
    public var representatives: [RepresentativeStanding] = []
    public var erasedAt: UInt64?

    public init() {}

    public func encode(to writer: inout PayloadWriter) {
        writer.writeArray(consents)
        writer.writeArray(representatives)
        writer.writeOptional(erasedAt)
    }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        consents = try reader.readArray()
        representatives = try reader.readArray()
        erasedAt = try reader.readOptional()
    }
}

/// A consent (`ConsentGranted`), and the day its withdrawal takes effect.
public struct ConsentStanding: PayloadCodable, Hashable, Sendable {
    public var consentId: ConsentID
    public var purpose: ConsentPurpose
    public var scope: String
    public var medium: ConsentMedium
    /// `validFrom`, or the grant's business date when it has none.
    public var validFrom: LocalDate
    public var validTo: LocalDate?
    public var withdrawnFrom: LocalDate?

    public init(_ granted: ConsentGranted, on date: LocalDate) {
        consentId = granted.consentId
        purpose = granted.purpose
        scope = granted.scope
        medium = granted.medium
        validFrom = granted.validFrom ?? date
        validTo = granted.validTo
    }

    public func isActive(on date: LocalDate) -> Bool {
        validFrom <= date && validTo.map { date <= $0 } ?? true && withdrawnFrom.map { date < $0 } ?? true
    }

    public func encode(to writer: inout PayloadWriter) {
        writer.write(consentId)
        writer.write(purpose)
        writer.write(scope)
        writer.write(medium)
        writer.write(validFrom)
        writer.writeOptional(validTo)
        writer.writeOptional(withdrawnFrom)
    }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        consentId = try reader.read()
        purpose = try reader.read()
        scope = try reader.read()
        medium = try reader.read()
        validFrom = try reader.read()
        validTo = try reader.readOptional()
        withdrawnFrom = try reader.readOptional()
    }
}

/// A representative (`RepresentativeRecorded`, L9) and the days they may act.
public struct RepresentativeStanding: PayloadCodable, Hashable, Sendable {
    public var representativeRef: PersonRef
    public var kind: RepresentativeKind
    public var validFrom: LocalDate
    public var validTo: LocalDate?

    public init(_ recorded: RepresentativeRecorded) {
        representativeRef = recorded.representativeRef
        kind = recorded.kind
        validFrom = recorded.validFrom
        validTo = recorded.validTo
    }

    public func isActive(on date: LocalDate) -> Bool { validFrom <= date && validTo.map { date <= $0 } ?? true }

    public func encode(to writer: inout PayloadWriter) {
        writer.write(representativeRef)
        writer.write(kind)
        writer.write(validFrom)
        writer.writeOptional(validTo)
    }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        representativeRef = try reader.read()
        kind = try reader.read()
        validFrom = try reader.read()
        validTo = try reader.readOptional()
    }
}
