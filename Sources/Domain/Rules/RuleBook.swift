/// The rule sets a process knows, checked to be unambiguous: for each `ruleSetId` and day, at most one set is in
/// force (domain.md §3.1). Sets are never edited once shipped, so a change of law adds a set with a later
/// `effectiveFrom`, which supersedes an open-ended predecessor from that day; an explicit `effectiveTo` that runs
/// past a later set's start, two sets starting on the same day, and two different sets with one version are
/// refused. Adding a set identical to one already present changes nothing, so `--rules DIR` may repeat a default.
public struct RuleBook: Hashable, Sendable {
    public static let ruleSetsMax = 1000
    public static let cusActRuleSetId = "cus-act"

    /// Sorted by `ruleSetId`, then `effectiveFrom`.
    public let ruleSets: [RuleSet]

    public init(_ ruleSets: some Sequence<RuleSet>) throws(RuleBookError) {
        var byVersion: [RuleSetVersion: RuleSet] = [:]
        for (index, ruleSet) in ruleSets.enumerated() {
            guard index < Self.ruleSetsMax else { throw .tooManyRuleSets(limit: Self.ruleSetsMax) }
            try ruleSet.validate()
            if let existing = byVersion[ruleSet.ruleSetVersion] {
                guard existing == ruleSet else { throw .duplicateVersion(ruleSet.ruleSetVersion) }
                continue
            }
            byVersion[ruleSet.ruleSetVersion] = ruleSet
        }
        let sorted = byVersion.values.sorted {
            ($0.ruleSetId, $0.effectiveFrom, $0.version) < ($1.ruleSetId, $1.effectiveFrom, $1.version)
        }
        for (earlier, later) in zip(sorted, sorted.dropFirst()) where earlier.ruleSetId == later.ruleSetId {
            let startsTogether = earlier.effectiveFrom == later.effectiveFrom
            let endsLate = earlier.effectiveTo.map { $0 > later.effectiveFrom } ?? false
            if startsTogether || endsLate { throw .overlapping(earlier.ruleSetVersion, later.ruleSetVersion) }
        }
        self.ruleSets = sorted
    }

    /// The sets compiled in from `Schemas/rules/` (`DefaultRuleSets.swift`).
    public static let defaults: RuleBook = {
        do {
            return try RuleBook(DefaultRuleSets.all)
        } catch {
            // RuleSetTests builds this book, so a compiled-in set that fails validation fails the tests first.
            preconditionFailure("the compiled-in rule sets are invalid: \(error)")
        }
    }()

    /// This book plus `ruleSets` (from `--rules DIR`), under the same checks.
    public func adding(_ ruleSets: some Sequence<RuleSet>) throws(RuleBookError) -> RuleBook {
        try RuleBook(self.ruleSets + Array(ruleSets))
    }

    /// The set of `id` in force on `date`: of those with `effectiveFrom <= date`, the latest, provided `date` is
    /// before its `effectiveTo`.
    public func ruleSet(inForceOn date: LocalDate, id: String = cusActRuleSetId) throws(RuleBookError) -> RuleSet {
        let candidate = ruleSets.last { $0.ruleSetId == id && $0.effectiveFrom <= date }
        guard let candidate, candidate.covers(date) else { throw .noRuleSetInForce(ruleSetId: id, date: date) }
        return candidate
    }

    /// The set an event recorded, for replay.
    public func ruleSet(_ version: RuleSetVersion) throws(RuleBookError) -> RuleSet {
        guard let found = ruleSets.first(where: { $0.ruleSetVersion == version }) else {
            throw .unknownVersion(version)
        }
        return found
    }
}
