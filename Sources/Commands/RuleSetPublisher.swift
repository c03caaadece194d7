import Crypto
public import Domain
import Foundation
public import Ledger
import Synchronization

/// Appends `RuleSetPublished` the first time a rule set is used (domain.md §3.1), so replay never depends on
/// files: the event holds the canonical content and its SHA-256. A rule set whose content differs from the
/// one already published under the same version is refused — a shipped rule set is never edited in place.
public final class RuleSetPublisher: Sendable {
    let store: any EventStore
    private let published = Mutex<Set<RuleSetVersion>>([])

    public init(store: any EventStore) { self.store = store }

    public func ensurePublished(_ ruleSet: RuleSet) async throws(CommandError) {
        if published.withLock({ $0.contains(ruleSet.ruleSetVersion) }) { return }
        _ = try await publish(ruleSet)
    }

    /// Publishes `ruleSet` unless it already is, and says where its `RuleSetPublished` event lies
    /// (`wasAlreadyRecorded` when it was published before).
    public func publish(_ ruleSet: RuleSet) async throws(CommandError) -> CommandResult {
        let version = ruleSet.ruleSetVersion
        let canonical = ruleSet.canonicalJSON()
        let hash = RuleSetHash.hex(canonical)
        let stream = try LedgerNames.ruleSet(version)
        let commandID = Self.publicationCommandID(version)
        let eventID = EventID.derived(commandID: commandID, index: 0)
        let recorded: RecordedEvent?
        do { recorded = try store.event(id: eventID) } catch { throw CommandError(error) }
        let result: CommandResult
        if let recorded {
            guard case .ruleSetPublished(let event) = try StreamLoader.decode(recorded).event else {
                throw CommandError(.corrupted, "event \(eventID) is not a RuleSetPublished")
            }
            guard event.contentHash == hash else {
                throw CommandError(
                    .invalidRequest,
                    "rule set \(version) differs from the one published at position \(recorded.position.rawValue); "
                        + "publish a new version instead of editing it")
            }
            result = CommandResult(
                stream: stream, firstPosition: recorded.position, lastPosition: recorded.position,
                streamVersion: recorded.version, eventCount: 1, wasAlreadyRecorded: true)
        } else {
            result = try await append(
                ruleSet, canonical: canonical, hash: hash, stream: stream, eventID: eventID, commandID: commandID)
        }
        published.withLock { _ = $0.insert(version) }
        return result
    }

    private func append(
        _ ruleSet: RuleSet, canonical: [UInt8], hash: String, stream: StreamID, eventID: EventID, commandID: UUID128
    ) async throws(CommandError) -> CommandResult {
        let event = RuleSetPublished(
            ruleSetId: ruleSet.ruleSetId, ruleSetVersion: ruleSet.version, effectiveFrom: ruleSet.effectiveFrom,
            effectiveTo: ruleSet.effectiveTo, contentHash: hash,
            canonicalContent: String(decoding: canonical, as: UTF8.self))
        let violations = event.violations
        guard violations.isEmpty else {
            throw CommandError(.invalidRequest, "rule set \(ruleSet.ruleSetVersion) cannot be published: \(violations)")
        }
        let context = EventContext(
            occurredAt: Instant(startOf: ruleSet.effectiveFrom), actorRole: .system,
            ruleSetVersion: ruleSet.ruleSetVersion.description, commandId: commandID.foundationUUID,
            commandHash: hash)
        let encoded = EventCodec.encode(.ruleSetPublished(event), context: context)
        let newEvent = NewEvent(
            id: eventID, type: try LedgerNames.eventType(encoded.eventType), schemaVersion: encoded.schemaVersion,
            payload: encoded.clear, metadata: EventMetadata(actor: "system:rules"))
        do {
            return CommandResult(
                try await store.append(to: stream, expectedVersion: .any, events: [newEvent]), eventCount: 1)
        } catch { throw CommandError(error) }
    }

    /// A command id derived from the version (ledger.md G4, like a duty's): the same rule set always maps to
    /// the same event id, so two processes publishing it at once append it once.
    static func publicationCommandID(_ version: RuleSetVersion) -> UUID128 {
        let digest = Array(SHA256.hash(data: Array("cusledger/ruleset/v1\n\(version)".utf8)))
        return digest.withUnsafeBytes { UUID128(bytes: $0) }
    }
}

/// The content hash a rule set is published under: SHA-256 of its canonical JSON, lowercase hex.
public enum RuleSetHash {
    public static func hex(_ ruleSet: RuleSet) -> String { hex(ruleSet.canonicalJSON()) }

    static func hex(_ canonical: [UInt8]) -> String {
        Hex.encode(SHA256.hash(data: canonical))
    }
}
