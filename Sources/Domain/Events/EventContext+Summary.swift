public import Foundation

extension EventContext {
    /// The context as the replay path reads it: every field but the two strings, `ruleSetVersion` and
    /// `commandHash`, which are checked (length, bounds, UTF-8) exactly as `EventContext` checks them but never
    /// built, so a projection pays no allocation for them. Reads the same bytes as `EventContext(from:)`, in
    /// the same order (Schemas/payload-codec.md).
    public struct Summary: Sendable, Hashable {
        public var occurredAt: Instant
        public var actorRole: ActorRole
        public var programmeVersion: UInt64?
        public var commandId: UUID
        public var hasCommandHash: Bool

        public init(_ context: EventContext) {
            occurredAt = context.occurredAt
            actorRole = context.actorRole
            programmeVersion = context.programmeVersion
            commandId = context.commandId
            hasCommandHash = context.commandHash != nil
        }

        public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
            occurredAt = try reader.read()
            actorRole = try reader.read()
            try reader.skipString()
            programmeVersion = try reader.readOptional()
            commandId = try reader.read()
            switch try reader.readByte() {
            case 0: hasCommandHash = false
            case 1:
                try reader.skipString()
                hasCommandHash = true
            default: throw .invalidValue(at: reader.offset - 1, "a presence byte is 0 or 1")
            }
        }
    }
}
