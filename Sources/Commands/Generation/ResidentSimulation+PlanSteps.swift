import Domain
import Foundation
import Ledger

/// The commands behind each step of a generated IPUS: the director or an organiser assigns and reassigns the
/// coordinator and approves; the coordinator drafts, records the agreement, orders the plan's service, reviews,
/// updates, suspends, resumes, ends the plan and records the summary interview.
extension ResidentSimulation {
    func runPlanStep(
        _ step: PlanStep, _ plan: inout PlanCase, _ resident: GeneratedWorld.Resident,
        _ service: GenerationCatalogue.Service, random: inout SplitMix64
    ) async throws(CommandError) {
        switch step.action {
        case .assign, .reassign, .draft, .agree, .approve:
            try await preparePlan(step, &plan, resident, random: &random)
        case .authorise, .raiseUnits, .update:
            try await orderPlanService(step, &plan, resident, service, random: &random)
        case .review, .suspend, .resume, .complete, .terminate, .summary:
            try await followPlan(step, &plan, resident, random: &random)
        }
    }

    private func preparePlan(
        _ step: PlanStep, _ plan: inout PlanCase, _ resident: GeneratedWorld.Resident, random: inout SplitMix64
    ) async throws(CommandError) {
        let (id, date, person, application) = (plan.plan, step.date, resident.person, resident.application)
        let coordinator = world.coordinators[plan.coordinator]
        switch step.action {
        case .assign:
            let assigned = CoordinatorAssigned(
                planId: id, applicationId: application, personRef: person, coordinatorId: coordinator.id,
                fromDate: date)
            try await sendPlan(id, manager(directorPercent: 30, &random).actor, date, &random) {
                facts throws(CommandError) in
                .assignCoordinator(
                    AssignCoordinator(
                        assigned: assigned, coordinator: try facts.staff(coordinator.id),
                        application: try facts.application(application)))
            }
        case .reassign:
            let next = (plan.coordinator + 1) % world.coordinators.count
            let successor = world.coordinators[next]
            let reassigned = CoordinatorReassigned(
                planId: id, personRef: person, previousCoordinatorId: coordinator.id, coordinatorId: successor.id,
                fromDate: date)
            try await sendPlan(id, manager(directorPercent: 30, &random).actor, date, &random) {
                facts throws(CommandError) in
                .reassignCoordinator(
                    ReassignCoordinator(reassigned: reassigned, coordinator: try facts.staff(successor.id)))
            }
            plan.coordinator = next
        case .draft:
            // A redraft after the resident's first agreement changes the schedule of visits.
            if plan.version > 0 { plan.items[0].frequency = "dwa razy w tygodniu" }
            let (programme, items, start, end, goals) = (
                world.programmes[resident.programme].id, plan.items, plan.start, plan.end, plan.goals
            )
            try await sendPlan(id, coordinator.actor, date, &random) { facts throws(CommandError) in
                .draft(
                    DraftPlan(
                        planId: id, applicationId: application, personRef: person, programmeId: programme,
                        items: items, start: start, end: end, goals: goals,
                        application: try facts.application(application)))
            }
            plan.version += 1
        case .agree:
            let agreed = PlanAgreed(
                planId: id, personRef: person, planVersion: plan.version, agreedBy: person, agreedOn: date,
                personal: .init(signatureRef: "Podpis na planie IPUS/\(resident.index + 1)/\(plan.version)"))
            try await sendPlan(id, coordinator.actor, date, &random) { facts throws(CommandError) in
                .agree(AgreePlan(agreed: agreed, person: try facts.person(person)))
            }
        case .approve(let lateReason):
            let approver = manager(directorPercent: 40, &random)
            counter.command()
            _ = try await plans.approve(
                id, application: application, approver: approver.id, lateReason: lateReason,
                envelope: world.envelope(approver.actor, on: date, random: &random, what: "approve plan \(id)"))
        default:
            break
        }
    }

