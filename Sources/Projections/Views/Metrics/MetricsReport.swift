public import Domain

/// What `cus metrics` prints and `--publish` stores (`PublishedRevision`) for one programme and period: every v1
/// indicator, suppressed (domain.md §6.3, run last), with the cutoff, indicator version and rule-set version
/// (§6.1 reproducibility).
public struct MetricsReport: Sendable {
    public var programme: ProgrammeID
    public var period: MetricsPeriod
    public var cutoff: AsOfBuild.Cutoff
    public var indicatorVersion: Int
    /// The rule set in force on the period's first day, "ruleSetId/version", as `cus rules list` names it.
    public var ruleSetVersion: String
    public var indicators: [IndicatorValue]

    /// Computes and suppresses; the threshold is the rule set's `privacy.smallCellThreshold`. `suppressed: false`
    /// is for staff only (`cus metrics --unsuppressed` with a staff token): never for an evaluator or a publication.
    public init(
        facts: MetricsFacts, programme: ProgrammeID, period: MetricsPeriod, cutoff: AsOfBuild.Cutoff,
        ruleBook: RuleBook, suppressed: Bool = true
    ) throws(RuleBookError) {
        let ruleSet = try ruleBook.ruleSet(inForceOn: period.from)
        self.programme = programme
        self.period = period
        self.cutoff = cutoff
        indicatorVersion = Indicators.version
        ruleSetVersion = "\(ruleSet.ruleSetId)/\(ruleSet.version)"
        let computed = Indicators.compute(facts, period: period)
        indicators = suppressed ? Suppression(ruleSet: ruleSet).apply(computed) : computed
    }
}
