/// The plan alerts knowable from the plan's own events (domain.md §5 PlanStatusView flags, ComplianceAlerts).
/// A late approval without a reason cannot happen (L15 makes the reason Hard), so only the late approval itself
/// and the missing summary are raised here.
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
        guard let planId = state.planId, let endedOn = state.endedOn, !state.summaryRecorded, endedOn < date else {
            return nil
        }
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
        guard let planId = state.planId, state.approval == nil, state.endedOn == nil,
            filedAt.days(to: date) > Int64(deadlineDays)
        else { return nil }
        return ComplianceAlert(
            kind: "unapprovedAfterDeadline", rule: "L15", subject: "plan-\(planId)",
            parameters: [
                "applicationFiledAt": filedAt.description, "asOf": date.description,
                "daysSinceFiling": String(filedAt.days(to: date)), "deadlineDays": String(deadlineDays),
            ])
    }
}
