public import Domain
import Foundation

/// How ResidentTimeline reads: one row per resident with their events in ledger order (`eventColumns`), and the
/// consents and representatives active on `today` (computed when read, never stored).
public enum ResidentTimelineView {
    public static let columns = ["personRef", "events", "consents", "representatives", "erasedAt"]
    /// The columns of each nested event; `cus views show` adds `personal` after revealing them.
    public static let eventColumns = [
        "position", "recordedAt", "businessDate", "type", "stream", "eventId", "namedAs", "sealed",
    ]

    public static func rows(_ reader: RowReader, person: PersonRef?, context: ViewContext) throws(ProjectionError)
        -> [ViewRow]
    {
        let prefix = person.map { RowKey.uuid($0.uuid) } ?? RowKey()
        var timelines: [(person: PersonRef, events: [TimelineEntry])] = []
        for (key, entry) in try reader.rows("events", prefix: prefix, as: TimelineEntry.self) {
            let owner = try Self.owner(of: key)
            if timelines.last?.person == owner {
                timelines[timelines.count - 1].events.append(entry)
            } else {
                timelines.append((owner, [entry]))
            }
        }
        var rows: [ViewRow] = []
        for timeline in timelines {
            let standing = try reader.get("persons", .uuid(timeline.person.uuid), as: PersonStanding.self)
            rows.append(row(timeline.person, timeline.events, standing ?? PersonStanding(), today: context.today))
        }
        return rows
    }

    /// The person's reference: a row key's first 16 bytes (`ResidentTimelineProjection.key`).
    private static func owner(of key: RowKey) throws(ProjectionError) -> PersonRef {
        var reader = PayloadReader(Array(key.bytes.prefix(16)))
        do { return PersonRef(uuid: try UUID(from: &reader)) } catch {
            throw ProjectionError.corruptRow(table: "events", "a key shorter than a personRef")
        }
    }

    static func row(_ person: PersonRef, _ events: [TimelineEntry], _ standing: PersonStanding, today: LocalDate)
        -> ViewRow
    {
        ViewRow([
            ("personRef", .id(person)), ("events", .rows(events.map(eventRow))),
            (
                "consents",
                .rows(
                    standing.consents.filter { $0.isActive(on: today) }.map { consent in
                        ViewRow([
                            ("consentId", .id(consent.consentId)), ("purpose", .string(consent.purpose.rawValue)),
                            ("scope", .string(consent.scope)), ("medium", .string(consent.medium.rawValue)),
                            ("validFrom", .date(consent.validFrom)), ("validTo", .date(consent.validTo)),
                        ])
                    })
            ),
            (
                "representatives",
                .rows(
                    standing.representatives.filter { $0.isActive(on: today) }.map { representative in
                        ViewRow([
                            ("representativeRef", .id(representative.representativeRef)),
                            ("kind", .string(representative.kind.rawValue)),
                            ("validFrom", .date(representative.validFrom)), ("validTo", .date(representative.validTo)),
                        ])
                    })
            ),
            ("erasedAt", .uint(standing.erasedAt)),
        ])
    }

    static func eventRow(_ entry: TimelineEntry) -> ViewRow {
        ViewRow([
            ("position", .uint(entry.position)), ("recordedAt", .string(entry.recordedAt.rfc3339)),
            ("businessDate", .date(entry.occurredAt.localDate)), ("type", .string(entry.type)),
            ("stream", .string(entry.stream)), ("eventId", .string(entry.eventId.lowercasedText)),
            ("namedAs", .string(entry.namedAs.joined(separator: ","))), ("sealed", .bool(entry.sealed)),
        ])
    }
}
