import Commands
import Domain
import Hummingbird

/// `POST /v1/authorisations/{authorisationId}…`: ordering a service (group `.authorisation`) and the provider's
/// reports on it (group `.delivery`, domain.md §4.7). Provider staff act only on their own provider's
/// authorisations, and a coordinator only on orders under the plans of their own caseload and on orders without
/// a plan that they placed: any other is 404, like a missing one, and so is a new order naming another
/// coordinator's plan. The path fixes `authorisationId` and, once the order is recorded, `personRef` and
/// `providerId`; a body may omit them. A delivery's command id derives from (provider, `deliveryId`,
/// `deliveredOn`), so `Idempotency-Key` is optional there.
struct ServiceRoutes {
    let commands: CommandRoutes
    let delivery: DeliveryCommands

    init(server: APIServer) {
        commands = CommandRoutes(server: server)
        delivery = DeliveryCommands(services: server.services)
    }

    typealias Build<Body> = @Sendable (Body, AuthorisationID, DomainFacts) throws(CommandError) -> AuthorisationCommand

    func register(on router: Routes) {
        post(
            router, "", BoundEventRequest<ServiceAuthorised, AuthoriseFields>.self, route: "authorise-service",
            group: .authorisation, starts: true,
            admit: { [self] principal, body throws(Problem) in
                try requirePlanInCaseload(body.event.planId, principal)
            },
            build: Self.authorise)
        post(
            router, "/change", ClearRequest<ChangeAuthorisationFields>.self, route: "change-authorisation",
            group: .authorisation, build: Self.change)
        post(
            router, "/cancellation", EventRequest<ServiceAuthorisationCancelled>.self, route: "cancel-authorisation",
            group: .authorisation
        ) { body, _, _ in
            .cancel(CancelAuthorisation(effectiveFrom: body.event.effectiveFrom, reason: body.event.reason))
        }
        post(
            router, "/deliveries", RecordDeliveryRequest.self, route: "record-delivery", group: .delivery,
            naturalKey: { body in CommandRoutes.NaturalKey(DeliveryCommands.naturalKey(body.report(plan: nil))) }
        ) { body, authorisation, facts throws(CommandError) in
            .recordDelivery(body.report(plan: try Self.plan(of: authorisation, facts)))
        }
        post(
            router, "/non-deliveries", EventRequest<ServiceNotDelivered>.self, route: "record-non-delivery",
            group: .delivery
        ) { body, _, _ in
            let event = body.event
            return .recordNonDelivery(
                RecordNonDelivery(
                    providerId: event.providerId, deliveryId: event.deliveryId, date: event.date,
                    unitsPlanned: event.unitsPlanned, reason: event.reason))
        }
        post(
            router, "/delivery-corrections", ClearRequest<CorrectDeliveryFields>.self, route: "correct-delivery",
            group: .delivery
        ) { body, authorisation, facts throws(CommandError) in
            let fields = body.clear
            return .correctDelivery(
                CorrectDelivery(
                    originalEventId: fields.originalEventId, deliveredOn: fields.deliveredOn, units: fields.units,
                    reason: fields.reason, plan: try Self.plan(of: authorisation, facts)))
        }
        post(
            router, "/delivery-reversals", ClearRequest<ReverseDeliveryFields>.self, route: "reverse-delivery",
            group: .delivery
        ) { body, _, _ in
            .reverseDelivery(ReverseDelivery(originalEventId: body.clear.originalEventId, reason: body.clear.reason))
        }
    }

    /// A `POST /v1/authorisations/{authorisationId}<path>` whose command `build` makes from the body and facts;
    /// only the order itself (`starts`) may name an authorisation with nothing recorded yet.
    private func post<Body: CommandRequest>(
        _ router: Routes, _ path: String, _ type: Body.Type, route: String, group: AccessPolicy.CommandGroup,
        starts: Bool = false, admit: @Sendable @escaping (Principal, Body) throws(Problem) -> Void = { _, _ in },
        naturalKey: (@Sendable (Body) -> CommandRoutes.NaturalKey)? = nil, build: @escaping Build<Body>
    ) {
        router.post("/v1/authorisations/:authorisationId\(path)") { request, context in
            let authorisation = try pathIdentifier(context, "authorisationId", AuthorisationID.self)
            return try await commands.run(
                request, context, type, route: route, group: group,
                known: { principal in try known(authorisation, principal, starts: starts) }, admit: admit,
                naturalKey: naturalKey
            ) { [delivery] body, envelope throws(CommandError) in
                try await delivery.authorisation(authorisation, envelope: envelope) { facts throws(CommandError) in
                    try build(body, authorisation, facts)
                }
            }
        }
    }

    /// The order's fields a body may omit; 404 for provider staff when the order is another provider's, and for
    /// anyone when there is no order and the command is not the order itself.
    private func known(_ authorisation: AuthorisationID, _ principal: Principal, starts: Bool) throws(Problem)
        -> [String: String]
    {
        let order: ServiceAuthorised?
        do { order = try Self.order(authorisation, delivery.facts) } catch { throw CommandRoutes.problem(error) }
        if order == nil && !starts { throw Problem.notFound }
        if principal.role == .providerStaff && order?.providerId.uuid != principal.subject { throw Problem.notFound }
        try requireCaseload(order, authorisation, principal)
        var fields = ["authorisationId": authorisation.description]
        if let order {
            fields["personRef"] = order.personRef.description
            fields["providerId"] = order.providerId.description
        }
        return fields
    }

