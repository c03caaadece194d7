public import Foundation

/// Decides service authorisations and deliveries (domain.md §4.7) on one `authorisation-<AuthorisationID>` stream:
/// the coordinator orders units from an engaged provider inside an approved plan item (or for a service needing no
/// plan), and the provider reports deliveries, missed sessions, corrections and reversals. Planned, authorised and
/// delivered stay three separate quantities [S43].
///
/// A repeated `deliveryId` decides no events: together with the natural-key command id (ledger.md G4) a provider's
/// retry is a no-op. Over-delivery is accepted with `overDelivery = true` and raised as an alert.
public enum AuthorisationDecider: Decider {
    public typealias Command = AuthorisationCommand
    public typealias State = AuthorisationState
    public typealias Rejection = AuthorisationRejection

    public static let initialState = AuthorisationState()

    public static func decide(
        _ command: AuthorisationCommand, state: AuthorisationState, rules: RuleContext
    ) throws(AuthorisationRejection) -> [DomainEvent] {
        let events: [DomainEvent]
        switch command {
        case .authorise(let authorise):
            try require(rules, [.coordinator])
            events = try decideAuthorisation(authorise, state: state)
        case .change(let change):
            try require(rules, [.coordinator])
            events = try decideChange(change, state: state, rules: rules)
        case .cancel(let cancel):
            try require(rules, [.coordinator])
            events = try decideCancellation(cancel, state: state)
        case .recordDelivery(let delivery):
            try require(rules, [.providerStaff])
            events = try decideDelivery(delivery, state: state, rules: rules)
        case .recordNonDelivery(let missed):
            try require(rules, [.providerStaff])
            events = try decideNonDelivery(missed, state: state, rules: rules)
        case .correctDelivery(let correction):
            try require(rules, [.providerStaff, .coordinator])
            events = try decideCorrection(correction, state: state, rules: rules)
        case .reverseDelivery(let reversal):
            try require(rules, [.providerStaff, .coordinator])
            events = try decideReversal(reversal, state: state)
        }
        let violations = events.flatMap(\.fieldViolations)
        guard violations.isEmpty else { throw .invalidFields(violations) }
        return events
    }

    public static func evolve(_ state: AuthorisationState, _ event: DomainEvent) -> AuthorisationState {
        state.applying(event, eventId: nil)
    }

    public static func evolve(
        _ state: AuthorisationState, _ event: DomainEvent, eventID: UUID
    ) -> AuthorisationState {
        state.applying(event, eventId: eventID)
    }

    /// The capacity alerts an authorisation raises (domain.md §4.7, Alert): each month in which the units already
    /// authorised from the provider for the service plus this order's share exceed the engagement's capacity.
    public static func capacityAlerts(for command: AuthoriseService) -> [ComplianceAlert] {
        guard let engagement = command.provider.engagements[command.engagementId] else { return [] }
        let spread = MonthlyAllocation.spread(
            units: command.unitsAuthorised, allocation: command.monthlyAllocation, from: command.start,
            through: command.end)
        return spread.keys.sorted().compactMap { month in
            let firstDay = LocalDate("\(month)-01").map { max($0, command.start) } ?? command.start
            guard let capacity = engagement.capacity(forService: command.serviceId, on: firstDay) else { return nil }
            let total = (command.providerAuthorisedByMonth[month] ?? 0) + (spread[month] ?? 0)
            guard total > capacity.unitsPerMonth else { return nil }
            return ComplianceAlert(
                kind: "capacityExceeded", rule: "4.7", subject: "authorisation-\(command.authorisationId)",
                parameters: [
                    "month": month, "serviceId": command.serviceId, "engagementId": command.engagementId.description,
                    "authorised": String(total), "capacity": String(capacity.unitsPerMonth),
                ])
        }
    }

    static func require(_ rules: RuleContext, _ roles: [ActorRole]) throws(AuthorisationRejection) {
        guard roles.contains(rules.actor.role) else { throw .notPermitted(role: rules.actor.role) }
    }

    static func requireActive(_ state: AuthorisationState) throws(AuthorisationRejection) -> ServiceAuthorised {
        guard let order = state.order else { throw .notAuthorised }
        guard state.cancelledFrom == nil else { throw .authorisationCancelled }
        return order
    }

