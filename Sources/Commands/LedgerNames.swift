import Crypto
public import Domain
public import Foundation
public import Ledger

extension UUID128 {
    /// A name-based UUID (RFC 9562 version 5, SHA-1) of `name` under `namespace`: how composite stream keys
    /// and per-viewer access-log streams get their ids (domain.md §4.1) without random state.
    public static func nameBased(namespace: UUID128, name: String) -> UUID128 {
        var hasher = Insecure.SHA1()
        hasher.update(data: namespace.bytes)
        hasher.update(data: Array(name.utf8))
        var bytes = Array(hasher.finalize().prefix(16))
        bytes[6] = bytes[6] & 0x0F | 0x50
        bytes[8] = bytes[8] & 0x3F | 0x80
        return bytes.withUnsafeBytes { UUID128(bytes: $0) }
    }
}

/// The ledger names of domain things: stream categories are the catalogue's, stream ids the entity ids, and
/// name-based ids live under the namespaces below (documented in `Schemas/payload-codec.md`).
public enum LedgerNames {
    /// Namespace of `accesslog-<v5(viewerId)>` streams.
    public static let accessLogNamespace = UUID128(high: 0x6375_736C_6163_6365, low: 0x8000_0000_0000_0001)
    /// Namespace of `ruleset-<v5("<ruleSetId>/<version>")>` streams.
    public static let ruleSetNamespace = UUID128(high: 0x6375_736C_7275_6C65, low: 0x8000_0000_0000_0002)
    /// Namespace of `feeaccount-<v5("<personRef>/<programmeId>")>` streams (domain.md §4.1).
    public static let feeAccountNamespace = UUID128(high: 0x6375_736C_6665_6573, low: 0x8000_0000_0000_0003)

    public static func stream(_ category: String, _ id: UUID) throws(CommandError) -> StreamID {
        do {
            return StreamID(category: try Category(category), id: UUID128(id))
        } catch {
            throw CommandError(.invalidRequest, "not a stream category: \(category)")
        }
    }

    public static func stream(_ category: String, _ id: some EntityIdentifier) throws(CommandError) -> StreamID {
        try stream(category, id.uuid)
    }

    public static func accessLog(viewerID: String) throws(CommandError) -> StreamID {
        try stream("accesslog", UUID128.nameBased(namespace: accessLogNamespace, name: viewerID).foundationUUID)
    }

    public static func ruleSet(_ version: RuleSetVersion) throws(CommandError) -> StreamID {
        try stream("ruleset", UUID128.nameBased(namespace: ruleSetNamespace, name: version.description).foundationUUID)
    }

    /// One resident's fee account in one programme. A `personRef` is random, never derived from a PESEL, so the
    /// name holds no personal data.
    public static func feeAccount(_ person: PersonRef, programme: ProgrammeID) throws(CommandError) -> StreamID {
        let name = "\(person)/\(programme)"
        return try stream(
            FeeAssessed.category, UUID128.nameBased(namespace: feeAccountNamespace, name: name).foundationUUID)
    }

    public static func eventType(_ name: String) throws(CommandError) -> EventType {
        do { return try EventType(name) } catch { throw CommandError(.invalidRequest, "not an event type: \(name)") }
    }
}
