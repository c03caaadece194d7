extension ComplianceAlert {
    /// L14 (❓ domain.md §8: Record, with a proposed alert): a resident receives two or more services without a
    /// plan, authorised over a span of at least the rule set's `plan.coordinationThresholdMonths`. An IPUS is
    /// not mandatory then, but coordination that long is what a plan is for, so it is flagged for review.
    /// `authorisations` are the resident's current authorisations (cancelled ones excluded by the caller).
    public static func coordinationWithoutPlan(
        person: PersonRef, authorisations: [ServiceAuthorised], thresholdMonths: Int
    ) -> ComplianceAlert? {
        let withoutPlan = authorisations.filter { $0.planId == nil }
        let services = Set(withoutPlan.map(\.serviceId))
        guard services.count >= 2, let first = withoutPlan.map(\.start).min(), let last = withoutPlan.map(\.end).max()
        else { return nil }
        let months = first.wholeMonths(through: last)
        guard months >= thresholdMonths else { return nil }
        return ComplianceAlert(
            kind: "coordinationWithoutPlan", rule: "L14", subject: "person-\(person)",
            parameters: [
                "services": services.sorted().joined(separator: ","), "from": first.description,
                "through": last.description, "months": String(months), "thresholdMonths": String(thresholdMonths),
            ])
    }
}
