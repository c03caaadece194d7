import Crypto
public import Domain
import Foundation
public import Ledger
public import Vault

/// The load → decide → append loop (style.md §5) with ledger.md G4's idempotency: before deciding, the
/// pipeline looks up eventId(command id, 0); when it exists the command already committed and its original
/// result is returned without deciding again. Otherwise the stream is folded, the decider runs against the
/// rule set in force on the command's date, personal fields are sealed by the Vault, and the events are
/// appended with the expected version, retrying a lost race up to `conflictRetriesMax` times.
public final class CommandPipeline: Sendable {
    public static let conflictRetriesMax = 5

    public let store: any EventStore
    public let vault: Vault?
    public let ruleBook: RuleBook
    let loader: StreamLoader
    let publisher: RuleSetPublisher

    /// Without a vault, events carrying personal fields are refused rather than written unsealed.
    public init(store: any EventStore, vault: Vault?, ruleBook: RuleBook = .defaults) {
        self.store = store
        self.vault = vault
        self.ruleBook = ruleBook
        loader = StreamLoader(store: store)
        publisher = RuleSetPublisher(store: store)
    }

    public func execute<D: Decider>(
        _ decider: D.Type, stream: StreamID, command: D.Command, envelope: CommandEnvelope,
        programmeVersion: UInt64? = nil
    ) async throws(CommandError) -> CommandResult {
        let commandHash = Self.commandHash(stream: stream, fingerprint: envelope.fingerprint)
        if let original = try originalResult(of: envelope.commandID, stream: stream, commandHash: commandHash) {
            return original
        }
        let ruleSet = try ruleSetInForce(for: envelope)
        try await publisher.ensurePublished(ruleSet)
        let rules = RuleContext(ruleSet: ruleSet, occurredAt: envelope.occurredAt, actor: envelope.actor)
        for attempt in 1...Self.conflictRetriesMax {
            let (events, expected) = try loader.loadIdentified(stream)
            if let required = envelope.requiredStreamVersion, expected != .exact(required) {
                throw CommandError(.preconditionFailed, "\(stream) is not at the required version \(required)")
            }
            let decided: [DomainEvent]
            do { decided = try D.decide(command, state: D.fold(identified: events), rules: rules) } catch {
                throw CommandError(rejection: error)
            }
            let context = EventContext(
                occurredAt: envelope.occurredAt, actorRole: envelope.actor.role,
                ruleSetVersion: ruleSet.ruleSetVersion.description, programmeVersion: programmeVersion,
                commandId: envelope.commandID.foundationUUID, commandHash: nil)
            let newEvents = try await seal(
                decided, stream: stream, context: context, envelope: envelope, hash: commandHash)
            guard !newEvents.isEmpty else {
                return CommandResult(
                    stream: stream, firstPosition: nil, lastPosition: nil, streamVersion: nil, eventCount: 0,
                    wasAlreadyRecorded: false)
            }
            do {
                let result = try await store.append(to: stream, expectedVersion: expected, events: newEvents)
                return CommandResult(result, eventCount: newEvents.count)
            } catch {
                if error.code == .wrongExpectedVersion, envelope.requiredStreamVersion != nil {
                    throw CommandError(.preconditionFailed, "\(stream) moved past the required version")
                }
                if error.code == .wrongExpectedVersion && attempt < Self.conflictRetriesMax { continue }
                throw CommandError(error)
            }
        }
        preconditionFailure("the last attempt returns or throws")
    }

