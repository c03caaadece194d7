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
    public var entries: [AuditTimelineEntry]
    /// Personal fields by position (absent: the event has none of this person's).
    public var personal: [Position: Data]
    public var accesses: [AuditAccessEntry]

    /// Gathers the export; the reveal itself is logged as a `PersonalDataViewed` event before decryption.
    public static func make(
        person: PersonRef, token: String, purpose: String, authorisation: some StaffAuthorisation,
        services: CommandServices
    ) async throws -> SubjectExport {
        let viewer = try authorisation.staffMember(forToken: token)
        let entries = try AuditTimeline.entries(in: services.ledger, subject: .person(person))
        let personal = try await AuditReveal.personalFields(
            of: entries.filter { $0.dataSubject == person.uuid }, viewer: viewer, purpose: purpose, channel: .report,
            services: services)
        return SubjectExport(
            person: person, purpose: purpose, treeSize: try services.ledger.treeSize(),
            root: try services.ledger.merkleRoot(), entries: entries, personal: personal,
            accesses: try AuditTimeline.accessEntries(in: services.ledger, viewerID: nil, person: person))
    }

    /// The erasure receipts among the entries.
    public var erasures: [AuditTimelineEntry] { entries.filter { $0.record.type.name == "PersonalDataErased" } }

    public func json() throws -> Data {
        func parsed(_ text: String?) -> Any {
            guard let text, let value = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else {
                return NSNull()
            }
            return value
        }
        let events: [[String: Any]] = entries.map { entry in
            [
                "position": entry.record.position.rawValue, "stream": entry.record.stream.description,
                "type": entry.record.type.name, "recordedAt": RFC3339.format(entry.record.recordedAt),
                "actor": entry.record.metadata.actor, "actorRole": entry.actorRole ?? NSNull(),
                "clear": parsed(entry.clearJSON),
                "personal": personal[entry.record.position].map { parsed(String(decoding: $0, as: UTF8.self)) }
                    ?? NSNull(),
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
            "kind": "cusledger/subject-export/v1", "person": person.uuid.uuidString.lowercased(), "purpose": purpose,
            "treeSize": treeSize, "root": root.hex, "events": events,
            "erasureReceipts": erasures.map { $0.record.position.rawValue }, "accessLog": accessLog,
        ]
        return try JSONSerialization.data(
            withJSONObject: document, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
    }

    public var html: String {
        let id = person.uuid.uuidString.lowercased()
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
                    String(entry.record.position.rawValue), RFC3339.format(entry.record.recordedAt),
                    entry.record.type.name, entry.record.metadata.actor, entry.clearJSON ?? "–",
                    personal[entry.record.position].map { String(decoding: $0, as: UTF8.self) } ?? "–",
                ]
            })
        body += "<h2>Usunięcia danych (potwierdzenia)</h2>\n"
        body += AuditHTML.table(
            ["Pozycja", "Zapisano", "Treść"],
            erasures.map {
                [String($0.record.position.rawValue), RFC3339.format($0.record.recordedAt), $0.clearJSON ?? "–"]
            })
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
