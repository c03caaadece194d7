extension PlanFacts {
    /// The authorisation's view of a folded plan stream, so the command layer fills `PlanFacts` from the plan
    /// decider's own state and the two never disagree. Nil before anything was recorded on the stream. The period
    /// ends on the day the plan ended, when it ended before its last planned day (completed early or terminated):
    /// late reports are taken for days it ran, none for days after.
    public init?(_ state: PlanState) {
        guard let planId = state.planId else { return nil }
        let status: Status =
            switch state.status {
            case .none, .draft, .agreed: .notApproved
            case .active: .active
            case .suspended: .suspended
            case .completed, .terminatedEarly, .closed: .ended
            }
        var period = state.approval == nil ? nil : state.period
        if let planned = period, let endedOn = state.endedOn {
            period = endedOn < planned.lowerBound ? nil : planned.lowerBound...min(planned.upperBound, endedOn)
        }
        self.init(
            planId: planId, status: status, period: period,
            items: state.items.map { Item(itemId: $0.itemId, serviceId: $0.serviceId, unitsPlanned: $0.unitsPlanned) },
            suspensions: state.suspensions.map {
                Suspension(from: $0.from, to: $0.resumedOn.map { $0.adding(days: -1) } ?? $0.plannedTo)
            })
    }
}
