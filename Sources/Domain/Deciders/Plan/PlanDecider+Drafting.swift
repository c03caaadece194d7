/// Drafting, agreement, approval and updates: the contents of a version (L16, L20) and the path
/// drafted → agreed → approved (L15, L17).
extension PlanDecider {
    static func decideDraft(
        _ draft: DraftPlan, state: PlanState, rules: RuleContext
    ) throws(PlanRejection) -> DomainEvent {
        switch state.status {
        case .none, .draft, .agreed: break
        default: throw .invalidStatus(state.status)
        }
        try checkStream(state, planId: draft.planId, personRef: draft.personRef)
        if let applicationId = state.applicationId, applicationId != draft.applicationId {
            throw .factsMismatch("application")
        }
        if let programmeId = state.programmeId, programmeId != draft.programmeId { throw .factsMismatch("programme") }
        let (qualificationId, serviceIds) = try checkQualified(
            draft.application, applicationId: draft.applicationId, personRef: draft.personRef,
            programmeId: draft.programmeId)
        guard !draft.goals.isEmpty else { throw .goalsMissing }
        try checkContents(draft.items, start: draft.start, end: draft.end, qualifiedServices: serviceIds, rules: rules)
        return .planDrafted(
            PlanDrafted(
                planId: draft.planId, planVersion: state.planVersion + 1, applicationId: draft.applicationId,
                qualificationId: qualificationId, personRef: draft.personRef, householdRef: draft.householdRef,
                programmeId: draft.programmeId, items: draft.items, start: draft.start, end: draft.end,
                personal: PlanDrafted.Personal(goals: draft.goals)))
    }

    /// L17: the resident, or a representative active on the day, agrees the current version before approval.
    static func decideAgreement(
        _ agree: AgreePlan, state: PlanState, rules: RuleContext
    ) throws(PlanRejection) -> DomainEvent {
        let agreed = agree.agreed
        guard state.status == .draft else { throw .invalidStatus(state.status) }
        try checkStream(state, planId: agreed.planId, personRef: agreed.personRef)
        guard agreed.planVersion == state.planVersion else {
            throw .versionMismatch(current: state.planVersion, named: agreed.planVersion)
        }
        try checkNotFuture(agreed.agreedOn, rules: rules)
        guard agree.person.personRef == agreed.personRef else { throw .factsMismatch("person") }
        if agreed.agreedBy != agreed.personRef {
            let representatives = agree.person.activeRepresentatives(on: agreed.agreedOn)
            guard representatives.contains(where: { $0.representativeRef == agreed.agreedBy }) else {
                throw .agreementNotByResident(on: agreed.agreedOn)
            }
        }
        return .planAgreed(agreed)
    }

    /// L15–L17 on the decision's business date: the agreed current version, approved by a rule-set approver
    /// (a delegated role needs `approvePlans` on the day), within the length bounds, with a reason when the
    /// approval comes after the deadline counted from `filedAt`.
    static func decideApproval(
        _ approve: ApprovePlan, state: PlanState, rules: RuleContext
    ) throws(PlanRejection) -> DomainEvent {
        guard let planId = state.planId, let personRef = state.personRef, let applicationId = state.applicationId,
            let period = state.period
        else { throw .invalidStatus(state.status) }
        switch state.status {
        case .draft: throw .notAgreed
        case .agreed: break
        default: throw .invalidStatus(state.status)
        }
        guard state.agreedVersion == state.planVersion else { throw .notAgreed }
        let today = rules.today
        let (approverId, role, delegationId) = try checkApprover(approve.approver, rules: rules)
        try checkDuration(period, rules: rules)
        guard approve.application.applicationId == applicationId, let submission = approve.application.submission
        else { throw .factsMismatch("application") }
        // A withdrawn application ends the procedure (domain.md §4.5): no plan of it starts after that.
        guard !approve.application.withdrawn else { throw .applicationNotQualified }
        let days = submission.filedAt.days(to: today)
        guard days >= 0 else { throw .dateTooEarly(today, earliest: submission.filedAt) }
        let deadlineDays = approve.deadlineDays ?? rules.ruleSet.parameters.plan.deadlineDays
        let late = days > Int64(deadlineDays)
        if late, approve.lateReason?.hasContent != true {
            throw .lateReasonRequired(daysToPlan: UInt64(days), deadlineDays: deadlineDays)
        }
        return .planApproved(
            PlanApproved(
                planId: planId, personRef: personRef, planVersion: state.planVersion,
                approverId: approverId, approverRole: role,
                delegationId: delegationId, approvedOn: today, start: period.lowerBound, end: period.upperBound,
                applicationFiledAt: submission.filedAt, daysToPlan: UInt64(days), late: late,
                personal: approve.lateReason.map { PlanApproved.Personal(lateReason: $0) }))
    }

