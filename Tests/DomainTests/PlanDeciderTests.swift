import Domain
import Foundation
import Testing

@Suite("PlanDecider: coordinator (L21), drafting (L16, L20), agreement and approval (L15–L17)")
struct PlanDeciderTests {
    let world = PlanWorld()

    func day(_ text: String) -> LocalDate { world.day(text) }

    func assign(coordinator: StaffState? = nil, application: ApplicationState? = nil, from: String = "2025-03-12")
        -> PlanCommand
    {
        .assignCoordinator(
            AssignCoordinator(
                assigned: CoordinatorAssigned(
                    planId: world.plan, applicationId: world.app.application, personRef: world.person,
                    coordinatorId: world.coordinator, fromDate: day(from)),
                coordinator: coordinator ?? world.coordinatorFacts(),
                application: application ?? world.applicationFacts()
            ))
    }

    // MARK: coordinator

    @Test(
        "The director or a services organiser assigns a qualified coordinator",
        arguments: [
            ActorRole.director, .servicesOrganiser,
        ])
    func assignsCoordinator(role: ActorRole) throws {
        let events = try world.decide([], assign(), as: role, on: "2025-03-12")
        #expect(events == [world.assigned])
        #expect(PlanDecider.fold(events).coordinatorId == world.coordinator)
    }

