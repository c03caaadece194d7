import Domain
import Foundation

/// The world of domain.md §7 for the plan tests: p-01's application a01 filed 03-05 and qualified for care and
/// psych on 03-12, coordinator c-3, services organiser o-2 holding delegation del-7 (`approvePlans`), and the
/// plan pl01 drafted for 04-01–06-30 with care, psych and the Senior Club.
struct PlanWorld {
    let app = ApplicationWorld()
    let plan = PlanID(uuid: IntakeFixture.uuid(40))
    let delegation = DelegationID(uuid: IntakeFixture.uuid(41))
    let organiser = StaffID(uuid: IntakeFixture.uuid(42, 9))
    let otherCoordinator = StaffID(uuid: IntakeFixture.uuid(43, 9))
    let coordinator = IntakeFixture.coordinatorID
    let goals = [
        PlanGoal(goalId: "G1", description: "Daily care at home"), PlanGoal(goalId: "G2", description: "Mood"),
    ]

    var person: PersonRef { app.person }
    var representative: PersonRef { app.representative }
    func day(_ text: String) -> LocalDate { IntakeFixture.day(text) }

    // MARK: facts from other streams

    /// a01: filed 03-05, qualified for `services` on 03-12.
    func applicationFacts(services: [String] = ["care", "psych"], qualified: Bool = true) -> ApplicationState {
        var events: [DomainEvent] = [.applicationSubmitted(app.submission())]
        if qualified { events.append(app.granted(app.application, app.person, services)) }
        return ApplicationDecider.fold(events)
    }

    func coordinatorFacts(_ id: StaffID? = nil, from date: String = "2024-01-01") -> StaffState {
        StaffDecider.fold([
            .staffQualified(
                StaffQualified(
                    staffId: id ?? coordinator, role: .coordinator,
                    evidencedRequirements: CoordinatorRequirement.allCases,
                    validFrom: day(date)))
        ])
    }

    /// o-2: a services organiser since 2024, with del-7 (`scope`) from 2025-01-01 through `delegationTo`.
    func organiserFacts(scope: DelegationScope = .approvePlans, delegationTo: String? = "2025-12-31") -> StaffState {
        StaffDecider.fold([
            .staffQualified(
                StaffQualified(
                    staffId: organiser, role: .servicesOrganiser, evidencedRequirements: [],
                    validFrom: day("2024-01-01"))),
            .authorityDelegated(
                AuthorityDelegated(
                    staffId: organiser, delegationId: delegation, scope: scope, delegatedBy: IntakeFixture.directorID,
                    validFrom: day("2025-01-01"), validTo: delegationTo.map(day))),
        ])
    }

    /// p-01 with her daughter as legal representative from `representativeFrom`.
    func personFacts(representativeFrom: String = "2025-01-01") -> PersonState {
        PersonDecider.fold([
            .personRegistered(PersonRegistered(personRef: person, purposeTags: ["intake"])),
            .representativeRecorded(
                RepresentativeRecorded(
                    personRef: person, representativeRef: representative, kind: .legalRepresentative,
                    validFrom: day(representativeFrom))),
        ])
    }

    // MARK: items and events

    func careItem(units: UInt64 = 24, from: String = "2025-04-01", to: String = "2025-06-30") -> PlanItem {
        PlanItem(itemId: "I1", kind: .service, serviceId: "care", unitsPlanned: units, start: day(from), end: day(to))
    }

    func items(from: String = "2025-04-01", to: String = "2025-06-30", psychUnits: UInt64 = 6) -> [PlanItem] {
        [
            careItem(from: from, to: to),
            PlanItem(
                itemId: "I2", kind: .service, serviceId: "psych", unitsPlanned: psychUnits, start: day(from),
                end: day(to)),
            PlanItem(
                itemId: "I3", kind: .supportingActivity, activityName: "Senior Club", unitsPlanned: 12,
                start: day(from), end: day(to)),
        ]
    }

    var assigned: DomainEvent {
        .coordinatorAssigned(
            CoordinatorAssigned(
                planId: plan, applicationId: app.application, personRef: person, coordinatorId: coordinator,
                fromDate: day("2025-03-12")))
    }

