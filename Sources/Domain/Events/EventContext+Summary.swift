public import Foundation

extension EventContext {
    /// The context as the replay path reads it: `commandHash` is checked (length, bounds, UTF-8) exactly as
    /// `EventContext` checks it but never built, and `ruleSetVersion` is the shared string of a compiled-in
    /// rule set when its bytes are one (built only for another version), so a projection pays no allocation
    /// for either. Reads the same bytes as `EventContext(from:)`, in the same order (Schemas/payload-codec.md).
    public struct Summary: Sendable, Hashable {
        public var occurredAt: Instant
        public var actorRole: ActorRole
        /// The rule set in force when the command was decided (ComplianceAlerts records it with each alert).
        public var ruleSetVersion: String
        public var programmeVersion: UInt64?
        public var commandId: UUID
        public var hasCommandHash: Bool

        public init(_ context: EventContext) {
            occurredAt = context.occurredAt
            actorRole = context.actorRole
            ruleSetVersion = context.ruleSetVersion
            programmeVersion = context.programmeVersion
            commandId = context.commandId
            hasCommandHash = context.commandHash != nil
        }

        public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
            occurredAt = try reader.read()
            actorRole = try reader.read()
            ruleSetVersion = try Self.readRuleSetVersion(&reader)
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

        /// The compiled-in rule sets' versions as UTF-8, with the strings to hand out for them.
        private static let knownVersions: [(bytes: [UInt8], text: String)] = RuleBook.defaults.ruleSets.map {
            (Array($0.ruleSetVersion.description.utf8), $0.ruleSetVersion.description)
        }

        private static func readRuleSetVersion(_ reader: inout PayloadReader) throws(PayloadCodingError) -> String {
            let start = reader.offset
            let raw = try reader.readLengthPrefixed()
            // By index: iterating the array would copy each (bytes, text) pair out, retaining both per event.
            for index in knownVersions.indices where knownVersions[index].bytes.isSame(as: raw) {
                return knownVersions[index].text
            }
            guard let text = String(validating: raw, as: UTF8.self) else { throw .invalidUTF8(at: start) }
            return text
        }
    }
}
