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
}
