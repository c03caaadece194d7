import Foundation

// Deliveries (domain.md §4.7): a provider reports what it delivered under an active authorisation, never for a day
// still to come, never while the plan is suspended. Corrections and reversals point at a delivery event of this
// stream that has not been reversed, and a correction passes the same checks as a delivery.
extension AuthorisationDecider {
    static func decideDelivery(
        _ command: RecordDelivery, state: AuthorisationState, rules: RuleContext
    ) throws(AuthorisationRejection) -> [DomainEvent] {
        guard let order = state.order else { throw .notAuthorised }
        guard command.providerId == order.providerId else { throw .wrongProvider }
        // The provider's retry: the natural-key command id makes the ledger side a no-op too (ledger.md G4).
        guard !state.knows(deliveryId: command.deliveryId) else { return [] }
        try checkUnits(command.units)
        try checkDeliveryDate(command.deliveredOn, state: state, order: order, plan: command.plan, today: rules.today)
        let (total, overflow) = state.unitsDelivered.addingReportingOverflow(command.units)
        let delivered = ServiceDelivered(
            authorisationId: order.authorisationId, personRef: order.personRef, providerId: order.providerId,
            deliveryId: command.deliveryId, deliveredOn: command.deliveredOn, units: command.units,
            workerId: command.workerId, groupSession: command.groupSession,
            overDelivery: overflow || total > state.unitsAuthorised, personal: command.personal)
        return [.serviceDelivered(delivered)]
    }

    static func decideNonDelivery(
        _ command: RecordNonDelivery, state: AuthorisationState, rules: RuleContext
    ) throws(AuthorisationRejection) -> [DomainEvent] {
        guard let order = state.order else { throw .notAuthorised }
        guard command.providerId == order.providerId else { throw .wrongProvider }
        guard !state.knows(deliveryId: command.deliveryId) else { return [] }
        try checkUnits(command.unitsPlanned)
        guard command.date <= rules.today else { throw .deliveryInFuture(date: command.date, today: rules.today) }
        guard state.isActive(on: command.date) else { throw .outsideAuthorisedPeriod(date: command.date) }
        let missed = ServiceNotDelivered(
            authorisationId: order.authorisationId, personRef: order.personRef, providerId: order.providerId,
            deliveryId: command.deliveryId, date: command.date, unitsPlanned: command.unitsPlanned,
            reason: command.reason)
        return [.serviceNotDelivered(missed)]
    }

    static func decideCorrection(
        _ command: CorrectDelivery, state: AuthorisationState, rules: RuleContext
    ) throws(AuthorisationRejection) -> [DomainEvent] {
        guard let order = state.order else { throw .notAuthorised }
        let delivery = try requireEffectiveDelivery(command.originalEventId, state: state)
        guard command.reason.hasContent else { throw .reasonMissing }
        try checkUnits(command.units)
        try checkDeliveryDate(command.deliveredOn, state: state, order: order, plan: command.plan, today: rules.today)
        let corrected = DeliveryCorrected(
            authorisationId: order.authorisationId, personRef: order.personRef,
            originalEventId: command.originalEventId, deliveryId: delivery.deliveryId,
            deliveredOn: command.deliveredOn, units: command.units, reason: command.reason)
        return [.deliveryCorrected(corrected)]
    }

    static func decideReversal(
        _ command: ReverseDelivery, state: AuthorisationState
    ) throws(AuthorisationRejection) -> [DomainEvent] {
        guard let order = state.order else { throw .notAuthorised }
        let delivery = try requireEffectiveDelivery(command.originalEventId, state: state)
        guard command.reason.hasContent else { throw .reasonMissing }
        let reversed = DeliveryReversed(
            authorisationId: order.authorisationId, personRef: order.personRef,
            originalEventId: command.originalEventId, deliveryId: delivery.deliveryId, reason: command.reason)
        return [.deliveryReversed(reversed)]
    }

    private static func requireEffectiveDelivery(
        _ eventId: UUID, state: AuthorisationState
    ) throws(AuthorisationRejection) -> AuthorisationState.Delivery {
        guard let delivery = state.delivery(recordedBy: eventId) else { throw .unknownDelivery }
        guard !delivery.reversed else { throw .deliveryAlreadyReversed(deliveryId: delivery.deliveryId) }
        return delivery
    }

    /// A delivery date: not after today, inside the authorisation and not cancelled, and, for an order inside a
    /// plan, on a day of its approved period that it was not suspended.
    private static func checkDeliveryDate(
        _ date: LocalDate, state: AuthorisationState, order: ServiceAuthorised, plan: PlanFacts?, today: LocalDate
    ) throws(AuthorisationRejection) {
        guard date <= today else { throw .deliveryInFuture(date: date, today: today) }
        guard state.isActive(on: date) else { throw .outsideAuthorisedPeriod(date: date) }
        guard let planId = order.planId else { return }
        guard let plan, plan.planId == planId else { throw .planFactsMismatch }
        guard !plan.suspensions.contains(where: { $0.covers(date) }) else { throw .planSuspended(date: date) }
        // A plan that has since ended still accepts late reports for days it ran (`PlanFacts(PlanState)` ends
        // `period` on the day the plan ended).
        guard plan.status != .notApproved, plan.period?.contains(date) == true else { throw .planNotActive }
    }
}
