extension PlanDecider {
    public static func evolve(_ state: PlanState, _ event: DomainEvent) -> PlanState {
        var state = state
        switch event {
        case .coordinatorAssigned(let assigned):
            state.planId = assigned.planId
            state.personRef = assigned.personRef
            state.applicationId = assigned.applicationId
            state.coordinatorId = assigned.coordinatorId
            state.coordinatorFrom = assigned.fromDate
        case .coordinatorReassigned(let reassigned):
            state.coordinatorId = reassigned.coordinatorId
            state.coordinatorFrom = reassigned.fromDate
        case .planDrafted(let drafted):
            evolveDraft(&state, drafted)
        case .planAgreed(let agreed):
            state.status = .agreed
            state.agreedVersion = agreed.planVersion
            state.agreedOn = agreed.agreedOn
        case .planApproved(let approved):
            state.planId = approved.planId
            state.status = .active
            state.approval = PlanState.Approval(
                approverId: approved.approverId, approverRole: approved.approverRole,
                delegationId: approved.delegationId, approvedOn: approved.approvedOn,
                applicationFiledAt: approved.applicationFiledAt, daysToPlan: approved.daysToPlan, late: approved.late)
        case .planUpdated(let updated):
            state.planVersion = updated.planVersion
            state.items = updated.items
            state.period = updated.start...max(updated.start, updated.end)
        case .planReviewed(let reviewed):
            state.lastReviewedOn = reviewed.reviewedOn
        case .planSuspended(let suspended):
            state.status = .suspended
            state.suspensions.append(PlanState.Suspension(from: suspended.from, plannedTo: suspended.to))
        case .planResumed(let resumed):
            state.status = .active
            if let last = state.suspensions.indices.last { state.suspensions[last].resumedOn = resumed.resumedOn }
        case .planCompleted(let completed):
            state.status = .completed
            state.endedOn = completed.endDate
        case .planTerminatedEarly(let terminated):
            state.status = .terminatedEarly
            state.endedOn = terminated.endDate
        case .planSummaryRecorded(let summary):
            state.status = .closed
            state.summaryRecordedOn = summary.recordedOn
        default:
            break
        }
        return state
    }

    /// A draft or redraft is a new version awaiting agreement: the previous agreement no longer covers it.
    private static func evolveDraft(_ state: inout PlanState, _ drafted: PlanDrafted) {
        state.planId = drafted.planId
        state.status = .draft
        state.planVersion = drafted.planVersion
        state.personRef = drafted.personRef
        state.householdRef = drafted.householdRef
        state.applicationId = drafted.applicationId
        state.qualificationId = drafted.qualificationId
        state.programmeId = drafted.programmeId
        state.items = drafted.items
        state.period = drafted.start...max(drafted.start, drafted.end)
        state.goalIds = drafted.personal.map { $0.goals.map(\.goalId) }
    }
}
