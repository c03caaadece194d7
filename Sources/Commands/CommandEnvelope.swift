public import Domain
public import Ledger

/// What comes with every command besides its fields (style.md §5, ledger.md G4): the command id (a client
/// UUIDv7, or derived from a natural key or a duty period), who acts, the business time and the correlation
/// of related commands.
public struct CommandEnvelope: Sendable {
    public var commandID: UUID128
    public var actor: Actor
    public var occurredAt: Instant
    /// Links the commands of one piece of work (a household's events, a case); nil means the command id, so
    /// every event has one.
    public var correlationID: UUID128?
    public var causationID: UUID128?
    /// A canonical text of the request's non-personal fields (e.g. its JSON with the 🔒 fields removed).
    /// Event 0 records SHA-256 of it, so a reused command id with another request is told apart (G4).
    public var fingerprint: String
    /// The stream version the caller requires before deciding (HTTP `If-Match`): another version refuses the
    /// command with `preconditionFailed` instead of deciding on newer state; nil decides on whatever is current.
    public var requiredStreamVersion: StreamVersion?

    public init(
        commandID: UUID128, actor: Actor, occurredAt: Instant, fingerprint: String, correlationID: UUID128? = nil,
        causationID: UUID128? = nil
    ) {
        self.commandID = commandID
        self.actor = actor
        self.occurredAt = occurredAt
        self.fingerprint = fingerprint
        self.correlationID = correlationID
        self.causationID = causationID
    }
}

/// Where a command's events landed; for a retried command, the original result (G4).
public struct CommandResult: Sendable, Hashable {
    public var stream: StreamID
    public var firstPosition: Position?
    public var lastPosition: Position?
    public var streamVersion: StreamVersion?
    public var eventCount: Int
    /// True when the command had already committed and nothing was decided again.
    public var wasAlreadyRecorded: Bool
}

extension CommandResult {
    init(_ appended: AppendResult, eventCount: Int) {
        self.init(
            stream: appended.stream, firstPosition: appended.firstPosition, lastPosition: appended.lastPosition,
            streamVersion: appended.streamVersion, eventCount: eventCount,
            wasAlreadyRecorded: appended.wasAlreadyRecorded)
    }
}

extension UUID128 {
    /// A fresh version-7 command id for a command the system issues itself at `instant` (an access-log entry): its
    /// events' ids keep the time prefix (ledger.md G4), so they land at the right edge of `eventIds`.
    public static func commandID(issuedAt instant: Instant) -> UUID128 {
        .version7(unixMilliseconds: UInt64(max(0, instant.microsecondsSinceEpoch / 1_000)))
    }
}
