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
        try await personalFields(
            of: entries, viewer: try authorisation.staffMember(forToken: token), purpose: purpose, channel: channel,
            services: services)
    }

    /// The same for a viewer already authenticated (the HTTP API's bearer token): one `PersonalDataViewed` per
    /// resident whose sealed fields are among `entries`, durable before anything is decrypted.
    public static func personalFields(
        of entries: [AuditTimelineEntry], viewer: Actor, purpose: String, channel: ViewChannel,
        services: CommandServices
    ) async throws -> [Position: Data] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var bySubject: [UUID: [RecordedEvent]] = [:]
        for entry in entries where entry.record.sealed != nil {
            if let subject = entry.dataSubject { bySubject[subject, default: []].append(entry.record) }
        }
        var personal: [Position: Data] = [:]
        for (subject, records) in bySubject.sorted(by: { $0.key.uuidString < $1.key.uuidString }) {
            let now = Instant(Date())
            let revealed = try await services.reader.reveal(
                records, of: PersonRef(uuid: subject), viewer: viewer, viewerID: viewer.ledgerName, purpose: purpose,
                channel: channel,
                envelope: CommandEnvelope(
                    commandID: .commandID(issuedAt: now), actor: viewer, occurredAt: now,
                    fingerprint: "audit reveal"))
            for event in revealed {
                if let json = try event.personalJSON(encoder: encoder) { personal[event.record.position] = json }
            }
        }
        return personal
    }
}

extension AuditReveal {
    /// A purpose for the access log: not blank, at most `PersonalDataReader.purposeLengthMax` characters, and no
    /// control character (a line of the log, read by people).
    public static func checkPurpose(_ purpose: String) throws(CommandError) {
        guard !purpose.allSatisfy(\.isWhitespace), purpose.count <= PersonalDataReader.purposeLengthMax,
            !purpose.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw CommandError(
                .invalidRequest,
                "purpose must be 1…\(PersonalDataReader.purposeLengthMax) characters, not blank, without control "
                    + "characters")
        }
    }

    /// A resident's timeline in [from, to) with their own personal fields revealed: at most one
    /// `PersonalDataViewed` (none when no sealed field of theirs is among the events), durable before anything is
    /// decrypted. Nil, with nothing recorded, when no event touches the resident at all.
    public static func residentTimeline(
        _ person: PersonRef, from: Instant? = nil, to: Instant? = nil, viewer: Actor, purpose: String,
        channel: ViewChannel, services: CommandServices
    ) async throws -> [AuditTimelineRow]? {
        try checkPurpose(purpose)
        let all = try AuditTimeline.entries(in: services.ledger, subject: .person(person))
        guard !all.isEmpty else { return nil }
        let entries = all.filter { $0.happened(from: from, to: to) }
        let personal = try await personalFields(
            of: entries.filter { $0.dataSubject == person.uuid }, viewer: viewer, purpose: purpose, channel: channel,
            services: services)
        return entries.map { AuditTimelineRow($0, personal: personal[$0.record.position]) }
    }
}
