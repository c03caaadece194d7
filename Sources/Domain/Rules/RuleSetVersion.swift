/// Names one rule set, as decision events record it (`ruleSetVersion`, domain.md §3.1): `cus-act/2020-01-01.1`.
/// Neither part may contain `/` (the rule-set schema's patterns), so the text form parses back unambiguously.
public struct RuleSetVersion: Hashable, Sendable {
    public var ruleSetId: String
    public var version: String

    public init(ruleSetId: String, version: String) {
        self.ruleSetId = ruleSetId
        self.version = version
    }

    /// Parses `<ruleSetId>/<version>`; nil unless there is exactly one `/` with text on both sides.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        self.init(ruleSetId: String(parts[0]), version: String(parts[1]))
    }
}

extension RuleSetVersion: CustomStringConvertible {
    public var description: String { "\(ruleSetId)/\(version)" }
}

extension RuleSetVersion: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = RuleSetVersion(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "expected <ruleSetId>/<version>"))
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
