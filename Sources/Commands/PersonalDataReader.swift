public import Domain
public import Ledger
public import Vault
public import Foundation

/// An event as shown to staff: its clear part always, and its personal fields when they were revealed.
public struct RevealedEvent: Sendable, Hashable {
    public enum PersonalData: Sendable, Hashable {
        /// The event has no sealed part for this person.
        case none
        /// `event.payload.personal` holds the decrypted fields.
        case revealed
        /// The key was destroyed: the JSON form is `{"redacted": true, "erasedAt": <position>}` (ledger.md §3.4).
        case redacted(erasedAt: Position)
    }

    public var record: RecordedEvent
    public var context: EventContext
    public var event: DomainEvent
    public var personalData: PersonalData
}

/// The only way to decrypted personal fields of a resident (domain.md §4.4, §4.12 rule 6): it appends
/// `PersonalDataViewed` to `accesslog-<viewer>` and waits for its durable acknowledgement **before** opening
/// anything, and refuses when that append fails. The one exception is the Vault's statistical path for
/// projections (ledger.md §4.4), which never goes through here.
public final class PersonalDataReader: Sendable {
    public static let purposeLengthMax = 256

    let pipeline: CommandPipeline
    let vault: Vault

    public init(pipeline: CommandPipeline, vault: Vault) {
        self.pipeline = pipeline
        self.vault = vault
    }

    /// Reveals `person`'s personal fields in `records` (other records pass through with `.none`).
    public func reveal(
        _ records: [RecordedEvent], of person: PersonRef, viewer: Actor, viewerID: String, purpose: String,
        channel: ViewChannel, envelope: CommandEnvelope
    ) async throws(CommandError) -> [RevealedEvent] {
        var decoded: [(RecordedEvent, EventContext, DomainEvent)] = []
        var fieldNames: [String] = []
        for record in records {
            let (context, event) = try StreamLoader.decode(record)
            decoded.append((record, context, event))
            if record.sealed != nil, event.payload.dataSubject == person.uuid {
                for name in type(of: event.payload).personalFieldNames {
                    let qualified = "\(event.eventType).\(name)"
                    if !fieldNames.contains(qualified) { fieldNames.append(qualified) }
                }
            }
        }
        guard !fieldNames.isEmpty else {
            return decoded.map { RevealedEvent(record: $0, context: $1, event: $2, personalData: .none) }
        }
        try await logView(
            of: person, viewer: viewer, viewerID: viewerID, fieldNames: fieldNames, purpose: purpose,
            channel: channel, envelope: envelope)
        var revealed: [RevealedEvent] = []
        for (record, context, event) in decoded {
            revealed.append(try open(record, context: context, event: event, person: person))
        }
        return revealed
    }

    private func logView(
        of person: PersonRef, viewer: Actor, viewerID: String, fieldNames: [String], purpose: String,
        channel: ViewChannel, envelope: CommandEnvelope
    ) async throws(CommandError) {
        let viewed = PersonalDataViewed(
            personRef: person, viewerId: viewerID, viewerRole: viewer.role, fieldNames: fieldNames, purpose: purpose,
            channel: channel)
        let violations = viewed.violations
        guard violations.isEmpty else {
            throw CommandError(.invalidRequest, "the access-log entry is invalid: \(violations)")
        }
        // The durable acknowledgement of this append is what allows the decryption below.
        _ = try await pipeline.appendUnconditionally(
            .personalDataViewed(viewed), to: try LedgerNames.accessLog(viewerID: viewerID), envelope: envelope)
    }

    private func open(_ record: RecordedEvent, context: EventContext, event: DomainEvent, person: PersonRef)
        throws(CommandError) -> RevealedEvent
    {
        guard let sealed = record.sealed, event.payload.dataSubject == person.uuid else {
            return RevealedEvent(record: record, context: context, event: event, personalData: .none)
        }
        let opened: OpenedPersonalData
        do { opened = try vault.open(sealed, binding: SealBinding(record)) } catch { throw CommandError(error) }
        switch opened {
        case .plaintext(let plaintext):
            let withPersonal: DomainEvent
            do { withPersonal = try EventCodec.attachPersonal(plaintext, to: event) } catch {
                throw CommandError(
                    .corrupted, "the sealed part at \(record.position.rawValue) does not decode: \(error)")
            }
            return RevealedEvent(record: record, context: context, event: withPersonal, personalData: .revealed)
        case .redacted(_, let erasedAt):
            return RevealedEvent(
                record: record, context: context, event: event, personalData: .redacted(erasedAt: erasedAt))
        }
    }
}

extension RevealedEvent {
    /// The personal fields as staff see them: the sealed part's JSON (`<Type>.v<N>.sealed.schema.json`) when
    /// revealed, `{"redacted": true, "erasedAt": <position>}` after erasure (ledger.md §3.4), nil when none.
    public func personalJSON(encoder: JSONEncoder) throws -> Data? {
        switch personalData {
        case .none: return nil
        case .revealed: return try EventCodec.personalJSON(event, encoder: encoder)
        case .redacted(let erasedAt): return try encoder.encode(RedactedMarker(erasedAt: erasedAt.rawValue))
        }
    }
}

/// The JSON that stands for erased personal fields.
private struct RedactedMarker: Encodable {
    let redacted = true
    let erasedAt: UInt64
}
