/// Decisions on one IPUS (`plan-<PlanID>`; indywidualny plan usług społecznych, domain.md §4.6): the
/// coordinator's assignment (L21), drafting with service and supporting-activity items (L20) within the
/// qualification, the resident's agreement and the approval by the director or a delegated organiser (L17)
/// against the 30-day clock (L15) and the length bounds (L16), updates (L18), reviews, suspensions, the end,
/// and the summary interview without which the plan is never `closed` (L19).
public enum PlanDecider: Decider {
    public typealias Command = PlanCommand
    public typealias State = PlanState
    public typealias Rejection = PlanRejection

    public static var initialState: PlanState { PlanState() }

    public static func decide(
        _ command: PlanCommand, state: PlanState, rules: RuleContext
    ) throws(PlanRejection) -> [DomainEvent] {
        try checkActor(command, state: state, rules: rules)
        let event = try decideCommand(command, state: state, rules: rules)
        let violations = event.fieldViolations
        guard violations.isEmpty else { throw .invalidFields(violations) }
        return [event]
    }

    private static func decideCommand(
        _ command: PlanCommand, state: PlanState, rules: RuleContext
    ) throws(PlanRejection) -> DomainEvent {
        switch command {
        case .assignCoordinator(let assign): try decideAssignment(assign, state: state)
        case .reassignCoordinator(let reassign): try decideReassignment(reassign, state: state)
        case .draft(let draft): try decideDraft(draft, state: state, rules: rules)
        case .agree(let agree): try decideAgreement(agree, state: state, rules: rules)
        case .approve(let approve): try decideApproval(approve, state: state, rules: rules)
        case .update(let update): try decideUpdate(update, state: state, rules: rules)
        case .review(let reviewed): try decideReview(reviewed, state: state, rules: rules)
        case .suspend(let suspended): try decideSuspension(suspended, state: state, rules: rules)
        case .resume(let resumed): try decideResumption(resumed, state: state, rules: rules)
        case .complete(let complete): try decideCompletion(complete, state: state, rules: rules)
        case .terminateEarly(let terminated): try decideTermination(terminated, state: state, rules: rules)
        case .recordSummary(let summary): try decideSummary(summary, state: state, rules: rules)
        }
    }

    /// Who may issue each command (domain.md §1, §4.6): the director or an organiser assigns coordinators; the
    /// approver's role and delegation are checked in `decideApproval`; everything else is the coordinator's,
    /// and once one is assigned, only theirs.
    private static func checkActor(
        _ command: PlanCommand, state: PlanState, rules: RuleContext
    ) throws(PlanRejection) {
        let role = rules.actor.role
        switch command {
        case .assignCoordinator, .reassignCoordinator:
            guard role == .director || role == .servicesOrganiser else { throw .notPermitted(role: role) }
        case .approve:
            return
        default:
            guard role == .coordinator else { throw .notPermitted(role: role) }
            if let assigned = state.coordinatorId, rules.actor.staffID != assigned { throw .notAssignedCoordinator }
        }
    }

    private static func decideAssignment(
        _ assign: AssignCoordinator, state: PlanState
    ) throws(PlanRejection) -> DomainEvent {
        let assigned = assign.assigned
        guard state.coordinatorId == nil else { throw .coordinatorAlreadyAssigned }
        try checkStream(state, planId: assigned.planId, personRef: assigned.personRef)
        if let applicationId = state.applicationId, applicationId != assigned.applicationId {
            throw .factsMismatch("application")
        }
        try checkQualified(assign.application, applicationId: assigned.applicationId, personRef: assigned.personRef)
        try checkCoordinator(assign.coordinator, id: assigned.coordinatorId, on: assigned.fromDate)
        return .coordinatorAssigned(assigned)
    }

    private static func decideReassignment(
        _ reassign: ReassignCoordinator, state: PlanState
    ) throws(PlanRejection) -> DomainEvent {
        let reassigned = reassign.reassigned
        guard let current = state.coordinatorId else { throw .noCoordinator }
        try checkStream(state, planId: reassigned.planId, personRef: reassigned.personRef)
        guard state.status != .closed else { throw .invalidStatus(state.status) }
        guard reassigned.previousCoordinatorId == current, reassigned.coordinatorId != current else {
            throw .sameCoordinator
        }
        if let since = state.coordinatorFrom, reassigned.fromDate < since {
            throw .dateTooEarly(reassigned.fromDate, earliest: since)
        }
        try checkCoordinator(reassign.coordinator, id: reassigned.coordinatorId, on: reassigned.fromDate)
        return .coordinatorReassigned(reassigned)
    }

    /// L21: the coordinator holds the role (granted only with all art. 30 evidence) on the first day.
    private static func checkCoordinator(
        _ coordinator: StaffState, id: StaffID, on date: LocalDate
    ) throws(PlanRejection) {
        guard coordinator.staffId == id else { throw .factsMismatch("staff member") }
        guard coordinator.holdsRole(.coordinator, on: date) else { throw .coordinatorNotQualified(on: date) }
    }

    /// The application is the plan's, not withdrawn, and qualified: for `programmeId` when given, else for any
    /// programme. Returns the qualification and its services.
    @discardableResult
    static func checkQualified(
        _ application: ApplicationState, applicationId: ApplicationID, personRef: PersonRef,
        programmeId: ProgrammeID? = nil
    ) throws(PlanRejection) -> (QualificationID, serviceIds: [String]) {
        guard application.applicationId == applicationId, application.personRef == personRef else {
            throw .factsMismatch("application")
        }
        guard !application.withdrawn else { throw .applicationNotQualified }
        let outcomes = programmeId.map { id in application.outcomes.filter { $0.key == id } } ?? application.outcomes
        for (_, outcome) in outcomes.sorted(by: { $0.key < $1.key }) {
            if case .qualified(let qualificationId, let serviceIds, _) = outcome {
                return (qualificationId, serviceIds)
            }
        }
        throw .applicationNotQualified
    }

    /// The command is for this plan and resident.
    static func checkStream(_ state: PlanState, planId: PlanID, personRef: PersonRef) throws(PlanRejection) {
        if let existing = state.planId, existing != planId { throw .factsMismatch("plan") }
        if let existing = state.personRef, existing != personRef { throw .factsMismatch("person") }
    }

    /// A business date recorded with the command may not lie after the decision's own.
    static func checkNotFuture(_ date: LocalDate, rules: RuleContext) throws(PlanRejection) {
        guard date <= rules.today else { throw .dateInFuture(date) }
    }
}
