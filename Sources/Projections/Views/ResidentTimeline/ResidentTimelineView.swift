public import Domain
import Foundation
public import Ledger

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
        guard let ledger = context.ledger else {
            throw ProjectionError.storage("ResidentTimeline reads its events from the ledger, and none was given")
        }
        var rows: [ViewRow] = []
        for timeline in try timelines(reader, person: person, ledger: ledger) {
            let standing = try reader.get("persons", .uuid(timeline.person.uuid), as: PersonStanding.self)
            rows.append(row(timeline.person, timeline.events, standing ?? PersonStanding(), today: context.today))
        }
        return rows
    }

    /// Records read from the ledger per snapshot: a whole view's timelines are read in several short read
    /// transactions (ledger.md §2.4), which the append-only ledger keeps consistent with one another.
    static let recordsPerSnapshot = 10_000

    /// Every listed person's events (or `person`'s alone), in person then ledger order: the positions come from
    /// the `events` index, the events from `ledger`, read in position order in snapshots of at most
    /// `recordsPerSnapshot` records and decoded as the builder decodes them.
    public static func timelines(_ reader: RowReader, person: PersonRef?, ledger: Ledger) throws(ProjectionError)
        -> [(person: PersonRef, events: [TimelineEntry])]
    {
        let prefix = person.map { RowKey.uuid($0.uuid) } ?? RowKey()
        let listed = try reader.rows("events", prefix: prefix, as: TimelineMark.self).map {
            (key, _) throws(ProjectionError) in try Self.listing(key)
        }
        let byPosition = listed.indices.sorted { listed[$0].position < listed[$1].position }
        var entries = [TimelineEntry?](repeating: nil, count: listed.count)
        for start in stride(from: 0, to: byPosition.count, by: recordsPerSnapshot) {
            let chunk = byPosition[start..<min(start + recordsPerSnapshot, byPosition.count)]
            try read(chunk, of: listed, from: ledger, into: &entries)
        }
        var timelines: [(person: PersonRef, events: [TimelineEntry])] = []
        for (listing, entry) in zip(listed, entries) {
            guard let entry else {
                throw ProjectionError.storage("ResidentTimeline: position \(listing.position) unread")
            }
            if timelines.last?.person == listing.person {
                timelines[timelines.count - 1].events.append(entry)
            } else {
                timelines.append((listing.person, [entry]))
            }
        }
        return timelines
    }

    /// Reads the records at the listings `chunk` names (in position order) in one snapshot into `entries`.
    private static func read(
        _ chunk: ArraySlice<Int>, of listed: [(person: PersonRef, position: Position)], from ledger: Ledger,
        into entries: inout [TimelineEntry?]
    ) throws(ProjectionError) {
        struct Stop: Error {}
        var failure: ProjectionError?
        var next = chunk.makeIterator()
        do {
            try ledger.recordViews(at: chunk.lazy.map { listed[$0].position }) { record in
                guard let index = next.next() else { return }
                do throws(ProjectionError) { entries[index] = try Self.entry(record, of: listed[index].person) } catch {
                    failure = error
                    throw Stop()
                }
            }
        } catch {
            throw failure ?? ProjectionError.storage("reading ResidentTimeline's events from the ledger: \(error)")
        }
    }

    /// The person and position a row key lists (`ResidentTimelineProjection.key`).
    private static func listing(_ key: RowKey) throws(ProjectionError) -> (person: PersonRef, position: Position) {
        var reader = PayloadReader(key.bytes)
        do {
            let person = PersonRef(uuid: try UUID(from: &reader))
            let position = try reader.readRaw(count: 8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            try reader.finish()
            return (person, Position(position))
        } catch {
            throw ProjectionError.corruptRow(table: "events", "a key that is not a personRef and a position")
        }
    }

    /// The timeline entry of the record for `person`; a record that does not name the person is not theirs (the
    /// index was built from another ledger).
    private static func entry(_ record: RecordView, of person: PersonRef) throws(ProjectionError) -> TimelineEntry {
        guard let typeIndex = EventTypeIndex.shared.index(of: record.eventTypeBytes) else {
            throw ProjectionError.undecodable(position: record.position.rawValue, "an event type this release lacks")
        }
        let entry = TimelineEntry(try ProjectedEvent.decode(record, typeIndex: typeIndex), of: person)
        guard !entry.namedAs.isEmpty else {
            throw ProjectionError.corruptRow(
                table: "events", "position \(record.position) does not name the person it is listed under")
        }
        return entry
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
