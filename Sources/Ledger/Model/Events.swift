/// The AEAD that sealed an event's personal part (ledger.md §3.1 `aead`).
public enum AEADAlgorithm: UInt8, Sendable, Hashable {
    case chaChaPoly = 1
    case aesGCM = 2
}

/// The encrypted personal fields of one event: opaque to the ledger, which stores and hashes the ciphertext.
public struct SealedPart: Sendable, Hashable {
    public static let nonceBytes = 12
    public static let tagBytes = 16
    public var keyID: UUID128
    public var algorithm: AEADAlgorithm
    /// 12 bytes.
    public var nonce: [UInt8]
    /// Ciphertext followed by its 16-byte tag.
    public var ciphertextAndTag: [UInt8]

    public init(keyID: UUID128, algorithm: AEADAlgorithm, nonce: [UInt8], ciphertextAndTag: [UInt8]) {
        self.keyID = keyID
        self.algorithm = algorithm
        self.nonce = nonce
        self.ciphertextAndTag = ciphertextAndTag
    }
}

/// Who did it and why, carried on every event.
public struct EventMetadata: Sendable, Hashable {
    /// A staff pseudonym or `system:<name>`, at most 64 UTF-8 bytes; never a resident's name.
    public var actor: String
    public var correlationID: UUID128?
    /// The event this one answers or corrects.
    public var causationID: UUID128?

    public init(actor: String, correlationID: UUID128? = nil, causationID: UUID128? = nil) {
        self.actor = actor
        self.correlationID = correlationID
        self.causationID = causationID
    }
}

/// An event on its way in. The caller picks `id` (its idempotency key); the ledger assigns position, stream
/// version and `recordedAt`.
public struct NewEvent: Sendable, Hashable {
    public var id: EventID
    public var type: EventType
    public var schemaVersion: UInt16
    /// The clear part: opaque to the ledger, hashed, never decoded here.
    public var payload: [UInt8]
    public var sealed: SealedPart?
    public var metadata: EventMetadata

    public init(
        id: EventID, type: EventType, schemaVersion: UInt16 = 1, payload: [UInt8], sealed: SealedPart? = nil,
        metadata: EventMetadata
    ) {
        self.id = id
        self.type = type
        self.schemaVersion = schemaVersion
        self.payload = payload
        self.sealed = sealed
        self.metadata = metadata
    }
}

/// An event as read back: what was appended plus where and when the ledger put it.
public struct RecordedEvent: Sendable, Hashable {
    public var position: Position
    public var stream: StreamID
    public var version: StreamVersion
    public var id: EventID
    public var recordedAt: Timestamp
    public var type: EventType
    public var schemaVersion: UInt16
    public var metadata: EventMetadata
    /// May share its buffer with the other events of the same scan (see `Payload`).
    public var payload: Payload
    public var sealed: SealedPart?

    public init(
        position: Position, stream: StreamID, version: StreamVersion, id: EventID, recordedAt: Timestamp,
        type: EventType, schemaVersion: UInt16, metadata: EventMetadata, payload: Payload, sealed: SealedPart?
    ) {
        self.position = position
        self.stream = stream
        self.version = version
        self.id = id
        self.recordedAt = recordedAt
        self.type = type
        self.schemaVersion = schemaVersion
        self.metadata = metadata
        self.payload = payload
        self.sealed = sealed
    }
}

/// Where an appended (or already recorded) batch for one stream landed.
public struct AppendResult: Sendable, Hashable {
    public var stream: StreamID
    public var firstPosition: Position
    public var lastPosition: Position
    /// The version of the last event of the batch: the stream's version after it.
    public var streamVersion: StreamVersion
    /// True when every event was already recorded (an idempotent retry): nothing was written.
    public var wasAlreadyRecorded: Bool

    public init(
        stream: StreamID, firstPosition: Position, lastPosition: Position, streamVersion: StreamVersion,
        wasAlreadyRecorded: Bool
    ) {
        self.stream = stream
        self.firstPosition = firstPosition
        self.lastPosition = lastPosition
        self.streamVersion = streamVersion
        self.wasAlreadyRecorded = wasAlreadyRecorded
    }
}

/// Events for one stream inside an append request; a request with several is committed atomically.
public struct StreamAppend: Sendable, Hashable {
    public var stream: StreamID
    public var expectedVersion: ExpectedVersion
    public var events: [NewEvent]

    public init(stream: StreamID, expectedVersion: ExpectedVersion, events: [NewEvent]) {
        self.stream = stream
        self.expectedVersion = expectedVersion
        self.events = events
    }
}