    private static func decideAuthorisation(
        _ command: AuthoriseService, state: AuthorisationState
    ) throws(AuthorisationRejection) -> [DomainEvent] {
        guard state.order == nil else { throw .alreadyAuthorised }
        let programme = command.programme
        guard programme.isActive, let programmeId = programme.programmeId else { throw .programmeNotActive }
        guard let service = programme.services[command.serviceId] else {
            throw .serviceNotInProgramme(serviceId: command.serviceId)
        }
        guard command.qualifiedServiceIds.contains(command.serviceId) else {
            throw .notQualified(serviceId: command.serviceId)
        }
        try checkOrder(
            units: command.unitsAuthorised, allocation: command.monthlyAllocation, start: command.start,
            end: command.end)
        guard command.rate >= 0 else { throw .negativeRate(rate: command.rate) }
        if let plan = command.plan {
            try checkPlan(
                plan, itemId: command.planItemId, serviceId: command.serviceId, start: command.start,
                end: command.end, units: command.unitsAuthorised, alreadyAuthorised: command.alreadyAuthorisedForItem)
        } else {
            guard command.planItemId == nil else { throw .planFactsMismatch }
            guard !service.requiresPlan else { throw .planRequired(serviceId: command.serviceId) }
        }
        try checkEngagement(
            command.provider, engagementId: command.engagementId, programmeId: programmeId,
            serviceId: command.serviceId, start: command.start, end: command.end)
        guard let providerId = command.provider.providerId else {
            throw .providerNotEngaged(serviceId: command.serviceId, start: command.start, end: command.end)
        }
        let authorised = ServiceAuthorised(
            authorisationId: command.authorisationId, planId: command.plan?.planId, planItemId: command.planItemId,
            qualificationId: command.qualificationId, personRef: command.personRef, programmeId: programmeId,
            serviceId: command.serviceId, providerId: providerId, engagementId: command.engagementId,
            unitsAuthorised: command.unitsAuthorised, monthlyAllocation: command.monthlyAllocation, rate: command.rate,
            frequency: command.frequency, start: command.start, end: command.end)
        return [.serviceAuthorised(authorised)]
    }

    private static func decideChange(
        _ command: ChangeAuthorisation, state: AuthorisationState, rules: RuleContext
    ) throws(AuthorisationRejection) -> [DomainEvent] {
        let order = try requireActive(state)
        guard command.reason.hasContent else { throw .reasonMissing }
        try checkOrder(
            units: command.unitsAuthorised, allocation: command.monthlyAllocation, start: command.start,
            end: command.end)
        guard command.unitsAuthorised >= state.unitsDelivered else {
            throw .belowDelivered(delivered: state.unitsDelivered, authorised: command.unitsAuthorised)
        }
        for delivery in state.effectiveDeliveries where !(command.start...command.end).contains(delivery.deliveredOn) {
            throw .deliveryOutsideNewPeriod(date: delivery.deliveredOn)
        }
        if let planId = order.planId {
            guard let plan = command.plan, plan.planId == planId else { throw .planFactsMismatch }
            try checkPlan(
                plan, itemId: order.planItemId, serviceId: order.serviceId, start: command.start, end: command.end,
                units: command.unitsAuthorised, alreadyAuthorised: command.alreadyAuthorisedForItem)
        }
        try checkEngagement(
            command.provider, engagementId: order.engagementId, programmeId: order.programmeId,
            serviceId: order.serviceId, start: command.start, end: command.end)
        let changed = ServiceAuthorisationChanged(
            authorisationId: order.authorisationId, personRef: order.personRef,
            unitsAuthorised: command.unitsAuthorised, monthlyAllocation: command.monthlyAllocation,
            start: command.start, end: command.end, reason: command.reason, changedOn: rules.today)
        return [.serviceAuthorisationChanged(changed)]
    }

