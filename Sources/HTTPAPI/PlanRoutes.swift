import Commands
import Domain
import Hummingbird

/// `POST /v1/plans/{planId}/…`: coordinator assignment and the IPUS lifecycle (domain.md §4.6), command group
/// `.plan`. A coordinator acts only on the plans of their own caseload: any other plan is 404, exactly like a
/// missing one. The path fixes `planId` and, once the stream knows it, `personRef`; a body may omit both.
struct PlanRoutes {
    let commands: CommandRoutes
    let plans: PlanCommands

    init(server: APIServer) {
        commands = CommandRoutes(server: server)
        plans = PlanCommands(services: server.services)
    }

    func register(on router: Routes) {
        post(
            router, "coordinator", EventRequest<CoordinatorAssigned>.self, route: "assign-coordinator", starts: true
        ) {
            body, _, facts throws(CommandError) in
            .assignCoordinator(
                AssignCoordinator(
                    assigned: body.event, coordinator: try facts.staff(body.event.coordinatorId),
                    application: try facts.application(body.event.applicationId)))
        }
        post(router, "reassignment", EventRequest<CoordinatorReassigned>.self, route: "reassign-coordinator") {
            body, _, facts throws(CommandError) in
            .reassignCoordinator(
                ReassignCoordinator(reassigned: body.event, coordinator: try facts.staff(body.event.coordinatorId)))
        }
        post(router, "draft", DraftPlanRequest.self, route: "draft-plan", starts: true) {
            body, plan, facts throws(CommandError) in
            .draft(body.command(plan, application: try facts.application(body.clear.applicationId)))
        }
        post(router, "agreement", EventRequest<PlanAgreed>.self, route: "agree-plan") {
            body, _, facts throws(CommandError) in
            .agree(AgreePlan(agreed: body.event, person: try facts.person(body.event.personRef)))
        }
        post(router, "update", UpdatePlanRequest.self, route: "update-plan") { body, plan, facts throws(CommandError) in
            .update(body.command(application: try Self.application(of: plan, facts)))
        }
        post(router, "reviews", EventRequest<PlanReviewed>.self, route: "review-plan") { body, _, _ in
            .review(body.event)
        }
        post(router, "suspension", EventRequest<PlanSuspended>.self, route: "suspend-plan") { body, _, _ in
            .suspend(body.event)
        }
        post(router, "resumption", EventRequest<PlanResumed>.self, route: "resume-plan") { body, _, _ in
            .resume(body.event)
        }
        post(
            router, "completion", BoundEventRequest<PlanCompleted, CompletionFields>.self, route: "complete-plan"
        ) { body, _, _ in
            .complete(CompletePlan(completed: body.event, beforeEnd: body.extra.beforeEnd ?? false))
        }
        post(router, "early-termination", EventRequest<PlanTerminatedEarly>.self, route: "terminate-plan") {
            body, _, _ in .terminateEarly(body.event)
        }
        post(router, "summary", EventRequest<PlanSummaryRecorded>.self, route: "record-plan-summary") {
            body, _, _ in .recordSummary(body.event)
        }
        router.post("/v1/plans/:planId/approval") { request, context in
            let plan = try pathIdentifier(context, "planId", PlanID.self)
            return try await commands.run(
                request, context, ApprovePlanRequest.self, route: "approve-plan", group: .plan,
                known: { principal in try known(plan, principal) }
            ) { [plans] body, envelope throws(CommandError) in
                let state = try plans.facts.plan(plan)
                guard let application = state.applicationId else {
                    throw CommandError(rejection: PlanRejection.invalidStatus(state.status))
                }
                return try await plans.approve(
                    plan, application: application, approver: envelope.actor.staffID,
                    lateReason: body.personal.lateReason, envelope: envelope)
            }
        }
    }

    /// A `POST /v1/plans/{planId}/<path>` whose plan command `command` builds from the body and current facts;
    /// only a command that `starts` a plan may name one with nothing recorded yet.
    private func post<Body: CommandRequest>(
        _ router: Routes, _ path: String, _ type: Body.Type, route: String, starts: Bool = false,
        command: @Sendable @escaping (Body, PlanID, DomainFacts) throws(CommandError) -> PlanCommand
    ) {
        router.post("/v1/plans/:planId/\(path)") { request, context in
            let plan = try pathIdentifier(context, "planId", PlanID.self)
            return try await commands.run(
                request, context, type, route: route, group: .plan,
                known: { principal in try known(plan, principal, starts: starts) }
            ) { [plans] body, envelope throws(CommandError) in
                try await plans.plan(plan, envelope: envelope) { facts throws(CommandError) in
                    try command(body, plan, facts)
                }
            }
        }
    }

    /// The plan's fields a body may omit; 404 for a coordinator when the plan is not in their caseload, and for
    /// anyone when nothing is recorded on it and the command does not start it.
    private func known(_ plan: PlanID, _ principal: Principal, starts: Bool = false) throws(Problem) -> [String: String]
    {
        let state: PlanState
        do { state = try plans.facts.plan(plan) } catch { throw CommandRoutes.problem(error) }
        if state.personRef == nil && !starts { throw Problem.notFound }
        guard AccessPolicy.mayActOn(state, principal) else { throw Problem.notFound }
        var fields = ["planId": plan.description]
        if let person = state.personRef { fields["personRef"] = person.description }
        return fields
    }

    /// The application the plan was drafted from (empty before a draft: the decider refuses).
    private static func application(of plan: PlanID, _ facts: DomainFacts) throws(CommandError) -> ApplicationState {
        guard let id = try facts.plan(plan).applicationId else { return ApplicationState() }
        return try facts.application(id)
    }
}
