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
/// The `events` table is an index (ADR 0025): one empty row per person and position, so a rebuild writes a key per
/// named person and nothing else; the view reads each listed event from the ledger (`ResidentTimelineView`), which
/// holds every field a timeline shows. Erasure destroys the person's key, not these rows: an erased resident keeps
/// their timeline of references, and `erasedAt` names the receipt, so a reveal shows the redacted marker
/// (ledger.md §4.4).
public struct ResidentTimelineProjection: Projection {
    public static let name = "ResidentTimeline"
    /// 2: `events` keeps positions only; the view reads the events from the ledger (ADR 0025).
    public static let version: UInt32 = 2
    /// µs per event of a rebuild beyond the shared scan, as `cus-bench projections` measured it.
    public static let rebuildCost = 0.8
    public static let tables = ["events", "persons"]
    /// Every type with a `PersonRef` field (the catalogue's samples fill every field).
    public static let eventTypes = Set(DomainEvent.samples.filter { !$0.namedPersons.isEmpty }.map(\.eventType))

    public init() {}

    /// A person's events sort by position under their reference.
    static func key(_ person: PersonRef, position: UInt64) -> RowKey { RowKey.uuid(person.uuid).appending(position) }

    public func apply(_ event: ProjectedEvent, to rows: RowBatch) throws(ProjectionError) {
        let named = event.event.namedPersons
        let events = try rows.insertOnlyTable("events", of: TimelineMark.self)
        for (index, person) in named.enumerated()
        where !named[..<index].contains(where: { $0.personRef == person.personRef }) {
            events.insert(Self.key(person.personRef, position: event.position.rawValue), TimelineMark())
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