    private static func decideCancellation(
        _ command: CancelAuthorisation, state: AuthorisationState
    ) throws(AuthorisationRejection) -> [DomainEvent] {
        let order = try requireActive(state)
        guard command.reason.hasContent else { throw .reasonMissing }
        // Cancelling from a day on or before a delivery would take back units already delivered.
        for delivery in state.effectiveDeliveries where delivery.deliveredOn >= command.effectiveFrom {
            throw .deliveryOutsideNewPeriod(date: delivery.deliveredOn)
        }
        let cancelled = ServiceAuthorisationCancelled(
            authorisationId: order.authorisationId, personRef: order.personRef, effectiveFrom: command.effectiveFrom,
            reason: command.reason)
        return [.serviceAuthorisationCancelled(cancelled)]
    }

    /// The most units one order, delivery report, correction or missed session may carry: far above any real one
    /// (a year of daily care is a few thousand hours), and low enough that no sum a view or state keeps of them can
    /// overflow, whatever a client sends.
    public static let unitsMax: UInt64 = 1_000_000

    /// Positive units, at most `unitsMax`.
    static func checkUnits(_ units: UInt64) throws(AuthorisationRejection) {
        guard units > 0 else { throw .noUnits }
        guard units <= unitsMax else { throw .tooManyUnits(units: units, max: unitsMax) }
    }

    /// Units, period and allocation of an order: units as `checkUnits` wants them, start ≤ end, and an allocation
    /// (when given) with distinct months inside the period summing to the units.
    static func checkOrder(
        units: UInt64, allocation: [MonthlyUnits], start: LocalDate, end: LocalDate
    ) throws(AuthorisationRejection) {
        try checkUnits(units)
        guard start <= end else { throw .periodEndsBeforeStart(start: start, end: end) }
        let months = MonthlyAllocation.months(from: start, through: end)
        guard months.count < MonthlyAllocation.periodMonthsMax else { throw .periodTooLong(months: months.count) }
        guard !allocation.isEmpty else { return }
        var seen: Set<String> = []
        var allocated: UInt64 = 0
        for entry in allocation {
            guard months.contains(entry.month) else { throw .allocationMonthOutsidePeriod(month: entry.month) }
            guard seen.insert(entry.month).inserted else { throw .duplicateAllocationMonth(month: entry.month) }
            let (sum, overflow) = allocated.addingReportingOverflow(entry.units)
            allocated = overflow ? .max : sum
        }
        guard allocated == units else { throw .allocationMismatch(allocated: allocated, authorised: units) }
    }

    /// An order inside a plan: the plan approved and running, the period inside its approved period, the item
    /// ordering this service, and the item's units authorised across authorisations within what it plans.
    static func checkPlan(
        _ plan: PlanFacts, itemId: String?, serviceId: String, start: LocalDate, end: LocalDate, units: UInt64,
        alreadyAuthorised: UInt64
    ) throws(AuthorisationRejection) {
        guard let itemId else { throw .planFactsMismatch }
        guard plan.status == .active, let period = plan.period else { throw .planNotActive }
        guard period.contains(start), period.contains(end) else { throw .outsidePlanPeriod(start: start, end: end) }
        guard let item = plan.item(itemId) else { throw .unknownPlanItem(itemId: itemId) }
        guard item.serviceId == serviceId else { throw .planItemServiceMismatch(itemId: itemId, serviceId: serviceId) }
        let (total, overflow) = alreadyAuthorised.addingReportingOverflow(units)
        guard !overflow, total <= item.unitsPlanned else {
            throw .exceedsPlannedUnits(planned: item.unitsPlanned, authorised: overflow ? .max : total)
        }
    }

    /// The provider engaged for the service under the engagement on every day of the period (an engagement runs on
    /// one interval, so its first and last day suffice), for this programme, and never suspended then.
    static func checkEngagement(
        _ provider: ProviderState, engagementId: EngagementID, programmeId: ProgrammeID, serviceId: String,
        start: LocalDate, end: LocalDate
    ) throws(AuthorisationRejection) {
        guard let engagement = provider.engagements[engagementId], engagement.programmeId == programmeId,
            engagement.serviceIds.contains(serviceId), engagement.isActive(on: start), engagement.isActive(on: end)
        else { throw .providerNotEngaged(serviceId: serviceId, start: start, end: end) }
        guard !provider.suspensions.contains(where: { $0.overlaps(from: start, through: end) }) else {
            throw .providerSuspended
        }
    }
}
