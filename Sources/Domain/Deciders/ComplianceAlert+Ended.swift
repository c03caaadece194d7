/// Ends that leave work behind (domain.md §4.2, §4.3: "Alert on open plans", "Alert: open authorisations"): a
/// programme or a provider may end while plans or authorisations still count on it. The end is accepted; each
/// plan or authorisation left running is flagged so the coordinator moves or closes it.
extension ComplianceAlert {
    /// §4.2: a programme ended (`ProgrammeEnded`, last day `endDate`) while one of its approved plans, not yet
    /// ended, runs past that day (`planEnd` is the plan's current last day).
    public static func openPlanOfEndedProgramme(
        _ programme: ProgrammeID, endDate: LocalDate, plan planId: PlanID, planEnd: LocalDate
    ) -> ComplianceAlert? {
        guard planEnd > endDate else { return nil }
        return ComplianceAlert(
            kind: "endedProgrammeWithOpenPlans", rule: "4.2", subject: "plan-\(planId)",
            parameters: [
                "programmeId": programme.description, "programmeEndDate": endDate.description,
                "planEnd": planEnd.description,
            ])
    }

    /// Why a provider may not serve for a while.
    public enum ProviderStop: String, StableName, Sendable {
        /// `ProviderEngagementEnded`: from its `effectiveFrom`, for good.
        case engagementEnded
        /// `ProviderSuspended`: from its `effectiveFrom` through `until`, or open-ended.
        case suspended

        public static let names = StableNames<Self>()
    }

    /// §4.3: an authorisation of `provider` that runs on `runs` (its first to its last effective day, after any
    /// cancellation) has days in `from … through` (open-ended without `through`), when the provider may not serve.
    public static func openAuthorisationOfEndedProvider(
        _ stop: ProviderStop, provider: ProviderID, from: LocalDate, through: LocalDate?,
        authorisation: AuthorisationID, runs: ClosedRange<LocalDate>
    ) -> ComplianceAlert? {
        guard runs.upperBound >= from, through.map({ runs.lowerBound <= $0 }) ?? true else { return nil }
        var parameters = [
            "providerId": provider.description, "cause": stop.rawValue, "unavailableFrom": from.description,
            "authorisationStart": runs.lowerBound.description, "authorisationEnd": runs.upperBound.description,
        ]
        if let through { parameters["unavailableThrough"] = through.description }
        return ComplianceAlert(
            kind: "endedProviderWithOpenAuthorisations", rule: "4.3", subject: "authorisation-\(authorisation)",
            parameters: parameters)
    }
}
