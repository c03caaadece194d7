import Domain
import Foundation
import Ledger

/// ResidentTimeline (domain.md §5): every event whose clear part names a resident (`DomainEvent.namedPersons`:
/// as the subject, applicant, representative or the one who agreed a plan), in ledger order, with their consents
/// and representatives. Staff only, every read logged: the rows hold references and clear codes, never decrypted
/// personal data; `cus views show ResidentTimeline` reveals the personal fields of the listed positions through
/// the access-logged `PersonalDataReader`, which appends `PersonalDataViewed` first (so views of the person are on
/// the timeline too).
///
/// Erasure destroys the person's key, not these rows: an erased resident keeps their timeline of references, and
/// `erasedAt` names the receipt, so a reveal shows the redacted marker (ledger.md §4.4).
public struct ResidentTimelineProjection: Projection {
    public static let name = "ResidentTimeline"
    public static let version: UInt32 = 1
    /// µs per event of a rebuild beyond the shared scan, as `cus-bench projections` measured it.
    public static let rebuildCost = 1.5
    public static let tables = ["events", "persons"]
    /// Every type with a `PersonRef` field (the catalogue's samples fill every field).
    public static let eventTypes = Set(DomainEvent.samples.filter { !$0.namedPersons.isEmpty }.map(\.eventType))

    public init() {}

    /// A person's events sort by position under their reference.
    static func key(_ person: PersonRef, position: UInt64) -> RowKey { RowKey.uuid(person.uuid).appending(position) }

    public func apply(_ event: ProjectedEvent, to rows: RowBatch) throws(ProjectionError) {
        let named = event.event.namedPersons
        let events = try rows.insertOnlyTable("events", of: TimelineEntry.self)
        // Formatted once per event: most events name one person, some name the same one twice.
        let stream = event.stream.description
        let recordedAt = Instant(microsecondsSinceEpoch: event.recordedAt.rawValue)
        let dataSubject = event.hasSealedPart ? event.event.payload.dataSubject : nil
        for (index, person) in named.enumerated()
        where !named[..<index].contains(where: { $0.personRef == person.personRef }) {
            let namedAs =
                named.count == 1 ? [person.field] : named.filter { $0.personRef == person.personRef }.map(\.field)
            events.insert(
                Self.key(person.personRef, position: event.position.rawValue),
                TimelineEntry(
                    position: event.position.rawValue, recordedAt: recordedAt, occurredAt: event.context.occurredAt,
                    type: event.event.eventType, stream: stream, eventId: event.eventUUID, namedAs: namedAs,
                    sealed: dataSubject == person.personRef.uuid))
        }
        try applyStanding(event, rows)
    }

    private func applyStanding(_ event: ProjectedEvent, _ rows: RowBatch) throws(ProjectionError) {
        let persons = try rows.table("persons", of: PersonStanding.self)
        switch event.event {
        case .consentGranted(let granted):
            try persons.update(.uuid(granted.personRef.uuid), orInsert: { PersonStanding() }) { person in
                person.consents.removeAll { $0.consentId == granted.consentId }
                person.consents.append(ConsentStanding(granted, on: event.context.occurredAt.localDate))
            }
        case .consentWithdrawn(let withdrawn):
            try persons.update(.uuid(withdrawn.personRef.uuid), orInsert: { PersonStanding() }) { person in
                guard let index = person.consents.firstIndex(where: { $0.consentId == withdrawn.consentId }) else {
                    return
                }
                person.consents[index].withdrawnFrom = withdrawn.effectiveFrom
            }
        case .representativeRecorded(let recorded):
            try persons.update(.uuid(recorded.personRef.uuid), orInsert: { PersonStanding() }) { person in
                person.representatives.append(RepresentativeStanding(recorded))
            }
        case .personalDataErased(let erased):
            try persons.update(.uuid(erased.personRef.uuid), orInsert: { PersonStanding() }) { person in
                if person.erasedAt == nil { person.erasedAt = event.position.rawValue }
            }
        default:
            return
        }
    }
}
