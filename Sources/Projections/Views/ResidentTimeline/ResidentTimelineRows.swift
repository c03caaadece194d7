public import Domain
public import Foundation

/// One event of a resident's timeline: where and when it was recorded, what it is, and how it names the person.
/// References and clear codes only; the sealed part is never stored here (ledger.md §4.4), and `sealed` says
/// whether there is one of this person to reveal.
public struct TimelineEntry: PayloadCodable, Hashable, Sendable {
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

    public init(
        position: UInt64, recordedAt: Instant, occurredAt: Instant, type: String, stream: String, eventId: UUID,
        namedAs: [String], sealed: Bool
    ) {
        self.position = position
        self.recordedAt = recordedAt
        self.occurredAt = occurredAt
        self.type = type
        self.stream = stream
        self.eventId = eventId
        self.namedAs = namedAs
        self.sealed = sealed
    }

    public func encode(to writer: inout PayloadWriter) {
        writer.write(position)
        writer.write(recordedAt)
        writer.write(occurredAt)
        writer.write(type)
        writer.write(stream)
        writer.write(eventId)
        writer.writeArray(namedAs)
        writer.write(sealed)
    }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        position = try reader.read()
        recordedAt = try reader.read()
        occurredAt = try reader.read()
        type = try reader.read()
        stream = try reader.read()
        eventId = try reader.read()
        namedAs = try reader.readArray()
        sealed = try reader.read()
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
