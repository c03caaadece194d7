/// After approval: reviews and suspensions of an active plan, its end (completed or terminated early) and the
/// summary interview that closes it (L19).
extension PlanDecider {
    static func decideReview(
        _ reviewed: PlanReviewed, state: PlanState, rules: RuleContext
    ) throws(PlanRejection) -> DomainEvent {
        guard state.status == .active, let approvedOn = state.approvedAt else { throw .invalidStatus(state.status) }
        try checkStream(state, planId: reviewed.planId, personRef: reviewed.personRef)
        try checkNotFuture(reviewed.reviewedOn, rules: rules)
        guard reviewed.reviewedOn >= approvedOn else { throw .dateTooEarly(reviewed.reviewedOn, earliest: approvedOn) }
        return .planReviewed(reviewed)
    }

    /// An active plan pauses from a day inside its period (its authorisations pause with it).
    static func decideSuspension(
        _ suspended: PlanSuspended, state: PlanState, rules: RuleContext
    ) throws(PlanRejection) -> DomainEvent {
        guard state.status == .active, let period = state.period else { throw .invalidStatus(state.status) }
        try checkStream(state, planId: suspended.planId, personRef: suspended.personRef)
        guard period.contains(suspended.from), suspended.to.map({ $0 >= suspended.from }) ?? true else {
            throw .suspensionOutsidePeriod(start: period.lowerBound)
        }
        guard suspended.personal?.reason.hasContent == true else { throw .personalPartMissing(field: "reason") }
        return .planSuspended(suspended)
    }

    static func decideResumption(
        _ resumed: PlanResumed, state: PlanState, rules: RuleContext
    ) throws(PlanRejection) -> DomainEvent {
        guard state.status == .suspended, let suspension = state.suspensions.last else {
            throw .invalidStatus(state.status)
        }
        try checkStream(state, planId: resumed.planId, personRef: resumed.personRef)
        try checkNotFuture(resumed.resumedOn, rules: rules)
        guard resumed.resumedOn > suspension.from else {
            throw .dateTooEarly(resumed.resumedOn, earliest: suspension.from.adding(days: 1))
        }
        return .planResumed(resumed)
    }

    /// An active or suspended plan completes on its last day, or earlier only when the command says so; the
    /// date is inside the period and not after the decision.
    static func decideCompletion(
        _ complete: CompletePlan, state: PlanState, rules: RuleContext
    ) throws(PlanRejection) -> DomainEvent {
        let completed = complete.completed
        guard state.status == .active || state.status == .suspended, let period = state.period else {
            throw .invalidStatus(state.status)
        }
        try checkStream(state, planId: completed.planId, personRef: completed.personRef)
        try checkNotFuture(completed.endDate, rules: rules)
        guard completed.endDate >= period.lowerBound else {
            throw .dateTooEarly(completed.endDate, earliest: period.lowerBound)
        }
        guard completed.endDate <= period.upperBound else { throw .factsMismatch("end date") }
        if completed.endDate < period.upperBound, !complete.beforeEnd {
            throw .completedBeforeEnd(end: period.upperBound)
        }
        return .planCompleted(completed)
    }

    /// A plan not yet ended may be terminated early, with a sealed reason; the last day is not after the
    /// decision nor after the planned end.
    static func decideTermination(
        _ terminated: PlanTerminatedEarly, state: PlanState, rules: RuleContext
    ) throws(PlanRejection) -> DomainEvent {
        guard let status = state.status, !status.hasEnded, let period = state.period else {
            throw .invalidStatus(state.status)
        }
        try checkStream(state, planId: terminated.planId, personRef: terminated.personRef)
        guard terminated.personal != nil else { throw .personalPartMissing(field: "reason") }
        try checkNotFuture(terminated.endDate, rules: rules)
        guard terminated.endDate <= period.upperBound else { throw .factsMismatch("end date") }
        return .planTerminatedEarly(terminated)
    }

    /// L19: the summary interview after the end, once; every goal rated once (when the goals are known in the
    /// clear), self-assessment and satisfaction on 1…5, goal attainment scaling on −2…+2.
    static func decideSummary(
        _ summary: PlanSummaryRecorded, state: PlanState, rules: RuleContext
    ) throws(PlanRejection) -> DomainEvent {
        switch state.status {
        case .completed, .terminatedEarly: break
        case .closed: throw .alreadySummarised
        default: throw .summaryBeforeEnd
        }
        try checkStream(state, planId: summary.planId, personRef: summary.personRef)
        try checkNotFuture(summary.recordedOn, rules: rules)
        if let endedOn = state.endedOn, summary.recordedOn < endedOn {
            throw .dateTooEarly(summary.recordedOn, earliest: endedOn)
        }
        guard let personal = summary.personal else { throw .personalPartMissing(field: "goalAttainment") }
        try checkRatings(personal)
        let rated = personal.goalAttainment.map(\.goalId)
        let expected = state.goalIds ?? rated
        guard summary.goalsSet == UInt64(rated.count), !rated.isEmpty, Set(rated) == Set(expected),
            Set(rated).count == rated.count, rated.count == expected.count
        else { throw .goalsMismatch(goalsSet: summary.goalsSet, expected: expected.count) }
        return .planSummaryRecorded(summary)
    }

    private static func checkRatings(_ personal: PlanSummaryRecorded.Personal) throws(PlanRejection) {
        let scale: ClosedRange<Int64> = 1...5
        guard personal.selfAssessment >= 1, personal.selfAssessment <= 5 else {
            throw .ratingOutOfRange(field: "selfAssessment", allowed: scale)
        }
        guard personal.satisfaction >= 1, personal.satisfaction <= 5 else {
            throw .ratingOutOfRange(field: "satisfaction", allowed: scale)
        }
        let attainmentScale: ClosedRange<Int64> = -2...2
        for goal in personal.goalAttainment {
            if let value = goal.attainmentScale, !attainmentScale.contains(value) {
                throw .ratingOutOfRange(field: "attainmentScale", allowed: attainmentScale)
            }
        }
    }
}