    /// Encodes each event with its context and seals its personal fields under the data subject's key.
    func seal(
        _ events: [DomainEvent], stream: StreamID, context: EventContext, envelope: CommandEnvelope, hash: String
    ) async throws(CommandError) -> [NewEvent] {
        var newEvents: [NewEvent] = []
        for (index, event) in events.enumerated() {
            var eventContext = context
            if index == 0 { eventContext.commandHash = hash }
            let encoded = EventCodec.encode(event, context: eventContext)
            let id = EventID.derived(commandID: envelope.commandID, index: UInt32(index))
            let type = try LedgerNames.eventType(encoded.eventType)
            var sealed: SealedPart?
            if let plaintext = encoded.personalPlaintext {
                guard let vault, let subject = encoded.dataSubject else {
                    throw CommandError(.storage, "\(encoded.eventType) carries personal fields but no vault is open")
                }
                let binding = SealBinding(
                    eventID: id, stream: stream, eventType: type, schemaVersion: encoded.schemaVersion)
                do {
                    sealed = try await vault.sealGroupCommittingNewKey(
                        plaintext, for: UUID128(subject), binding: binding)
                } catch {
                    throw CommandError(error)
                }
            }
            let metadata = EventMetadata(
                actor: envelope.actor.ledgerName, correlationID: envelope.correlationID ?? envelope.commandID,
                causationID: envelope.causationID)
            newEvents.append(
                NewEvent(
                    id: id, type: type, schemaVersion: encoded.schemaVersion, payload: encoded.clear, sealed: sealed,
                    metadata: metadata))
        }
        return newEvents
    }

    /// The result of a command that already committed, or nil when it has not (G4).
    func originalResult(of commandID: UUID128, stream: StreamID, commandHash: String) throws(CommandError)
        -> CommandResult?
    {
        guard let first = try recordedEvent(EventID.derived(commandID: commandID, index: 0)) else { return nil }
        let context = try StreamLoader.decode(first).context
        guard first.stream == stream, context.commandHash == commandHash else {
            throw CommandError(
                .idempotencyKeyReused, "command \(commandID) was already used for a different request")
        }
        var last = first
        var count = 1
        while let next = try recordedEvent(EventID.derived(commandID: commandID, index: UInt32(count))) {
            last = next
            count += 1
        }
        return CommandResult(
            stream: stream, firstPosition: first.position, lastPosition: last.position, streamVersion: last.version,
            eventCount: count, wasAlreadyRecorded: true)
    }

    /// The rule set in force on the command's business date (domain.md §3.1).
    func ruleSetInForce(for envelope: CommandEnvelope) throws(CommandError) -> RuleSet {
        do { return try ruleBook.ruleSet(inForceOn: envelope.occurredAt.localDate) } catch {
            throw CommandError(.invalidRequest, "no rule set in force on \(envelope.occurredAt.localDate): \(error)")
        }
    }

    private func recordedEvent(_ id: EventID) throws(CommandError) -> RecordedEvent? {
        do { return try store.event(id: id) } catch { throw CommandError(error) }
    }

    /// SHA-256 of the stream and the request's non-personal fingerprint, lowercase hex (event 0's `commandHash`).
    static func commandHash(stream: StreamID, fingerprint: String) -> String {
        let digest = SHA256.hash(data: Array("cusledger/command/v1\n\(stream)\n\(fingerprint)".utf8))
        return Hex.encode(digest)
    }
}

extension CommandPipeline {
    /// Appends one event that no decider guards (an access-log entry: expected version `any`), under the
    /// envelope's command id, with the rule set in force; returns once it is durable.
    public func appendUnconditionally(_ event: DomainEvent, to stream: StreamID, envelope: CommandEnvelope)
        async throws(CommandError) -> CommandResult
    {
        let commandHash = Self.commandHash(stream: stream, fingerprint: envelope.fingerprint)
        if let original = try originalResult(of: envelope.commandID, stream: stream, commandHash: commandHash) {
            return original
        }
        let ruleSet = try ruleSetInForce(for: envelope)
        let context = EventContext(
            occurredAt: envelope.occurredAt, actorRole: envelope.actor.role,
            ruleSetVersion: ruleSet.ruleSetVersion.description, commandId: envelope.commandID.foundationUUID)
        let newEvents = try await seal([event], stream: stream, context: context, envelope: envelope, hash: commandHash)
        do {
            let result = try await store.append(to: stream, expectedVersion: .any, events: newEvents)
            return CommandResult(result, eventCount: newEvents.count)
        } catch { throw CommandError(error) }
    }
}
