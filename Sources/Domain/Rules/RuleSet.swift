/// One version of the legal parameters of a body of law (domain.md §3.1), so that a change of the Act is a new data
/// file rather than a code change. Deciders take the set in force on a command's `occurredAt` (or an application's
/// `filedAt`), and events record its `ruleSetVersion`, so a replay applies the rules that were used, never the
/// current ones. Files live in `Schemas/rules/` (`rule-set.schema.json`); `DefaultRuleSets.swift` is generated
/// from them. A set is checked by `validate()`, which `decode(json:)` and `RuleBook` both run.
public struct RuleSet: Hashable, Sendable {
    /// Which body of law the set implements: `cus-act` for the Act of 19 July 2019.
    public var ruleSetId: String
    /// The version within `ruleSetId`, conventionally `<effectiveFrom>.<revision>`.
    public var version: String
    /// The first day the set is in force.
    public var effectiveFrom: LocalDate
    /// The first day the set is no longer in force; nil while open-ended, when a set with a later `effectiveFrom`
    /// supersedes it.
    public var effectiveTo: LocalDate?
    /// ❓ Free text naming the cases that transitional provisions keep under this set; its structure is settled when
    /// UD294 passes (domain.md §8 question 8).
    public var transitionalScope: String?
    /// The legal basis and the provenance of the values, including which ones are placeholders.
    public var source: String
    public var parameters: Parameters

    public init(
        ruleSetId: String, version: String, effectiveFrom: LocalDate, effectiveTo: LocalDate?,
        transitionalScope: String?, source: String, parameters: Parameters
    ) {
        self.ruleSetId = ruleSetId
        self.version = version
        self.effectiveFrom = effectiveFrom
        self.effectiveTo = effectiveTo
        self.transitionalScope = transitionalScope
        self.source = source
        self.parameters = parameters
    }

    /// What events record as `ruleSetVersion`.
    public var ruleSetVersion: RuleSetVersion { RuleSetVersion(ruleSetId: ruleSetId, version: version) }

    /// Whether `date` falls in `effectiveFrom ..< effectiveTo`, ignoring supersession by a later set (`RuleBook`
    /// decides that).
    public func covers(_ date: LocalDate) -> Bool {
        guard effectiveFrom <= date else { return false }
        guard let effectiveTo else { return true }
        return date < effectiveTo
    }
}

extension RuleSet: Codable {
    private enum CodingKeys: String, CodingKey {
        case ruleSetId, version, effectiveFrom, effectiveTo, transitionalScope, source, parameters
    }

    /// Every key is required, `effectiveTo` and `transitionalScope` as an explicit `null` when absent, so a file
    /// and its canonical form list the same fields.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        ruleSetId = try container.decode(String.self, forKey: .ruleSetId)
        version = try container.decode(String.self, forKey: .version)
        effectiveFrom = try container.decode(LocalDate.self, forKey: .effectiveFrom)
        effectiveTo = try container.decode(LocalDate?.self, forKey: .effectiveTo)
        transitionalScope = try container.decode(String?.self, forKey: .transitionalScope)
        source = try container.decode(String.self, forKey: .source)
        parameters = try container.decode(Parameters.self, forKey: .parameters)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ruleSetId, forKey: .ruleSetId)
        try container.encode(version, forKey: .version)
        try container.encode(effectiveFrom, forKey: .effectiveFrom)
        try container.encode(effectiveTo, forKey: .effectiveTo)
        try container.encode(transitionalScope, forKey: .transitionalScope)
        try container.encode(source, forKey: .source)
        try container.encode(parameters, forKey: .parameters)
    }
}