    @Test("L21: a coordinator qualified from the assignment day is accepted, from the next day refused")
    func coordinatorRoleOnTheDay() throws {
        _ = try world.decide([], assign(coordinator: world.coordinatorFacts(from: "2025-03-12")), as: .director)
        #expect(throws: PlanRejection.coordinatorNotQualified(on: day("2025-03-12"))) {
            try world.decide([], assign(coordinator: world.coordinatorFacts(from: "2025-03-13")), as: .director)
        }
    }

    @Test("A coordinator is assigned only to a qualified application, by the director or an organiser, once")
    func assignmentRefusals() {
        #expect(throws: PlanRejection.applicationNotQualified) {
            try world.decide([], assign(application: world.applicationFacts(qualified: false)), as: .director)
        }
        #expect(throws: PlanRejection.notPermitted(role: .intakeClerk)) {
            try world.decide([], assign(), as: .intakeClerk)
        }
        #expect(throws: PlanRejection.coordinatorAlreadyAssigned) {
            try world.decide([world.assigned], assign(), as: .director)
        }
    }

    @Test("Reassignment passes the plan to another qualified coordinator, who alone may act on it")
    func reassignment() throws {
        let reassign = PlanCommand.reassignCoordinator(
            ReassignCoordinator(
                reassigned: CoordinatorReassigned(
                    planId: world.plan, personRef: world.person, previousCoordinatorId: world.coordinator,
                    coordinatorId: world.otherCoordinator, fromDate: day("2025-03-15")),
                coordinator: world.coordinatorFacts(world.otherCoordinator)))
        let events = try world.decide([world.assigned], reassign, as: .director, on: "2025-03-15")
        let given = [world.assigned] + events
        #expect(PlanDecider.fold(given).coordinatorId == world.otherCoordinator)
        #expect(throws: PlanRejection.notAssignedCoordinator) { try world.decide(given, world.draft()) }
        _ = try world.decide(given, world.draft(), staff: world.otherCoordinator)
        #expect(throws: PlanRejection.noCoordinator) { try world.decide([], reassign, as: .director) }
    }

    // MARK: drafting

    @Test("A draft within the qualification becomes version 1 with its qualification and sealed goals")
    func draftAccepted() throws {
        let events = try world.decide([world.assigned], world.draft())
        #expect(events == [world.drafted()])
        let state = PlanDecider.fold([world.assigned] + events)
        #expect(state.status == .draft)
        #expect(state.item("I3")?.kind == .supportingActivity)
        #expect(state.durationMonths == 3)
    }

    @Test("Service items name a qualified service and plan units; supporting activities name no service (L20)")
    func itemRules() {
        let given = [world.assigned]
        let dental = PlanItem(
            itemId: "I9", kind: .service, serviceId: "dental", unitsPlanned: 1, start: day("2025-04-01"),
            end: day("2025-06-30"))
        #expect(throws: PlanRejection.serviceNotQualified(serviceId: "dental")) {
            try world.decide(given, world.draft(items: [dental]))
        }
        #expect(throws: PlanRejection.unitsPlannedMissing(itemId: "I1")) {
            try world.decide(given, world.draft(items: [world.careItem(units: 0)]))
        }
        var activityWithService = world.items()[2]
        activityWithService.serviceId = "care"
        var serviceWithActivity = world.careItem()
        serviceWithActivity.activityName = "Club"
        var unnamedActivity = world.items()[2]
        unnamedActivity.activityName = nil
        for item in [activityWithService, serviceWithActivity, unnamedActivity] {
            #expect(throws: PlanRejection.itemKindInvalid(itemId: item.itemId)) {
                try world.decide(given, world.draft(items: [item]))
            }
            #expect(PlanRejection.itemKindInvalid(itemId: item.itemId).rule == "L20")
        }
    }

    @Test("Items lie inside the plan's period, appear once, and a plan has items and goals")
    func draftContents() {
        let given = [world.assigned]
        #expect(throws: PlanRejection.itemOutsidePeriod(itemId: "I1")) {
            try world.decide(given, world.draft(items: [world.careItem(to: "2025-07-01")]))
        }
        #expect(throws: PlanRejection.duplicateItem(itemId: "I1")) {
            try world.decide(given, world.draft(items: [world.careItem(), world.careItem()]))
        }
        #expect(throws: PlanRejection.noItems) { try world.decide(given, world.draft(items: [])) }
        #expect(throws: PlanRejection.goalsMissing) { try world.decide(given, world.draft(goals: [])) }
        #expect(throws: PlanRejection.applicationNotQualified) {
            try world.decide(given, world.draft(application: world.applicationFacts(qualified: false)))
        }
    }

    @Test(
        "L16 at drafting: 3 and 12 months are accepted; 2, 2 and a part month, and 13 refused",
        arguments: [
            ("2025-05-31", 2), ("2025-06-01", 2), ("2025-06-29", 2), ("2025-06-30", 3), ("2026-03-31", 12),
            ("2026-04-30", 13), ("2026-04-01", 13),
        ])
    func draftDuration(end: String, months: Int) throws {
        let draft = world.draft(end: end)
        if (3...12).contains(months) {
            let events = try world.decide([world.assigned], draft)
            #expect(PlanDecider.fold(events).durationMonths == months)
        } else {
            #expect(throws: PlanRejection.durationOutOfRange(months: months, allowed: 3...12)) {
                try world.decide([world.assigned], draft)
            }
        }
    }

    // MARK: agreement

    @Test("L17: the resident or an active representative agrees the current version; nobody else")
    func agreement() throws {
        let given = [world.assigned, world.drafted()]
        let person = world.personFacts()
        _ = try world.decide(given, .agree(AgreePlan(agreed: world.agreed(), person: person)), on: "2025-03-24")
        let byDaughter = AgreePlan(agreed: world.agreed(by: world.representative), person: person)
        _ = try world.decide(given, .agree(byDaughter), on: "2025-03-24")
        let lateRepresentative = AgreePlan(
            agreed: world.agreed(by: world.representative), person: world.personFacts(representativeFrom: "2025-03-25"))
        #expect(throws: PlanRejection.agreementNotByResident(on: day("2025-03-24"))) {
            try world.decide(given, .agree(lateRepresentative), on: "2025-03-24")
        }
        #expect(throws: PlanRejection.versionMismatch(current: 1, named: 2)) {
            try world.decide(
                given, .agree(AgreePlan(agreed: world.agreed(version: 2), person: person)), on: "2025-03-24")
        }
        #expect(throws: PlanRejection.invalidStatus(.active)) {
            try world.decide(world.activePlan, .agree(AgreePlan(agreed: world.agreed(), person: person)))
        }
    }

    // MARK: approval

    @Test("Worked example §7: organiser o-2 with del-7 approves pl01 on 03-26, 3 months, day 21 of 30")
    func workedExampleApproval() throws {
        let events = try world.decide(world.agreedPlan(), world.approve(), as: .servicesOrganiser, on: "2025-03-26")
        #expect(events == [world.approved])
        let state = PlanDecider.fold(world.agreedPlan() + events)
        #expect(state.status == .active)
        #expect(state.daysToPlan == 21)
        #expect(state.late == false)
        #expect(state.approval?.delegationId == world.delegation)
        #expect(state.isActive(on: day("2025-04-01")))
        #expect(!state.isActive(on: day("2025-03-31")))
        #expect(
            ComplianceAlert.raised(by: events, rules: IntakeFixture.context(.servicesOrganiser, on: "2025-03-26"))
                .isEmpty)
    }

    @Test("An agreed plan whose application was withdrawn since is not approved (§4.5: withdrawal ends the procedure)")
    func approvalAfterWithdrawal() throws {
        let withdrawn = ApplicationDecider.fold([
            .applicationSubmitted(world.app.submission()),
            world.app.granted(world.app.application, world.app.person, ["care", "psych"]),
            .applicationWithdrawn(
                ApplicationWithdrawn(
                    applicationId: world.app.application, personRef: world.app.person, withdrawnOn: day("2025-03-25"))),
        ])
        #expect(throws: PlanRejection.applicationNotQualified) {
            try world.decide(
                world.agreedPlan(), world.approve(application: withdrawn), as: .servicesOrganiser, on: "2025-03-26")
        }
    }

    @Test("L17: approval before agreement, or of a redraft not yet agreed, is refused")
    func approvalNeedsAgreement() throws {
        #expect(throws: PlanRejection.notAgreed) {
            try world.decide([world.assigned, world.drafted()], world.approve(), as: .director, on: "2025-03-26")
        }
        let redraft = try world.decide(world.agreedPlan(), world.draft(), on: "2025-03-25")
        #expect(PlanDecider.fold(world.agreedPlan() + redraft).planVersion == 2)
        #expect(throws: PlanRejection.notAgreed) {
            try world.decide(world.agreedPlan() + redraft, world.approve(), as: .director, on: "2025-03-26")
        }
    }

    @Test(
        "L16 at approval: 3 and 12 months are approved, 2 and 13 refused",
        arguments: [
            ("2025-05-31", 2), ("2025-06-30", 3), ("2026-03-31", 12), ("2026-04-30", 13),
        ])
    func approvalDuration(end: String, months: Int) throws {
        let given = world.agreedPlan(end: end)
        if (3...12).contains(months) {
            _ = try world.decide(given, world.approve(), as: .director, on: "2025-03-26")
        } else {
            #expect(throws: PlanRejection.durationOutOfRange(months: months, allowed: 3...12)) {
                try world.decide(given, world.approve(), as: .director, on: "2025-03-26")
            }
        }
    }

    @Test("L15: day 30 needs no reason; day 31 needs one, is marked late and raises planLate")
    func deadline() throws {
        let onDay30 = try world.decide(world.agreedPlan(), world.approve(), as: .director, on: "2025-04-04")
        guard case .planApproved(let approved30) = onDay30.first else { Issue.record("no approval"); return }
        #expect(approved30.daysToPlan == 30 && !approved30.late && approved30.delegationId == nil)
        #expect(throws: PlanRejection.lateReasonRequired(daysToPlan: 31, deadlineDays: 30)) {
            try world.decide(world.agreedPlan(), world.approve(), as: .director, on: "2025-04-05")
        }
        #expect(throws: PlanRejection.lateReasonRequired(daysToPlan: 31, deadlineDays: 30)) {
            try world.decide(world.agreedPlan(), world.approve(lateReason: "  "), as: .director, on: "2025-04-05")
        }
        let late = try world.decide(
            world.agreedPlan(), world.approve(lateReason: "Hospital stay"), as: .director, on: "2025-04-05")
        guard case .planApproved(let approved31) = late.first else { Issue.record("no approval"); return }
        #expect(approved31.late && approved31.daysToPlan == 31 && approved31.personal?.lateReason == "Hospital stay")
        let alerts = ComplianceAlert.raised(by: late, rules: IntakeFixture.context(.director, on: "2025-04-05"))
        #expect(alerts.map(\.kind) == ["planLate"])
        #expect(alerts.first?.parameters["daysToPlan"] == "31")
    }

    @Test("L15: the deadline of the rule set in force at filing, when given, decides lateness")
    func deadlineFromFilingRules() throws {
        let events = try world.decide(
            world.agreedPlan(), world.approve(deadlineDays: 45), as: .director, on: "2025-04-05")
        guard case .planApproved(let approved) = events.first else { Issue.record("no approval"); return }
        #expect(!approved.late)
    }

    @Test("L17: a delegation valid through the approval day suffices; the day after it does not")
    func delegationLastDay() throws {
        let endsOn26 = world.organiserFacts(delegationTo: "2025-03-26")
        _ = try world.decide(
            world.agreedPlan(), world.approve(approver: endsOn26), as: .servicesOrganiser, on: "2025-03-26")
        #expect(throws: PlanRejection.approverNotAuthorised(role: .servicesOrganiser, on: day("2025-03-27"))) {
            try world.decide(
                world.agreedPlan(), world.approve(approver: endsOn26), as: .servicesOrganiser, on: "2025-03-27")
        }
    }

    @Test("L17: an organiser without approvePlans, or a coordinator, may not approve")
    func unauthorisedApprovers() {
        let otherScope = world.organiserFacts(scope: .signRefusals)
        #expect(throws: PlanRejection.approverNotAuthorised(role: .servicesOrganiser, on: day("2025-03-26"))) {
            try world.decide(
                world.agreedPlan(), world.approve(approver: otherScope), as: .servicesOrganiser, on: "2025-03-26")
        }
        #expect(throws: PlanRejection.approverNotAuthorised(role: .coordinator, on: day("2025-03-26"))) {
            try world.decide(world.agreedPlan(), world.approve(), as: .coordinator, on: "2025-03-26")
        }
        #expect(PlanRejection.approverNotAuthorised(role: .coordinator, on: day("2025-03-26")).rule == "L17")
    }
}
