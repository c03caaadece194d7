public import Domain
public import Foundation
public import Ledger

/// Who may reveal residents' personal fields to an auditor: a staff token checked against the token store
/// (`HTTPAPI.TokenStaffAuthorisation` for the CLI; the server checks its bearer token itself).
public protocol StaffAuthorisation: Sendable {
    /// The staff member (actor and ledger name) a token stands for; throws `.rejected` for an unknown token.
    func staffMember(forToken token: String) throws(CommandError) -> Actor
}

/// Personal fields of timeline entries, revealed only through `PersonalDataReader` (each resident's read is
/// logged as `PersonalDataViewed` and durable before anything is decrypted), by the staff member a token names.
public enum AuditReveal {
    /// The personal JSON per position: the sealed part, or `{"redacted":true,"erasedAt":N}` after erasure.
    public static func personalFields(
        of entries: [AuditTimelineEntry], token: String, purpose: String, channel: ViewChannel,
        authorisation: some StaffAuthorisation, services: CommandServices
    ) async throws -> [Position: Data] {
        let viewer = try authorisation.staffMember(forToken: token)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var bySubject: [UUID: [RecordedEvent]] = [:]
        for entry in entries where entry.record.sealed != nil {
            if let subject = entry.dataSubject { bySubject[subject, default: []].append(entry.record) }
        }
        var personal: [Position: Data] = [:]
        for (subject, records) in bySubject.sorted(by: { $0.key.uuidString < $1.key.uuidString }) {
            let revealed = try await services.reader.reveal(
                records, of: PersonRef(uuid: subject), viewer: viewer, viewerID: viewer.ledgerName, purpose: purpose,
                channel: channel,
                envelope: CommandEnvelope(
                    commandID: .random(), actor: viewer, occurredAt: Instant(Date()), fingerprint: "cus audit"))
            for event in revealed {
                if let json = try event.personalJSON(encoder: encoder) { personal[event.record.position] = json }
            }
        }
        return personal
    }
}