    /// L17: the actor is the approver; the role is one the rule set lists; a role listed as delegated also
    /// needs the role and an `approvePlans` delegation on the staff stream on the day. As for refusals, the
    /// director's role is the actor's own and needs no staff-stream fact.
    private static func checkApprover(
        _ approver: StaffState, rules: RuleContext
    ) throws(PlanRejection) -> (StaffID, StaffRole, DelegationID?) {
        let today = rules.today
        let actorRole = rules.actor.role
        let parameters = rules.ruleSet.parameters.plan
        guard let role = StaffRole(rawValue: actorRole.rawValue), parameters.approverRoles.contains(role.rawValue),
            let staffId = rules.actor.staffID
        else { throw .approverNotAuthorised(role: actorRole, on: today) }
        guard parameters.delegatedApproverRoles.contains(role.rawValue) else { return (staffId, role, nil) }
        guard approver.staffId == staffId else { throw .factsMismatch("staff member") }
        guard approver.holdsRole(role, on: today), let delegation = approver.activeDelegation(.approvePlans, on: today)
        else { throw .approverNotAuthorised(role: actorRole, on: today) }
        return (staffId, role, delegation.delegationId)
    }

    /// L18 on the decision's business date: a new version of an active plan, its contents and length (L16)
    /// checked as at drafting. ❓ No new agreement or approval is asked for (domain.md §8 q. 4).
    static func decideUpdate(
        _ update: UpdatePlan, state: PlanState, rules: RuleContext
    ) throws(PlanRejection) -> DomainEvent {
        guard state.status == .active, let planId = state.planId, let personRef = state.personRef,
            let applicationId = state.applicationId
        else { throw .invalidStatus(state.status) }
        let (_, serviceIds) = try checkQualified(
            update.application, applicationId: applicationId, personRef: personRef, programmeId: state.programmeId)
        try checkContents(
            update.items, start: update.start, end: update.end, qualifiedServices: serviceIds, rules: rules)
        return .planUpdated(
            PlanUpdated(
                planId: planId, personRef: personRef, planVersion: state.planVersion + 1, items: update.items,
                start: update.start, end: update.end, changes: update.changes, updatedOn: rules.today,
                personal: update.reason.map { PlanUpdated.Personal(reason: $0) }))
    }

    /// A version's period (L16) and items (L20): at least one, ids unique, a service item names a qualified
    /// service and plans units, a supporting activity names an activity and no service, all inside the period.
    private static func checkContents(
        _ items: [PlanItem], start: LocalDate, end: LocalDate, qualifiedServices: [String], rules: RuleContext
    ) throws(PlanRejection) {
        guard start <= end else { throw .invalidPeriod(start: start, end: end) }
        let period = start...end
        try checkDuration(period, rules: rules)
        guard !items.isEmpty else { throw .noItems }
        var seen: Set<String> = []
        for item in items {
            guard seen.insert(item.itemId).inserted else { throw .duplicateItem(itemId: item.itemId) }
            switch item.kind {
            case .service:
                guard let serviceId = item.serviceId, item.activityName == nil else {
                    throw .itemKindInvalid(itemId: item.itemId)
                }
                guard qualifiedServices.contains(serviceId) else { throw .serviceNotQualified(serviceId: serviceId) }
                guard item.unitsPlanned > 0 else { throw .unitsPlannedMissing(itemId: item.itemId) }
            case .supportingActivity:
                guard item.serviceId == nil, item.activityName?.hasContent == true else {
                    throw .itemKindInvalid(itemId: item.itemId)
                }
            }
            guard item.start <= item.end, period.contains(item.start), period.contains(item.end) else {
                throw .itemOutsidePeriod(itemId: item.itemId)
            }
        }
    }

    /// L16: the length within the rule set's bounds (`LocalDate.spans`): a plan too short is named by its whole
    /// months, one too long by its months counting the last part month.
    static func checkDuration(_ period: ClosedRange<LocalDate>, rules: RuleContext) throws(PlanRejection) {
        let (start, end) = (period.lowerBound, period.upperBound)
        let allowed = rules.ruleSet.parameters.plan.monthsAllowed
        guard start.spans(months: allowed, through: end) else {
            let whole = start.wholeMonths(through: end)
            let months = whole < allowed.lowerBound ? whole : start.months(through: end)
            throw .durationOutOfRange(months: months, allowed: allowed)
        }
    }
}