    func drafted(version: UInt64 = 1, end: String = "2025-06-30", sealed: Bool = false) -> DomainEvent {
        .planDrafted(
            PlanDrafted(
                planId: plan, planVersion: version, applicationId: app.application,
                qualificationId: QualificationID(uuid: app.application.uuid), personRef: person,
                programmeId: app.programmeID, items: items(to: end), start: day("2025-04-01"), end: day(end),
                personal: sealed ? nil : PlanDrafted.Personal(goals: goals)))
    }

    func agreed(version: UInt64 = 1, on date: String = "2025-03-24", by: PersonRef? = nil) -> PlanAgreed {
        PlanAgreed(
            planId: plan, personRef: person, planVersion: version, agreedBy: by ?? person, agreedOn: day(date),
            personal: PlanAgreed.Personal(signatureRef: "SIG-1"))
    }

    var approved: DomainEvent {
        .planApproved(
            PlanApproved(
                planId: plan, personRef: person, planVersion: 1, approverId: organiser,
                approverRole: .servicesOrganiser, delegationId: delegation, approvedOn: day("2025-03-26"),
                start: day("2025-04-01"), end: day("2025-06-30"), applicationFiledAt: day("2025-03-05"), daysToPlan: 21,
                late: false))
    }

    /// Assigned, drafted (ending `end`) and agreed: ready for approval.
    func agreedPlan(end: String = "2025-06-30") -> [DomainEvent] {
        [assigned, drafted(end: end), .planAgreed(agreed())]
    }

    /// Approved on 03-26: active for 04-01–06-30.
    var activePlan: [DomainEvent] { agreedPlan() + [approved] }

    func completed(on date: String = "2025-06-30") -> DomainEvent {
        .planCompleted(
            PlanCompleted(
                planId: plan, personRef: person, endDate: day(date),
                personal: PlanCompleted.Personal(goalStatus: "G1 met")))
    }

    // MARK: commands

    func draft(
        items: [PlanItem]? = nil, end: String = "2025-06-30", goals: [PlanGoal]? = nil,
        application: ApplicationState? = nil
    ) -> PlanCommand {
        .draft(
            DraftPlan(
                planId: plan, applicationId: app.application, personRef: person, programmeId: app.programmeID,
                items: items ?? self.items(to: end), start: day("2025-04-01"), end: day(end),
                goals: goals ?? self.goals,
                application: application ?? applicationFacts()))
    }

    func approve(
        approver: StaffState? = nil, lateReason: String? = nil, deadlineDays: Int? = nil,
        application: ApplicationState? = nil
    ) -> PlanCommand {
        .approve(
            ApprovePlan(
                approver: approver ?? organiserFacts(), application: application ?? applicationFacts(),
                lateReason: lateReason, deadlineDays: deadlineDays))
    }

    func update(end: String = "2025-06-30", psychUnits: UInt64 = 8) -> PlanCommand {
        .update(
            UpdatePlan(
                items: items(to: end, psychUnits: psychUnits), start: day("2025-04-01"), end: day(end),
                changes: "I2 6 -> 8", reason: "More sessions needed", application: applicationFacts()))
    }

    func summary(
        goalsSet: UInt64 = 2, selfAssessment: UInt64 = 4, satisfaction: UInt64 = 5, on date: String = "2025-07-03",
        attainment: [GoalAttainment]? = nil
    ) -> PlanCommand {
        .recordSummary(
            PlanSummaryRecorded(
                planId: plan, personRef: person, recordedOn: day(date), goalsSet: goalsSet,
                personal: PlanSummaryRecorded.Personal(
                    goalAttainment: attainment ?? [
                        GoalAttainment(goalId: "G1", result: .achieved), GoalAttainment(goalId: "G2", result: .partly),
                    ], selfAssessment: selfAssessment, satisfaction: satisfaction)))
    }

    // MARK: deciding

    /// The staff id acting in `role`: c-3 for a coordinator, o-2 for an organiser, the director's otherwise.
    func actor(_ role: ActorRole) -> StaffID? {
        switch role {
        case .coordinator: coordinator
        case .servicesOrganiser: organiser
        default: nil
        }
    }

    func decide(
        _ given: [DomainEvent], _ command: PlanCommand, as role: ActorRole = .coordinator,
        on date: String = "2025-03-20", staff: StaffID? = nil, ruleSet: RuleSet = IntakeFixture.statutory
    ) throws(PlanRejection) -> [DomainEvent] {
        try PlanDecider.decide(
            command, state: PlanDecider.fold(given),
            rules: IntakeFixture.context(role, on: date, staff: staff ?? actor(role), ruleSet: ruleSet))
    }
}