    /// 404 for a coordinator when the order is not theirs: one under a plan outside their caseload, or one without
    /// a plan that someone else placed. Nothing to check for other roles, or for an order not recorded yet (the
    /// order itself, whose plan `admit` checks).
    private func requireCaseload(_ order: ServiceAuthorised?, _ authorisation: AuthorisationID, _ principal: Principal)
        throws(Problem)
    {
        guard principal.role == .coordinator, let order else { return }
        if order.planId != nil { return try requirePlanInCaseload(order.planId, principal) }
        let placedBy: String?
        do {
            placedBy = try delivery.facts.openedBy(try LedgerNames.stream(ServiceAuthorised.category, authorisation))
        } catch { throw CommandRoutes.problem(error) }
        guard placedBy == Actor.staff(StaffID(uuid: principal.subject), role: .coordinator).ledgerName else {
            throw Problem.notFound
        }
    }

    /// 404 for a coordinator when `plan` is not in their caseload (another coordinator's, or nothing recorded);
    /// nothing to check for other roles or without a plan.
    private func requirePlanInCaseload(_ plan: PlanID?, _ principal: Principal) throws(Problem) {
        guard principal.role == .coordinator, let plan else { return }
        let state: PlanState
        do { state = try delivery.facts.plan(plan) } catch { throw CommandRoutes.problem(error) }
        guard AccessPolicy.mayActOn(state, principal) else { throw Problem.notFound }
    }

    private static func order(_ authorisation: AuthorisationID, _ facts: DomainFacts) throws(CommandError)
        -> ServiceAuthorised?
    {
        try facts.state(
            AuthorisationDecider.self, of: try LedgerNames.stream(ServiceAuthorised.category, authorisation)
        ).order
    }

    /// The IPUS the authorisation belongs to, as the authorisation decider sees it; nil without one.
    private static func plan(of authorisation: AuthorisationID, _ facts: DomainFacts) throws(CommandError)
        -> PlanFacts?
    {
        guard let plan = try order(authorisation, facts)?.planId else { return nil }
        return try facts.planFacts(plan)
    }

    /// Orders the service: the qualification's services come from the application named beside the order, the
    /// plan, programme, provider and the units already ordered from the facts of their streams.
    private static func authorise(
        _ body: BoundEventRequest<ServiceAuthorised, AuthoriseFields>, _: AuthorisationID, _ facts: DomainFacts
    ) throws(CommandError) -> AuthorisationCommand {
        let order = body.event
        var qualified: [String] = []
        if case .qualified(let id, let services, _) = try facts.application(body.extra.applicationId).outcomes[
            order.programmeId], id == order.qualificationId
        {
            qualified = services
        }
        let book = try facts.authorisations()
        let alreadyForItem = order.planId.flatMap { plan in
            order.planItemId.map { book.authorisedForItem(plan: plan, item: $0) }
        }
        return .authorise(
            AuthoriseService(
                authorisationId: order.authorisationId, personRef: order.personRef,
                programme: try facts.programme(order.programmeId), qualificationId: order.qualificationId,
                qualifiedServiceIds: qualified,
                plan: try order.planId.flatMap { id throws(CommandError) in try facts.planFacts(id) },
                planItemId: order.planItemId, alreadyAuthorisedForItem: alreadyForItem ?? 0,
                serviceId: order.serviceId, provider: try facts.provider(order.providerId),
                engagementId: order.engagementId,
                providerAuthorisedByMonth: book.providerAuthorisedByMonth(
                    provider: order.providerId, service: order.serviceId),
                unitsAuthorised: order.unitsAuthorised, monthlyAllocation: order.monthlyAllocation, rate: order.rate,
                frequency: order.frequency, start: order.start, end: order.end))
    }

    /// Changes the order within its plan item and the provider's engagement, as they stand now.
    private static func change(
        _ body: ClearRequest<ChangeAuthorisationFields>, _ authorisation: AuthorisationID, _ facts: DomainFacts
    ) throws(CommandError) -> AuthorisationCommand {
        let fields = body.clear
        let order = try order(authorisation, facts)
        let alreadyForItem = try order.flatMap { order throws(CommandError) -> UInt64? in
            guard let plan = order.planId, let item = order.planItemId else { return nil }
            return try facts.authorisations().authorisedForItem(plan: plan, item: item, excluding: authorisation)
        }
        return .change(
            ChangeAuthorisation(
                plan: try plan(of: authorisation, facts), alreadyAuthorisedForItem: alreadyForItem ?? 0,
                provider: try order.map { order throws(CommandError) in try facts.provider(order.providerId) }
                    ?? ProviderState(),
                unitsAuthorised: fields.unitsAuthorised, monthlyAllocation: fields.monthlyAllocation ?? [],
                start: fields.start, end: fields.end, reason: fields.reason))
    }
}
