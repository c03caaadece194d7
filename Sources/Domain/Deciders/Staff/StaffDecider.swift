/// The director's decisions on one staff member (`staff-<StaffID>`, domain.md §4.10): qualification for a role,
/// with the art. 30 check for an IPUS coordinator (koordynator indywidualnych planów usług społecznych, L21),
/// and delegations of authority (upoważnienia) that let others approve plans, sign refusals or decide fees.
public enum StaffDecider: Decider {
    public typealias Command = StaffCommand
    public typealias State = StaffState
    public typealias Rejection = StaffRejection

    public static var initialState: StaffState { StaffState() }

    public static func decide(
        _ command: StaffCommand, state: StaffState, rules: RuleContext
    ) throws(StaffRejection) -> [DomainEvent] {
        guard rules.actor.role == .director else { throw .notPermitted(role: rules.actor.role) }
        let event: DomainEvent
        switch command {
        case .qualify(let qualify):
            event = try decideQualification(qualify, state: state, rules: rules)
        case .delegateAuthority(let delegate):
            event = try decideDelegation(delegate, state: state, rules: rules)
        case .revokeAuthority(let revoke):
            event = try decideRevocation(revoke, state: state)
        }
        let violations = event.fieldViolations
        guard violations.isEmpty else { throw .invalidFields(violations) }
        return [event]
    }

    public static func evolve(_ state: StaffState, _ event: DomainEvent) -> StaffState {
        var state = state
        switch event {
        case .staffQualified(let qualified):
            state.staffId = qualified.staffId
            state.roles[qualified.role] = qualified.validFrom
        case .authorityDelegated(let delegated):
            state.staffId = delegated.staffId
            state.delegations[delegated.delegationId] = Delegation(
                delegationId: delegated.delegationId, scope: delegated.scope, delegatedBy: delegated.delegatedBy,
                validFrom: delegated.validFrom, validTo: delegated.validTo, revokedFrom: nil)
        case .authorityRevoked(let revoked):
            state.delegations[revoked.delegationId]?.revokedFrom = revoked.effectiveFrom
        default:
            break
        }
        return state
    }

    /// The art. 30 requirements the evidence covers. Experience counts only from the rule set's minimum, which
    /// is versioned data (domain.md §3.1), never a constant here.
    public static func evidencedRequirements(
        _ evidence: StaffQualified.Personal, minExperienceYears: Int
    ) -> [CoordinatorRequirement] {
        var evidenced: [CoordinatorRequirement] = []
        if evidence.qualification?.hasContent == true { evidenced.append(.socialWorkQualification) }
        if let years = evidence.experienceYears, years >= UInt64(max(0, minExperienceYears)) {
            evidenced.append(.socialWorkExperience)
        }
        if evidence.trainingRef?.hasContent == true { evidenced.append(.ipusTraining) }
        if evidence.criminalRecordStatementRef?.hasContent == true { evidenced.append(.noConvictionStatement) }
        return evidenced
    }

    /// The roles that may receive a scope: plan approval per the rule set (`plan.delegatedApproverRoles`, L17);
    /// the rule set names no roles for the other scopes, so any role short of director (who needs no
    /// delegation) may receive them.
    public static func eligibleRoles(for scope: DelegationScope, ruleSet: RuleSet) -> [StaffRole] {
        switch scope {
        case .approvePlans: ruleSet.parameters.plan.delegatedApproverRoles.compactMap(StaffRole.init(rawValue:))
        case .signRefusals, .decideFeeExemptions, .writeOffCharges: StaffRole.allCases.filter { $0 != .director }
        }
    }

    private static func decideQualification(
        _ qualify: QualifyStaff, state: StaffState, rules: RuleContext
    ) throws(StaffRejection) -> DomainEvent {
        try checkStream(qualify.staffId, state: state)
        guard state.roles[qualify.role] == nil else { throw .alreadyQualified(role: qualify.role) }
        let minYears = rules.ruleSet.parameters.coordinator.minExperienceYears
        let evidenced = evidencedRequirements(qualify.evidence, minExperienceYears: minYears)
        if qualify.role == .coordinator {
            let required = rules.ruleSet.parameters.coordinator.requiredEvidence.compactMap(
                CoordinatorRequirement.init(rawValue:))
            let missing = required.filter { !evidenced.contains($0) }
            guard missing.isEmpty else {
                throw .coordinatorRequirementsMissing(missing: missing, minExperienceYears: minYears)
            }
        }
        return .staffQualified(
            StaffQualified(
                staffId: qualify.staffId, role: qualify.role, evidencedRequirements: evidenced,
                validFrom: qualify.validFrom, personal: qualify.evidence))
    }

    private static func decideDelegation(
        _ delegate: DelegateAuthority, state: StaffState, rules: RuleContext
    ) throws(StaffRejection) -> DomainEvent {
        try checkStream(delegate.staffId, state: state)
        guard let director = rules.actor.staffID else { throw .notPermitted(role: rules.actor.role) }
        guard state.delegations[delegate.delegationId] == nil else {
            throw .delegationAlreadyExists(delegate.delegationId)
        }
        if let validTo = delegate.validTo, delegate.validFrom >= validTo {
            throw .invalidDelegationPeriod(validFrom: delegate.validFrom, validTo: validTo)
        }
        let eligible = eligibleRoles(for: delegate.scope, ruleSet: rules.ruleSet)
        guard eligible.contains(where: { state.holdsRole($0, on: delegate.validFrom) }) else {
            throw .delegateLacksRole(scope: delegate.scope, eligibleRoles: eligible)
        }
        return .authorityDelegated(
            AuthorityDelegated(
                staffId: delegate.staffId, delegationId: delegate.delegationId, scope: delegate.scope,
                delegatedBy: director, validFrom: delegate.validFrom, validTo: delegate.validTo,
                documentRef: delegate.documentRef))
    }

    private static func decideRevocation(
        _ revoke: RevokeAuthority, state: StaffState
    ) throws(StaffRejection) -> DomainEvent {
        try checkStream(revoke.staffId, state: state)
        guard let delegation = state.delegations[revoke.delegationId],
            delegation.isRevocable(from: revoke.effectiveFrom)
        else { throw .delegationNotActive(revoke.delegationId) }
        return .authorityRevoked(
            AuthorityRevoked(
                staffId: revoke.staffId, delegationId: revoke.delegationId, effectiveFrom: revoke.effectiveFrom,
                reason: revoke.reason))
    }

    private static func checkStream(_ staffId: StaffID, state: StaffState) throws(StaffRejection) {
        if let existing = state.staffId, existing != staffId { throw .wrongStaffMember }
    }
}