    /// The plan's service item ordered from the engaged provider, the units raised later for some, and plan
    /// updates that plan more units (some extending the plan), followed by a matching change of the order.
    private func orderPlanService(
        _ step: PlanStep, _ plan: inout PlanCase, _ resident: GeneratedWorld.Resident,
        _ service: GenerationCatalogue.Service, random: inout SplitMix64
    ) async throws(CommandError) {
        let coordinator = world.coordinators[plan.coordinator].actor
        switch step.action {
        case .authorise(let reserve):
            let units = plan.items[0].unitsPlanned - reserve
            plan.order = try await orderService(
                resident, units: units, from: step.date, through: plan.end, on: step.date, by: coordinator,
                item: (plan.plan, plan.items[0].itemId), random: &random)
            plan.unitsAuthorised = units
        case .raiseUnits:
            try await changeOrder(
                &plan, units: plan.items[0].unitsPlanned, reason: "Zwiększenie liczby jednostek do wymiaru z planu.",
                on: step.date, by: coordinator, random: &random)
        case .update(let extraMonths):
            let added = service.unitsPerMonth * UInt64(extraMonths + 1)
            let end = plan.start.adding(months: plan.start.months(through: plan.end) + extraMonths).adding(days: -1)
            for index in plan.items.indices { plan.items[index].end = end }
            plan.items[0].unitsPlanned += added
            let application = resident.application
            let update = UpdatePlan(
                items: plan.items, start: plan.start, end: end,
                changes: "Zwiększono wymiar usługi o \(added) jedn."
                    + (extraMonths > 0 ? " Plan przedłużono o \(extraMonths) mies." : ""),
                reason: GenerationCatalogue.updateReasons.randomElement(using: &random),
                application: ApplicationState())
            try await sendPlan(plan.plan, coordinator, step.date, &random) { facts throws(CommandError) in
                var update = update
                update.application = try facts.application(application)
                return .update(update)
            }
            plan.version += 1
            plan.end = end
            try await changeOrder(
                &plan, units: plan.unitsAuthorised + added,
                reason: "Zwiększenie wymiaru usług zgodnie z aktualizacją planu.", on: step.date, by: coordinator,
                random: &random)
        default:
            break
        }
    }

    /// Changes the plan's order to `units` through the plan's current last day.
    private func changeOrder(
        _ plan: inout PlanCase, units: UInt64, reason: String, on date: LocalDate, by coordinator: Actor,
        random: inout SplitMix64
    ) async throws(CommandError) {
        guard var order = plan.order else { return }
        order.end = plan.end
        let (planID, itemID, changed) = (plan.plan, plan.items[0].itemId, order)
        counter.command()
        _ = try await delivery.authorisation(
            order.id, envelope: world.envelope(coordinator, on: date, random: &random, what: "change \(order.id)")
        ) { facts throws(CommandError) in
            .change(
                ChangeAuthorisation(
                    plan: try facts.planFacts(planID),
                    alreadyAuthorisedForItem: try facts.authorisations().authorisedForItem(
                        plan: planID, item: itemID, excluding: changed.id),
                    provider: try facts.provider(changed.provider), unitsAuthorised: units, start: changed.start,
                    end: changed.end, reason: reason))
        }
        plan.order = order
        plan.unitsAuthorised = units
    }

