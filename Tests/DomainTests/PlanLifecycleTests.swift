import Domain
import Foundation
import Testing

@Suite("PlanDecider: updates (L18), reviews, suspensions, the end and the summary (L19)")
struct PlanLifecycleTests {
    let world = PlanWorld()

    func day(_ text: String) -> LocalDate { world.day(text) }

    func suspend(from: String, to: String? = nil) -> PlanCommand {
        .suspend(
            PlanSuspended(
                planId: world.plan, personRef: world.person, from: day(from), to: to.map(day),
                personal: PlanSuspended.Personal(reason: "Hospital stay")))
    }

    func resume(on date: String) -> PlanCommand {
        .resume(PlanResumed(planId: world.plan, personRef: world.person, resumedOn: day(date)))
    }

    func complete(on date: String = "2025-06-30", beforeEnd: Bool = false) -> PlanCommand {
        guard case .planCompleted(let completed) = world.completed(on: date) else { preconditionFailure() }
        return .complete(CompletePlan(completed: completed, beforeEnd: beforeEnd))
    }

    func terminate(on date: String, reason: PlanEndReason? = .movedAway) -> PlanCommand {
        .terminateEarly(
            PlanTerminatedEarly(
                planId: world.plan, personRef: world.person, endDate: day(date),
                personal: reason.map { PlanTerminatedEarly.Personal(reason: $0) }))
    }

    // MARK: update and review

    @Test("An update of an active plan is version + 1, replaces the items and needs no re-approval (❓)")
    func update() throws {
        let events = try world.decide(world.activePlan, world.update(), on: "2025-05-15")
        let state = PlanDecider.fold(world.activePlan + events)
        #expect(state.planVersion == 2)
        #expect(state.status == .active)
        #expect(state.item("I2")?.unitsPlanned == 8)
        #expect(state.approvedAt == day("2025-03-26"))
    }

