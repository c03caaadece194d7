public import Domain

/// CoordinatorCaseload (domain.md §5): per coordinator, the plans they run and the applications they assessed
/// that still wait for a decision. Stored per plan and per application; the counts, and every column relative
/// to today, are computed when read.
public struct CoordinatorCaseloadProjection: Projection {
    public static let name = "CoordinatorCaseload"
    /// 2: a plan not yet approved stops counting once its application is withdrawn (domain.md §4.5: the
    /// withdrawal stops the clocks). 3: a suspended plan is counted apart from the active ones (domain.md §6.1:
    /// a suspended day is not active), as PlanStatusView's status has it.
    public static let version: UInt32 = 3
    /// µs per event of a rebuild beyond the shared scan, as `cus-bench projections` measured it.
    public static let rebuildCost = 0.2
    public static let tables = ["plans", "applications"]
    public static let eventTypes: Set<String> = [
        ApplicationSubmitted.eventType, NeedsAssessmentConducted.eventType, QualificationGranted.eventType,
        ApplicantWaitlisted.eventType, QualificationRefused.eventType, ApplicationWithdrawn.eventType,
        CoordinatorAssigned.eventType, CoordinatorReassigned.eventType, PlanApproved.eventType,
        PlanUpdated.eventType, PlanSuspended.eventType, PlanResumed.eventType, PlanCompleted.eventType,
        PlanTerminatedEarly.eventType, PlanSummaryRecorded.eventType,
    ]

    public init() {}

    public func apply(_ event: ProjectedEvent, to rows: RowBatch) throws(ProjectionError) {
        let applications = try rows.table("applications", of: CaseloadApplication.self)
        let plans = try rows.table("plans", of: CaseloadPlan.self)
        switch event.event {
        case .applicationSubmitted(let submitted):
            applications.put(.uuid(submitted.applicationId.uuid), CaseloadApplication(filedAt: submitted.filedAt))
        case .needsAssessmentConducted(let assessed):
            try applications.update(.uuid(assessed.applicationId.uuid)) { $0?.assessorId = assessed.assessorId }
        case .qualificationGranted(let decided):
            try applications.update(.uuid(decided.applicationId.uuid)) { $0?.decided = true }
        case .applicantWaitlisted(let decided):
            try applications.update(.uuid(decided.applicationId.uuid)) { $0?.decided = true }
        case .qualificationRefused(let decided):
            try applications.update(.uuid(decided.applicationId.uuid)) { $0?.decided = true }
        case .applicationWithdrawn(let withdrawn):
            var plan: PlanID?
            try applications.update(.uuid(withdrawn.applicationId.uuid)) { application in
                application?.decided = true
                plan = application?.planId
            }
            guard let plan else { return }
            try plans.update(.uuid(plan.uuid)) { plan in if plan?.stage == .drafting { plan?.stage = .withdrawn } }
        case .coordinatorAssigned(let assigned):
            var filedAt: LocalDate?
            try applications.update(.uuid(assigned.applicationId.uuid)) { application in
                application?.planId = assigned.planId
                filedAt = application?.filedAt
            }
            try plans.update(
                .uuid(assigned.planId.uuid), orInsert: { CaseloadPlan(coordinatorId: assigned.coordinatorId) }
            ) {
                $0.coordinatorId = assigned.coordinatorId
                $0.filedAt = filedAt
            }
        case .coordinatorReassigned(let reassigned):
            try plans.update(.uuid(reassigned.planId.uuid)) { $0?.coordinatorId = reassigned.coordinatorId }
        case .planApproved(let approved):
            try plans.update(.uuid(approved.planId.uuid)) { plan in
                plan?.stage = .active
                plan?.end = approved.end
            }
        case .planUpdated(let updated):
            try plans.update(.uuid(updated.planId.uuid)) { $0?.end = updated.end }
        case .planSuspended(let suspended):
            try plans.update(.uuid(suspended.planId.uuid)) { plan in
                if plan?.stage == .active { plan?.stage = .suspended }
            }
        case .planResumed(let resumed):
            try plans.update(.uuid(resumed.planId.uuid)) { plan in
                if plan?.stage == .suspended { plan?.stage = .active }
            }
        case .planCompleted(let ended):
            try plans.update(.uuid(ended.planId.uuid)) { plan in if plan?.stage != .closed { plan?.stage = .ended } }
        case .planTerminatedEarly(let ended):
            try plans.update(.uuid(ended.planId.uuid)) { plan in if plan?.stage != .closed { plan?.stage = .ended } }
        case .planSummaryRecorded(let summary):
            try plans.update(.uuid(summary.planId.uuid)) { $0?.stage = .closed }
        default:
            return
        }
    }
}

/// A plan as the caseload counts it.
public struct CaseloadPlan: PayloadCodable, Hashable, Sendable {
    public enum Stage: String, StableName {
        /// Assigned or drafted, not yet approved.
        case drafting
        case active
        /// Approved and suspended (PlanSuspended), until it is resumed or ends.
        case suspended
        /// Completed or terminated early, summary not yet recorded.
        case ended
        case closed
        /// Its application was withdrawn before the plan was approved: no clock runs, nothing is counted.
        case withdrawn

        public static let names = StableNames<Self>()
    }

    public var coordinatorId: StaffID
    public var stage: Stage = .drafting
    public var filedAt: LocalDate?
    public var end: LocalDate?

    public init(coordinatorId: StaffID) { self.coordinatorId = coordinatorId }

    public func encode(to writer: inout PayloadWriter) {
        writer.write(coordinatorId)
        writer.write(stage)
        writer.writeOptional(filedAt)
        writer.writeOptional(end)
    }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        coordinatorId = try reader.read()
        stage = try reader.read()
        filedAt = try reader.readOptional()
        end = try reader.readOptional()
    }
}

/// An application, its assessor, whether it has been decided, and the plan a coordinator was assigned for it.
public struct CaseloadApplication: PayloadCodable, Hashable, Sendable {
    public var filedAt: LocalDate
    public var assessorId: StaffID?
    public var decided = false
    public var planId: PlanID?

    public init(filedAt: LocalDate) { self.filedAt = filedAt }

    public func encode(to writer: inout PayloadWriter) {
        writer.write(filedAt)
        writer.writeOptional(assessorId)
        writer.write(decided)
        writer.writeOptional(planId)
    }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        filedAt = try reader.read()
        assessorId = try reader.readOptional()
        decided = try reader.read()
        planId = try reader.readOptional()
    }
}
