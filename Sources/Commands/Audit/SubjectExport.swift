public import Domain
public import Foundation
public import Ledger

/// Everything the CUS holds about one resident (GDPR art. 15; `cus audit subject-export`): every event touching
/// them with its clear part and their personal fields revealed through the access-logged path (redacted markers
/// after erasure), the erasure receipts, and who viewed their data. Written as JSON and a readable HTML page.
public struct SubjectExport: Sendable {
    public var person: PersonRef
    public var purpose: String
    public var treeSize: UInt64
    public var root: MerkleHash
    /// The events touching the person, their own personal fields revealed (`personal`, absent when none).
    public var entries: [AuditTimelineRow]
    public var accesses: [AuditAccessEntry]

    public init(
        person: PersonRef, purpose: String, treeSize: UInt64, root: MerkleHash, entries: [AuditTimelineRow],
        accesses: [AuditAccessEntry]
    ) {
        self.person = person
        self.purpose = purpose
        self.treeSize = treeSize
        self.root = root
        self.entries = entries
        self.accesses = accesses
    }

    /// Gathers the export; the reveal itself is logged as a `PersonalDataViewed` event before decryption.
    public static func make(
        person: PersonRef, token: String, purpose: String, authorisation: some StaffAuthorisation,
        services: CommandServices
    ) async throws -> SubjectExport {
        let viewer = try authorisation.staffMember(forToken: token)
        let entries = try await AuditReveal.residentTimeline(
            person, viewer: viewer, purpose: purpose, channel: .report, services: services)
        return try completed(person: person, purpose: purpose, entries: entries ?? [], ledger: services.ledger)
    }

    /// The export of `entries` already revealed (here or by a running server's API), with the ledger's size, root
    /// and access log read after the reveal, so the reveal's own `PersonalDataViewed` is listed.
    public static func completed(person: PersonRef, purpose: String, entries: [AuditTimelineRow], ledger: Ledger)
        throws -> SubjectExport
    {
        SubjectExport(
            person: person, purpose: purpose, treeSize: try ledger.treeSize(), root: try ledger.merkleRoot(),
            entries: entries, accesses: try AuditTimeline.accessEntries(in: ledger, viewerID: nil, person: person))
    }

    /// The erasure receipts among the entries.
    public var erasures: [AuditTimelineRow] { entries.filter { $0.type == "PersonalDataErased" } }

    public func json() throws -> Data {
        func parsed(_ text: String?) -> Any {
            guard let text, let value = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else {
                return NSNull()
            }
            return value
        }
        let events: [[String: Any]] = entries.map { entry in
            [
                "position": entry.position, "stream": entry.stream, "type": entry.type,
                "recordedAt": entry.recordedAt, "actor": entry.actor, "actorRole": entry.actorRole ?? NSNull(),
                "clear": parsed(entry.clear), "personal": parsed(entry.personal),
            ]
        }
        let accessLog: [[String: Any]] = accesses.map { access in
            [
                "position": access.position.rawValue, "recordedAt": RFC3339.format(access.recordedAt),
                "viewerId": access.viewed.viewerId, "viewerRole": access.viewed.viewerRole.rawValue,
                "fieldNames": access.viewed.fieldNames, "purpose": access.viewed.purpose,
                "channel": access.viewed.channel.rawValue,
            ]
        }
        let document: [String: Any] = [
            "kind": "cusledger/subject-export/v1", "person": person.uuid.lowercasedText, "purpose": purpose,
            "treeSize": treeSize, "root": root.hex, "events": events,
            "erasureReceipts": erasures.map(\.position), "accessLog": accessLog,
        ]
        return try JSONSerialization.data(
            withJSONObject: document, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
    }

    public var html: String {
        let id = person.uuid.lowercasedText
        var body = "<h1>Dane osobowe — informacja dla osoby, której dane dotyczą (RODO art. 15)</h1>\n"
        body += AuditHTML.facts(
            [
                ("Osoba (identyfikator)", id), ("Cel", purpose), ("Stan rejestru (rozmiar)", String(treeSize)),
                ("Korzeń drzewa Merkle", root.hex),
            ], mono: ["Osoba (identyfikator)", "Korzeń drzewa Merkle"])
        body += "<h2>Zdarzenia (\(entries.count))</h2>\n"
        body += AuditHTML.table(
            ["Pozycja", "Zapisano", "Typ", "Wykonawca", "Dane jawne", "Dane osobowe"],
            entries.map { entry in
                [
                    String(entry.position), entry.recordedAt, entry.type, entry.actor, entry.clear ?? "–",
                    entry.personal ?? "–",
                ]
            })
        body += "<h2>Usunięcia danych (potwierdzenia)</h2>\n"
        body += AuditHTML.table(
            ["Pozycja", "Zapisano", "Treść"],
            erasures.map { [String($0.position), $0.recordedAt, $0.clear ?? "–"] })
        body += "<h2>Kto przeglądał dane</h2>\n"
        body += AuditHTML.table(
            ["Pozycja", "Zapisano", "Przeglądający", "Rola", "Pola", "Cel", "Kanał"],
            accesses.map { access in
                [
                    String(access.position.rawValue), RFC3339.format(access.recordedAt), access.viewed.viewerId,
                    access.viewed.viewerRole.rawValue, access.viewed.fieldNames.joined(separator: ", "),
                    access.viewed.purpose, access.viewed.channel.rawValue,
                ]
            })
        return AuditHTML.page(title: "RODO art. 15 — \(id)", body: body)
    }
}