    /// Monitoring and the end: reviews, a suspension and resumption, completion or early termination (which
    /// cancels the order from the next day), and the summary interview.
    private func followPlan(
        _ step: PlanStep, _ plan: inout PlanCase, _ resident: GeneratedWorld.Resident, random: inout SplitMix64
    ) async throws(CommandError) {
        let (id, person, date) = (plan.plan, resident.person, step.date)
        let command: PlanCommand
        switch step.action {
        case .review:
            let progress = plan.goals.map {
                GoalProgress(
                    goalId: $0.goalId, status: ["inProgress", "onTrack", "atRisk"].randomElement(using: &random) ?? "")
            }
            command = .review(
                PlanReviewed(
                    planId: id, personRef: person, reviewedOn: date,
                    mode: ["homeVisit", "phoneCall", "meetingAtCentre"].randomElement(using: &random) ?? "homeVisit",
                    personal: .init(
                        goalProgress: progress, issues: GenerationCatalogue.reviewIssues.randomElement(using: &random))
                ))
        case .suspend(let plannedTo):
            let reason = GenerationCatalogue.suspensionReasons.randomElement(using: &random) ?? "Pobyt w szpitalu."
            command = .suspend(
                PlanSuspended(planId: id, personRef: person, from: date, to: plannedTo, personal: .init(reason: reason))
            )
        case .resume:
            command = .resume(PlanResumed(planId: id, personRef: person, resumedOn: date))
        case .complete:
            command = .complete(
                CompletePlan(
                    completed: PlanCompleted(
                        planId: id, personRef: person, endDate: plan.end,
                        personal: .init(goalStatus: "Plan zrealizowany w zaplanowanym okresie."))))
        case .terminate(let reason, let details):
            command = .terminateEarly(
                PlanTerminatedEarly(
                    planId: id, personRef: person, endDate: plan.lastDay,
                    personal: .init(reason: reason, details: details)))
        case .summary:
            command = .recordSummary(summary(of: plan, resident, on: date, random: &random))
        default:
            return
        }
        try await sendPlan(id, world.coordinators[plan.coordinator].actor, date, &random) { _ in command }
        guard case .terminate = step.action, let order = plan.order else { return }
        let cancel = CancelAuthorisation(
            effectiveFrom: plan.lastDay.adding(days: 1), reason: "Plan zakończony przed terminem.")
        counter.command()
        _ = try await delivery.authorisation(
            order.id,
            envelope: world.envelope(
                world.coordinators[plan.coordinator].actor, on: date, random: &random, what: "cancel \(order.id)")
        ) { _ in .cancel(cancel) }
    }

    /// The summary interview: each goal rated (GAS −2…+2), self-assessment and satisfaction on 1…5.
    private func summary(
        of plan: PlanCase, _ resident: GeneratedWorld.Resident, on date: LocalDate, random: inout SplitMix64
    ) -> PlanSummaryRecorded {
        let early = plan.lastDay < plan.end
        let attainment = plan.goals.map { goal in
            let roll = Int.random(in: 0..<100, using: &random)
            let result: GoalResult =
                roll < (early ? 15 : 50) ? .achieved : roll < (early ? 55 : 85) ? .partly : .notAchieved
            let scale: ClosedRange<Int64> =
                switch result {
                case .achieved: 0...2
                case .partly: -1...0
                case .notAchieved: -2...(-1)
                }
            return GoalAttainment(
                goalId: goal.goalId, result: result, attainmentScale: Int64.random(in: scale, using: &random))
        }
        return PlanSummaryRecorded(
            planId: plan.plan, personRef: resident.person, recordedOn: date, goalsSet: UInt64(plan.goals.count),
            personal: .init(
                goalAttainment: attainment, selfAssessment: UInt64.random(in: 2...5, using: &random),
                satisfaction: UInt64.random(in: 3...5, using: &random),
                narrativeRef: "Notatka z rozmowy podsumowującej, teczka IPUS/\(resident.index + 1)"))
    }

    /// The director (`directorPercent` of the time) or one of the services organisers.
    private func manager(directorPercent: Int, _ random: inout SplitMix64) -> GeneratedWorld.StaffMember {
        guard Int.random(in: 0..<100, using: &random) >= directorPercent else { return world.director }
        return world.organisers[Int.random(in: 0..<world.organisers.count, using: &random)]
    }

    private func sendPlan(
        _ plan: PlanID, _ actor: Actor, _ date: LocalDate, _ random: inout SplitMix64,
        _ command: (DomainFacts) throws(CommandError) -> PlanCommand
    ) async throws(CommandError) {
        counter.command()
        _ = try await plans.plan(
            plan, envelope: world.envelope(actor, on: date, random: &random, what: "plan \(plan)"), command: command)
    }
}
