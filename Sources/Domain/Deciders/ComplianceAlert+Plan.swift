/// The plan alerts knowable from the plan's own events (domain.md §5 PlanStatusView flags, ComplianceAlerts).
/// A late approval without a reason cannot happen (L15 makes the reason Hard), so the late approval itself, the
/// unapproved plan past its deadline, the missing summary and a length outside L16 are raised here.
extension ComplianceAlert {
    /// L15: the plan was approved after the deadline (with the mandatory reason); flagged for the 30-day
    /// compliance indicator (A3) and follow-up.
    public static func planLate(_ state: PlanState) -> ComplianceAlert? {
        guard let planId = state.planId, let approval = state.approval, approval.late else { return nil }
        return ComplianceAlert(
            kind: "planLate", rule: "L15", subject: "plan-\(planId)",
            parameters: [
                "applicationFiledAt": approval.applicationFiledAt.description,
                "approvedOn": approval.approvedOn.description, "daysToPlan": String(approval.daysToPlan),
            ])
    }

    /// L19: on `date`, the plan has ended (completed or terminated early before that day) and no summary
    /// interview is recorded, so it cannot be closed. The date is passed in: deciders and alerts read no clock.
    public static func summaryMissing(_ state: PlanState, on date: LocalDate) -> ComplianceAlert? {
        guard let planId = state.planId, let endedOn = state.endedOn, !state.summaryRecorded else { return nil }
        return summaryMissing(plan: planId, endedOn: endedOn, on: date)
    }

    /// L19 for a plan known by its stored facts (a projection's row): it ended on `endedOn` and no summary was
    /// recorded by `date`.
    public static func summaryMissing(plan planId: PlanID, endedOn: LocalDate, on date: LocalDate) -> ComplianceAlert? {
        guard endedOn < date else { return nil }
        return ComplianceAlert(
            kind: "summaryMissing", rule: "L19", subject: "plan-\(planId)",
            parameters: [
                "endedOn": endedOn.description, "asOf": date.description,
                "daysSinceEnd": String(endedOn.days(to: date)),
            ])
    }

    /// L15: on `date`, more than `deadlineDays` (the rule set in force at filing) have passed since the
    /// application was filed and the plan is still not approved. Computed when read, never stored (domain.md
    /// §4.12: clocks are derived).
    public static func unapprovedAfterDeadline(
        _ state: PlanState, applicationFiledAt filedAt: LocalDate, deadlineDays: Int, on date: LocalDate
    ) -> ComplianceAlert? {
        guard let planId = state.planId, state.approval == nil, state.endedOn == nil else { return nil }
        return unapprovedAfterDeadline(plan: planId, applicationFiledAt: filedAt, deadlineDays: deadlineDays, on: date)
    }

    /// L15 for a plan known by its stored facts (a projection's row) that was neither approved nor ended by
    /// `date`.
    public static func unapprovedAfterDeadline(
        plan planId: PlanID, applicationFiledAt filedAt: LocalDate, deadlineDays: Int, on date: LocalDate
    ) -> ComplianceAlert? {
        guard filedAt.days(to: date) > Int64(deadlineDays) else { return nil }
        return ComplianceAlert(
            kind: "unapprovedAfterDeadline", rule: "L15", subject: "plan-\(planId)",
            parameters: [
                "applicationFiledAt": filedAt.description, "asOf": date.description,
                "daysSinceFiling": String(filedAt.days(to: date)), "deadlineDays": String(deadlineDays),
            ])
    }

    /// L16: the plan's period is not `allowed` months long (the rule set's `plan.monthsAllowed` at approval or
    /// update). The plan decider refuses such a plan (Hard), so this is raised only by data written before the
    /// check or imported.
    public static func durationOutOfRange(
        plan planId: PlanID, start: LocalDate, end: LocalDate, allowed: ClosedRange<Int>
    ) -> ComplianceAlert? {
        guard !start.spans(months: allowed, through: end) else { return nil }
        let whole = start.wholeMonths(through: end)
        let months = whole < allowed.lowerBound ? whole : start.months(through: end)
        return ComplianceAlert(
            kind: "durationOutOfRange", rule: "L16", subject: "plan-\(planId)",
            parameters: [
                "start": start.description, "end": end.description, "months": String(months),
                "minMonths": String(allowed.lowerBound), "maxMonths": String(allowed.upperBound),
            ])
    }
}
