import Domain

/// O1–O3 (domain.md §6.2) over the summaries recorded in P whose ratings are available: an erased person's
/// ratings drop out (§6.4), as do summaries read without the outcome dimension.
extension Indicators {
    /// O1: goals achieved ÷ goals set, and "partly" ÷ goals set apart, and the mean goal attainment scaling score
    /// where given; O2: summaries with a self-assessment of 4–5 ÷ summaries; O3: mean satisfaction. O1's counts
    /// are goals, several per person, so its cells are suppressed by the persons (summaries) they cover as well
    /// as by rule 2 on the goal counts themselves (§6.3).
    static func outcomes(_ facts: MetricsFacts, _ period: MetricsPeriod) -> [IndicatorValue] {
        let summaries = facts.plans.compactMap { plan -> (goalsSet: Int64, ratings: SummaryRatings)? in
            guard let summary = plan.summary, period.contains(summary.recordedOn), let ratings = summary.ratings
            else { return nil }
            return (summary.goalsSet, ratings)
        }
        let goalsSet = summaries.reduce(0) { $0 + $1.goalsSet }
        let achieved = summaries.reduce(0) { $0 + Int64(clamping: $1.ratings.achieved) }
        let partly = summaries.reduce(0) { $0 + Int64(clamping: $1.ratings.partly) }
        let scored = summaries.filter { !$0.ratings.attainmentScales.isEmpty }
        let scales = scored.flatMap(\.ratings.attainmentScales)
        let improved = summaries.filter { (4...5).contains($0.ratings.selfAssessment) }
        let satisfaction = summaries.reduce(0) { $0 + Int64(clamping: $1.ratings.satisfaction) }
        let name = "Goal attainment"
        return [
            .ratio("O1", name, achieved, goalsSet, variant: "achieved", persons: summaries.count),
            .ratio("O1", name, partly, goalsSet, variant: "partly", persons: summaries.count),
            .mean("O1", name, scales.reduce(0, +), over: scales.count, variant: "gas", persons: scored.count),
            .ratio("O2", "Self-assessed improvement", Int64(improved.count), Int64(summaries.count)),
            .mean("O3", "Satisfaction", satisfaction, over: summaries.count),
        ]
    }
}
