/// The application fold: clear fields only, since events read back from the ledger arrive sealed.
extension ApplicationDecider {
    public static func evolve(_ state: ApplicationState, _ event: DomainEvent) -> ApplicationState {
        var state = state
        switch event {
        case .needSignalled(let signalled):
            state.applicationId = signalled.applicationId
            state.personRef = signalled.personRef
            state.signalled = true
        case .applicationSubmitted(let submitted):
            state.applicationId = submitted.applicationId
            state.personRef = submitted.personRef
            state.submission = .init(
                filedAt: submitted.filedAt, applicantRole: submitted.applicantRole,
                programmeIds: submitted.programmeIds, requestedServiceIds: submitted.requestedServiceIds)
        case .applicationForwarded(let forwarded):
            state.forwardedTo.append(forwarded.targetUnit)
        case .needsAssessmentScheduled(let scheduled):
            state.scheduledAssessments[scheduled.assessmentId] = scheduled.scheduledOn
        case .needsAssessmentConducted(let conducted):
            state.scheduledAssessments[conducted.assessmentId] = nil
            state.lastAssessedOn = conducted.conductedOn
        case .qualificationGranted(let granted):
            state.outcomes[granted.programmeId] = .qualified(
                granted.qualificationId, serviceIds: granted.serviceIds, queuePosition: granted.queuePosition)
        case .applicantWaitlisted(let waitlisted):
            state.outcomes[waitlisted.programmeId] = .waitlisted(
                serviceIds: waitlisted.serviceIds, position: waitlisted.position)
        case .qualificationRefused(let refused):
            state.outcomes[refused.programmeId] = .refused(decisionRef: refused.decisionRef)
            state.refusals.append(.init(decisionRef: refused.decisionRef, programmeId: refused.programmeId))
        case .refusalAppealed(let appealed):
            if let index = state.refusals.firstIndex(where: { $0.decisionRef == appealed.decisionRef }) {
                state.refusals[index].appealed = true
            }
        case .appealResolved(let resolved):
            state.resolveEarliestAppeal(resolved.outcome)
        case .applicationWithdrawn:
            state.withdrawn = true
        default:
            break
        }
        return state
    }
}

extension ApplicationState {
    /// A quashed or remitted refusal leaves the programme undecided again; an upheld one stands.
    fileprivate mutating func resolveEarliestAppeal(_ outcome: AppealOutcome) {
        guard let index = refusals.firstIndex(where: { $0.appealed && $0.resolution == nil }) else { return }
        refusals[index].resolution = outcome
        if outcome != .upheld { outcomes[refusals[index].programmeId] = nil }
    }
}