    @Test("L16 at update: 13 months are refused; only an active plan is updated")
    func updateRefusals() {
        #expect(throws: PlanRejection.durationOutOfRange(months: 13, allowed: 3...12)) {
            try world.decide(world.activePlan, world.update(end: "2026-04-30"), on: "2025-05-15")
        }
        #expect(throws: PlanRejection.invalidStatus(.agreed)) {
            try world.decide(world.agreedPlan(), world.update(), on: "2025-03-25")
        }
    }

    @Test("Reviews are of an active plan, by its coordinator, not dated ahead")
    func review() throws {
        let reviewed = PlanReviewed(
            planId: world.plan, personRef: world.person, reviewedOn: day("2025-05-14"), mode: "homeVisit")
        _ = try world.decide(world.activePlan, .review(reviewed), on: "2025-05-14")
        #expect(throws: PlanRejection.dateInFuture(day("2025-05-14"))) {
            try world.decide(world.activePlan, .review(reviewed), on: "2025-05-13")
        }
        #expect(throws: PlanRejection.invalidStatus(.agreed)) {
            try world.decide(world.agreedPlan(), .review(reviewed), on: "2025-05-14")
        }
        #expect(throws: PlanRejection.notPermitted(role: .intakeClerk)) {
            try world.decide(world.activePlan, .review(reviewed), as: .intakeClerk, on: "2025-05-14")
        }
    }

    // MARK: suspension

    @Test("A suspension starts on or after the plan's first day; the plan is inactive until resumed")
    func suspension() throws {
        #expect(throws: PlanRejection.suspensionOutsidePeriod(start: day("2025-04-01"))) {
            try world.decide(world.activePlan, suspend(from: "2025-03-31"), on: "2025-03-31")
        }
        let suspended = try world.decide(world.activePlan, suspend(from: "2025-04-01"), on: "2025-04-01")
        let resumed = try world.decide(world.activePlan + suspended, resume(on: "2025-04-10"), on: "2025-04-10")
        let state = PlanDecider.fold(world.activePlan + suspended + resumed)
        #expect(state.status == .active)
        #expect(!state.isActive(on: day("2025-04-09")))
        #expect(state.isActive(on: day("2025-04-10")))
        #expect(throws: PlanRejection.invalidStatus(.active)) {
            try world.decide(world.activePlan, resume(on: "2025-04-10"), on: "2025-04-10")
        }
        #expect(throws: PlanRejection.invalidStatus(.suspended)) {
            try world.decide(world.activePlan + suspended, suspend(from: "2025-04-05"), on: "2025-04-05")
        }
    }

    // MARK: end

    @Test("Completion on the last day, or earlier only explicitly; a suspended plan completes too")
    func completion() throws {
        _ = try world.decide(world.activePlan, complete(), on: "2025-06-30")
        #expect(throws: PlanRejection.completedBeforeEnd(end: day("2025-06-30"))) {
            try world.decide(world.activePlan, complete(on: "2025-06-20"), on: "2025-06-20")
        }
        _ = try world.decide(world.activePlan, complete(on: "2025-06-20", beforeEnd: true), on: "2025-06-20")
        let suspended = try world.decide(world.activePlan, suspend(from: "2025-06-01"), on: "2025-06-01")
        _ = try world.decide(world.activePlan + suspended, complete(), on: "2025-07-01")
        #expect(throws: PlanRejection.dateInFuture(day("2025-06-30"))) {
            try world.decide(world.activePlan, complete(), on: "2025-06-29")
        }
        #expect(throws: PlanRejection.invalidStatus(.agreed)) {
            try world.decide(world.agreedPlan(), complete(), on: "2025-06-30")
        }
    }

    @Test("Early termination needs its sealed reason and ends the plan")
    func termination() throws {
        #expect(throws: PlanRejection.personalPartMissing(field: "reason")) {
            try world.decide(world.activePlan, terminate(on: "2025-05-10", reason: nil), on: "2025-05-10")
        }
        let events = try world.decide(world.activePlan, terminate(on: "2025-05-10"), on: "2025-05-10")
        let state = PlanDecider.fold(world.activePlan + events)
        #expect(state.status == .terminatedEarly)
        #expect(!state.isActive(on: day("2025-05-11")))
        // What an authorisation sees: deliveries on days the plan ran, none after its early end.
        #expect(PlanFacts(state)?.period?.upperBound == day("2025-05-10"))
        #expect(PlanFacts(state)?.period?.contains(day("2025-05-11")) == false)
        #expect(throws: PlanRejection.invalidStatus(.terminatedEarly)) {
            try world.decide(world.activePlan + events, terminate(on: "2025-05-12"), on: "2025-05-12")
        }
    }

    // MARK: summary

    @Test("L19: no summary before the end; after it, the summary closes the plan once")
    func summary() throws {
        #expect(throws: PlanRejection.summaryBeforeEnd) {
            try world.decide(world.activePlan, world.summary(on: "2025-06-15"), on: "2025-06-15")
        }
        #expect(PlanRejection.summaryBeforeEnd.rule == "L19")
        let ended = world.activePlan + [world.completed()]
        #expect(PlanDecider.fold(ended).status == .completed)
        let events = try world.decide(ended, world.summary(), on: "2025-07-03")
        #expect(PlanDecider.fold(ended + events).status == .closed)
        #expect(throws: PlanRejection.alreadySummarised) {
            try world.decide(ended + events, world.summary(), on: "2025-07-04")
        }
    }

    @Test("Self-assessment and satisfaction lie on 1…5", arguments: [(0, 3), (6, 3), (3, 0), (3, 6)])
    func ratings(selfAssessment: UInt64, satisfaction: UInt64) {
        let field = selfAssessment == 3 ? "satisfaction" : "selfAssessment"
        #expect(throws: PlanRejection.ratingOutOfRange(field: field, allowed: 1...5)) {
            try world.decide(
                world.activePlan + [world.completed()],
                world.summary(selfAssessment: selfAssessment, satisfaction: satisfaction), on: "2025-07-03")
        }
    }

    @Test("The summary rates every goal once and counts them in goalsSet")
    func goalsSet() throws {
        let ended = world.activePlan + [world.completed()]
        #expect(throws: PlanRejection.goalsMismatch(goalsSet: 3, expected: 2)) {
            try world.decide(ended, world.summary(goalsSet: 3), on: "2025-07-03")
        }
        let onlyG1 = [GoalAttainment(goalId: "G1", result: .achieved)]
        #expect(throws: PlanRejection.goalsMismatch(goalsSet: 1, expected: 2)) {
            try world.decide(ended, world.summary(goalsSet: 1, attainment: onlyG1), on: "2025-07-03")
        }
        let sealedDraft = [world.assigned, world.drafted(sealed: true), .planAgreed(world.agreed()), world.approved]
        _ = try world.decide(
            sealedDraft + [world.completed()], world.summary(goalsSet: 1, attainment: onlyG1), on: "2025-07-03")
    }

    @Test("summaryMissing: raised the day after the end until the summary is recorded")
    func summaryMissingAlert() throws {
        let ended = PlanDecider.fold(world.activePlan + [world.completed()])
        #expect(ComplianceAlert.summaryMissing(ended, on: day("2025-06-30")) == nil)
        let alert = try #require(ComplianceAlert.summaryMissing(ended, on: day("2025-07-01")))
        #expect(alert.kind == "summaryMissing" && alert.rule == "L19" && alert.subject == "plan-\(world.plan)")
        #expect(ComplianceAlert.summaryMissing(PlanDecider.fold(world.activePlan), on: day("2025-07-01")) == nil)
        let summary = try world.decide(world.activePlan + [world.completed()], world.summary(), on: "2025-07-03")
        let closed = PlanDecider.fold(world.activePlan + [world.completed()] + summary)
        #expect(ComplianceAlert.summaryMissing(closed, on: day("2025-07-10")) == nil)
        #expect(ComplianceAlert.planLate(closed) == nil)
    }

    @Test("unapprovedAfterDeadline: raised from day 31 after filing until the plan is approved (L15)")
    func unapprovedAfterDeadlineAlert() throws {
        let agreed = PlanDecider.fold(world.agreedPlan())
        let filed = day("2025-03-05")
        #expect(
            ComplianceAlert.unapprovedAfterDeadline(
                agreed, applicationFiledAt: filed, deadlineDays: 30, on: day("2025-04-04")) == nil)
        let alert = try #require(
            ComplianceAlert.unapprovedAfterDeadline(
                agreed, applicationFiledAt: filed, deadlineDays: 30, on: day("2025-04-05")))
        #expect(alert.kind == "unapprovedAfterDeadline" && alert.rule == "L15")
        #expect(alert.parameters["daysSinceFiling"] == "31")
        let approved = PlanDecider.fold(world.activePlan)
        #expect(
            ComplianceAlert.unapprovedAfterDeadline(
                approved, applicationFiledAt: filed, deadlineDays: 30, on: day("2025-05-01")) == nil)
    }

    @Test("PlanFacts for authorisations follow the folded plan: approval, suspension, resumption, end")
    func planFacts() throws {
        #expect(PlanFacts(PlanState()) == nil)
        #expect(PlanFacts(PlanDecider.fold(world.agreedPlan()))?.status == .notApproved)
        #expect(PlanFacts(PlanDecider.fold(world.agreedPlan()))?.period == nil)
        let suspended = try world.decide(world.activePlan, suspend(from: "2025-04-01"), on: "2025-04-01")
        let resumed = try world.decide(world.activePlan + suspended, resume(on: "2025-04-10"), on: "2025-04-10")
        let facts = try #require(PlanFacts(PlanDecider.fold(world.activePlan + suspended + resumed)))
        #expect(facts.status == .active && facts.item("I1")?.unitsPlanned == 24)
        #expect(!facts.isActive(on: day("2025-04-09")) && facts.isActive(on: day("2025-04-10")))
        #expect(PlanFacts(PlanDecider.fold(world.activePlan + [world.completed()]))?.status == .ended)
    }

    // MARK: worked example

    @Test("Worked example §7: pl01 decided step by step ends closed, version 2, day 21, 3 months")
    func workedExample() throws {
        var given: [DomainEvent] = []
        func step(_ command: PlanCommand, _ role: ActorRole = .coordinator, on date: String) throws {
            given += try world.decide(given, command, as: role, on: date)
        }
        let application = world.applicationFacts()
        try step(
            .assignCoordinator(
                AssignCoordinator(
                    assigned: CoordinatorAssigned(
                        planId: world.plan, applicationId: world.app.application, personRef: world.person,
                        coordinatorId: world.coordinator, fromDate: day("2025-03-12")),
                    coordinator: world.coordinatorFacts(), application: application)), .director, on: "2025-03-12")
        try step(world.draft(), on: "2025-03-20")
        try step(.agree(AgreePlan(agreed: world.agreed(), person: world.personFacts())), on: "2025-03-24")
        try step(world.approve(), .servicesOrganiser, on: "2025-03-26")
        try step(
            .review(
                PlanReviewed(
                    planId: world.plan, personRef: world.person, reviewedOn: day("2025-05-14"), mode: "homeVisit")),
            on: "2025-05-14")
        try step(world.update(), on: "2025-05-15")
        try step(complete(), on: "2025-06-30")
        try step(world.summary(), on: "2025-07-03")
        let state = PlanDecider.fold(given)
        #expect(state.status == .closed && state.planVersion == 2 && state.coordinatorId == world.coordinator)
        #expect(state.approval?.applicationFiledAt == day("2025-03-05") && state.daysToPlan == 21 && !state.late)
        #expect(state.period == day("2025-04-01")...day("2025-06-30") && state.durationMonths == 3)
        #expect(state.items.count == 3 && state.summaryRecorded)
        #expect(ComplianceAlert.summaryMissing(state, on: day("2025-07-10")) == nil)
    }
}
