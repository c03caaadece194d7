/// What may happen on an IPUS's stream (`plan-<PlanID>`; indywidualny plan usług społecznych, domain.md §4.6).
/// As in `ApplicationCommand`, a command whose event has no derived field carries the event itself, and facts
/// from other streams (the application, the resident, staff) come alongside as folded states, so the decider
/// stays pure.
public enum PlanCommand: Sendable, Hashable {
    case assignCoordinator(AssignCoordinator)
    case reassignCoordinator(ReassignCoordinator)
    case draft(DraftPlan)
    case agree(AgreePlan)
    case approve(ApprovePlan)
    case update(UpdatePlan)
    case review(PlanReviewed)
    case suspend(PlanSuspended)
    case resume(PlanResumed)
    case complete(CompletePlan)
    case terminateEarly(PlanTerminatedEarly)
    case recordSummary(PlanSummaryRecorded)
}

/// Assign the IPUS coordinator (L21) to a qualified application; the director or a services organiser acts.
public struct AssignCoordinator: Sendable, Hashable {
    public var assigned: CoordinatorAssigned
    /// The coordinator's staff stream, folded: the role must be held on `fromDate` (L21).
    public var coordinator: StaffState
    /// The application's stream, folded: it must hold a qualification.
    public var application: ApplicationState

    public init(assigned: CoordinatorAssigned, coordinator: StaffState, application: ApplicationState) {
        self.assigned = assigned
        self.coordinator = coordinator
        self.application = application
    }
}

/// Pass the plan to another coordinator from a date (L21).
public struct ReassignCoordinator: Sendable, Hashable {
    public var reassigned: CoordinatorReassigned
    public var coordinator: StaffState

    public init(reassigned: CoordinatorReassigned, coordinator: StaffState) {
        self.reassigned = reassigned
        self.coordinator = coordinator
    }
}

/// Draft the plan, or redraft it before approval (a new version that needs a new agreement, L17). The version
/// and the qualification are derived; the goals are personal and sealed in the event.
public struct DraftPlan: Sendable, Hashable {
    public var planId: PlanID
    public var applicationId: ApplicationID
    public var personRef: PersonRef
    public var householdRef: HouseholdRef?
    public var programmeId: ProgrammeID
    public var items: [PlanItem]
    public var start: LocalDate
    public var end: LocalDate
    public var goals: [PlanGoal]
    /// The application's stream, folded: its qualification for `programmeId` bounds the service items.
    public var application: ApplicationState

    public init(
        planId: PlanID, applicationId: ApplicationID, personRef: PersonRef, householdRef: HouseholdRef? = nil,
        programmeId: ProgrammeID, items: [PlanItem], start: LocalDate, end: LocalDate, goals: [PlanGoal],
        application: ApplicationState
    ) {
        self.planId = planId
        self.applicationId = applicationId
        self.personRef = personRef
        self.householdRef = householdRef
        self.programmeId = programmeId
        self.items = items
        self.start = start
        self.end = end
        self.goals = goals
        self.application = application
    }
}

/// Record the resident's (or an active representative's) agreement to the current version (L17).
public struct AgreePlan: Sendable, Hashable {
    public var agreed: PlanAgreed
    /// The resident's stream, folded: who may agree besides the resident.
    public var person: PersonState

    public init(agreed: PlanAgreed, person: PersonState) {
        self.agreed = agreed
        self.person = person
    }
}

/// Approve the agreed plan on the decision's business date (L15–L17). The approver is the command's actor.
public struct ApprovePlan: Sendable, Hashable {
    /// The approver's staff stream, folded: the role and, for a delegated role, `approvePlans` on the day.
    public var approver: StaffState
    /// The application's stream, folded: `filedAt` starts the 30-day clock (L15).
    public var application: ApplicationState
    /// Personal (sealed): why the plan comes after the deadline; mandatory when late (L15).
    public var lateReason: String?
    /// `plan.deadlineDays` of the rule set in force on `filedAt` (domain.md §3.1: a clock started by an
    /// application follows the rules of its filing day); nil uses the rule set of the decision.
    public var deadlineDays: Int?

    public init(
        approver: StaffState, application: ApplicationState, lateReason: String? = nil, deadlineDays: Int? = nil
    ) {
        self.approver = approver
        self.application = application
        self.lateReason = lateReason
        self.deadlineDays = deadlineDays
    }
}

/// Issue a new version of an active plan (L18) on the decision's business date; the length is re-checked (L16).
/// ❓ (domain.md §8 q. 4): no new agreement or approval is required; the plan stays active.
public struct UpdatePlan: Sendable, Hashable {
    public var items: [PlanItem]
    public var start: LocalDate
    public var end: LocalDate
    public var changes: String
    /// Personal (sealed).
    public var reason: String?
    public var application: ApplicationState

    public init(
        items: [PlanItem], start: LocalDate, end: LocalDate, changes: String, reason: String? = nil,
        application: ApplicationState
    ) {
        self.items = items
        self.start = start
        self.end = end
        self.changes = changes
        self.reason = reason
        self.application = application
    }
}

/// Complete an active or suspended plan. Before its last day only when `beforeEnd` says so explicitly.
public struct CompletePlan: Sendable, Hashable {
    public var completed: PlanCompleted
    public var beforeEnd: Bool

    public init(completed: PlanCompleted, beforeEnd: Bool = false) {
        self.completed = completed
        self.beforeEnd = beforeEnd
    }
}
