import Domain
import Foundation
import Testing

private typealias A = Authorisations

private func authorise(
    _ command: AuthoriseService, given: [DomainEvent] = [], rules: RuleContext = A.coordinator
) throws(AuthorisationRejection) -> [DomainEvent] {
    try AuthorisationDecider.decide(given: given, when: .authorise(command), rules: rules)
}

private func decide(
    _ command: AuthorisationCommand, given: [DomainEvent] = [A.authorised], on date: String = "2025-04-10"
) throws(AuthorisationRejection) -> [DomainEvent] {
    let role: ActorRole =
        switch command {
        case .authorise, .change, .cancel: .coordinator
        default: .providerStaff
        }
    let rules = Fixture.context(role: role, on: Fixture.day(date))
    return try AuthorisationDecider.decide(given: given, when: command, rules: rules)
}

@Suite("AuthorisationDecider: authorising services (domain.md §4.7)")
struct AuthorisationDeciderTests {
    @Test("A plan item's units are authorised from an engaged provider for the plan's period")
    func authoriseInsidePlan() throws {
        let events = try authorise(A.authorise(allocation: A.eightEachMonth))
        #expect(events == [A.authorised])
        let state = AuthorisationDecider.fold(events)
        #expect(state.status == .active)
        #expect(state.unitsAuthorised == 24 && state.unitsRemaining == 24)
    }

    @Test("The item's units across authorisations may reach, never pass, the units planned")
    func plannedUnitsBound() throws {
        #expect(try authorise(A.authorise(already: 16, units: 8)).count == 1)
        #expect(throws: AuthorisationRejection.exceedsPlannedUnits(planned: 24, authorised: 25)) {
            try authorise(A.authorise(already: 17, units: 8))
        }
        #expect(AuthorisationRejection.exceedsPlannedUnits(planned: 24, authorised: 25).rule == "4.7")
        let huge = AuthorisationDecider.unitsMax + 1
        #expect(throws: AuthorisationRejection.tooManyUnits(units: huge, max: AuthorisationDecider.unitsMax)) {
            try authorise(A.authorise(plan: nil, planItemId: nil, units: huge))
        }
    }

    @Test("Only an approved, running plan's item for the same service, within the plan's period, is authorised")
    func planChecks() {
        for status in [PlanFacts.Status.notApproved, .suspended, .ended] {
            #expect(throws: AuthorisationRejection.planNotActive) {
                try authorise(A.authorise(plan: A.plan(status: status)))
            }
        }
        let late = Fixture.day("2025-07-01")
        #expect(throws: AuthorisationRejection.outsidePlanPeriod(start: A.start, end: late)) {
            try authorise(A.authorise(to: late))
        }
        #expect(throws: AuthorisationRejection.unknownPlanItem(itemId: "I9")) {
            try authorise(A.authorise(planItemId: "I9"))
        }
        #expect(throws: AuthorisationRejection.planItemServiceMismatch(itemId: "I1", serviceId: "transport")) {
            try authorise(A.authorise(serviceId: "transport"))
        }
        #expect(throws: AuthorisationRejection.planFactsMismatch) { try authorise(A.authorise(planItemId: nil)) }
        #expect(throws: AuthorisationRejection.planFactsMismatch) { try authorise(A.authorise(plan: nil)) }
    }

    @Test("Without a plan only a service that needs none is authorised, and only for a qualified resident")
    func withoutPlan() throws {
        let events = try authorise(A.authorise(serviceId: "transport", plan: nil, planItemId: nil, units: 4))
        guard case .serviceAuthorised(let authorised) = events.first else { Issue.record("no authorisation"); return }
        #expect(authorised.planId == nil && authorised.planItemId == nil)
        #expect(throws: AuthorisationRejection.planRequired(serviceId: "care")) {
            try authorise(A.authorise(plan: nil, planItemId: nil))
        }
        #expect(throws: AuthorisationRejection.notQualified(serviceId: "transport")) {
            try authorise(A.authorise(serviceId: "transport", plan: nil, planItemId: nil, qualified: ["care"]))
        }
        #expect(throws: AuthorisationRejection.serviceNotInProgramme(serviceId: "meals")) {
            try authorise(A.authorise(serviceId: "meals", plan: nil, planItemId: nil))
        }
    }

    @Test("The provider must be engaged for the service on every day of the period and not suspended")
    func engagementChecks() throws {
        let lastDay = Fixture.day("2025-12-31")
        let longPlan = PlanFacts(
            planId: A.planId, status: .active, period: A.start...Fixture.day("2026-03-31"),
            items: [PlanFacts.Item(itemId: "I1", serviceId: "care", unitsPlanned: 24)])
        #expect(try authorise(A.authorise(plan: longPlan, to: lastDay)).count == 1)
        let pastEngagement = Fixture.day("2026-01-01")
        #expect(
            throws: AuthorisationRejection.providerNotEngaged(serviceId: "care", start: A.start, end: pastEngagement)
        ) {
            try authorise(A.authorise(plan: longPlan, to: pastEngagement))
        }
        let suspended = A.providerState(extra: [Fixture.suspended(from: A.end, until: A.end)])
        #expect(throws: AuthorisationRejection.providerSuspended) { try authorise(A.authorise(provider: suspended)) }
        let suspendedAfter = A.providerState(extra: [Fixture.suspended(from: Fixture.day("2025-07-01"))])
        #expect(try authorise(A.authorise(provider: suspendedAfter)).count == 1)
        #expect(throws: AuthorisationRejection.providerNotEngaged(serviceId: "care", start: A.start, end: A.end)) {
            try authorise(A.authorise(provider: ProviderState()))
        }
    }

    @Test("The period runs forwards, a single day included, and units are positive")
    func periodAndUnits() throws {
        #expect(try authorise(A.authorise(units: 2, from: A.end, to: A.end)).count == 1)
        #expect(throws: AuthorisationRejection.periodEndsBeforeStart(start: A.end, end: A.start)) {
            try authorise(A.authorise(from: A.end, to: A.start))
        }
        #expect(throws: AuthorisationRejection.noUnits) { try authorise(A.authorise(units: 0)) }
    }

    @Test("A monthly allocation has distinct months inside the period and sums to the units authorised")
    func allocationChecks() {
        let short = [MonthlyUnits(month: "2025-04", units: 8), MonthlyUnits(month: "2025-05", units: 8)]
        #expect(throws: AuthorisationRejection.allocationMismatch(allocated: 16, authorised: 24)) {
            try authorise(A.authorise(allocation: short))
        }
        let outside = short + [MonthlyUnits(month: "2025-07", units: 8)]
        #expect(throws: AuthorisationRejection.allocationMonthOutsidePeriod(month: "2025-07")) {
            try authorise(A.authorise(allocation: outside))
        }
        let twice = short + [MonthlyUnits(month: "2025-05", units: 8)]
        #expect(throws: AuthorisationRejection.duplicateAllocationMonth(month: "2025-05")) {
            try authorise(A.authorise(allocation: twice))
        }
    }

    @Test("Without an allocation units spread pro rata by days, summing exactly")
    func proRata() {
        let spread = MonthlyAllocation.spread(units: 24, allocation: [], from: A.start, through: A.end)
        #expect(spread == ["2025-04": 8, "2025-05": 8, "2025-06": 8])
        let odd = MonthlyAllocation.spread(
            units: 10, allocation: [], from: Fixture.day("2025-04-16"), through: Fixture.day("2025-06-15"))
        #expect(odd.values.reduce(0, +) == 10)
        #expect(MonthlyAllocation.month(of: Fixture.day("2025-01-31")) == "2025-01")
        // Every month of four centuries and the edges of four-digit years, against the plain formatting.
        var day = Fixture.day("1900-01-01")
        for _ in 0..<(400 * 12) {
            let (year, month, _) = day.components
            let padded =
                String(repeating: "0", count: 4 - String(year).count) + String(year) + "-"
                + (month < 10 ? "0" : "") + String(month)
            #expect(MonthlyAllocation.month(of: day) == padded)
            day = day.adding(months: 1)
        }
        for text in ["0005-03-01", "0999-12-31", "9999-12-31"] {
            #expect(MonthlyAllocation.month(of: Fixture.day(text)) == String(text.prefix(7)))
        }
    }

    @Test("Authorising beyond the provider's monthly capacity is accepted and raises an alert")
    func capacityAlert() throws {
        let atCapacity = A.authorise(providerAuthorisedByMonth: ["2025-05": 392])
        #expect(AuthorisationDecider.capacityAlerts(for: atCapacity).isEmpty)
        let over = A.authorise(providerAuthorisedByMonth: ["2025-05": 393])
        #expect(try authorise(over).count == 1)
        let alerts = AuthorisationDecider.capacityAlerts(for: over)
        #expect(alerts.map(\.kind) == ["capacityExceeded"])
        #expect(alerts.first?.parameters["month"] == "2025-05" && alerts.first?.parameters["authorised"] == "401")
    }

    @Test("Only a coordinator authorises, once per stream, within an active programme")
    func authorisationGuards() {
        #expect(throws: AuthorisationRejection.notPermitted(role: .intakeClerk)) {
            try authorise(A.authorise(), rules: Fixture.context(role: .intakeClerk))
        }
        #expect(throws: AuthorisationRejection.alreadyAuthorised) {
            try authorise(A.authorise(), given: [A.authorised])
        }
        var ended = A.authorise()
        ended.programme = ProgrammeDecider.fold(Fixture.programmeHistory + [Fixture.ended()])
        #expect(throws: AuthorisationRejection.programmeNotActive) { try authorise(ended) }
    }

    // MARK: change and cancellation

    @Test("An authorisation changes within the plan item, never below the units delivered")
    func change() throws {
        let given = [A.authorised] + (1...4).map { A.delivered("d-\($0)", on: "2025-04-0\($0 + 1)", units: 2) }
        #expect(try decide(A.change(units: 8), given: given, on: "2025-05-15").count == 1)
        #expect(throws: AuthorisationRejection.belowDelivered(delivered: 8, authorised: 7)) {
            try decide(A.change(units: 7), given: given, on: "2025-05-15")
        }
        #expect(throws: AuthorisationRejection.exceedsPlannedUnits(planned: 24, authorised: 30)) {
            try decide(A.change(units: 26, already: 4), given: given)
        }
        #expect(throws: AuthorisationRejection.deliveryOutsideNewPeriod(date: Fixture.day("2025-04-02"))) {
            try decide(A.change(units: 8, from: Fixture.day("2025-04-03")), given: given)
        }
        #expect(throws: AuthorisationRejection.planFactsMismatch) { try decide(A.change(units: 8, plan: nil)) }
        #expect(throws: AuthorisationRejection.notAuthorised) { try decide(A.change(units: 8), given: []) }
    }

    @Test("The §7 change of au02 to 8 units with 2/3/3 is folded into the state")
    func changeFolds() throws {
        let allocation = [
            MonthlyUnits(month: "2025-04", units: 2), MonthlyUnits(month: "2025-05", units: 3),
            MonthlyUnits(month: "2025-06", units: 3),
        ]
        let events = try decide(A.change(units: 8, allocation: allocation), on: "2025-05-15")
        let state = AuthorisationDecider.fold([A.authorised] + events)
        #expect(state.unitsAuthorised == 8 && state.monthlyAllocation == allocation)
    }

    @Test("A cancellation never takes back a delivery, and ends deliveries from its first day")
    func cancellation() throws {
        let given = [A.authorised, A.delivered("d-1", on: "2025-04-10", units: 2)]
        let cancel = AuthorisationCommand.cancel(
            CancelAuthorisation(effectiveFrom: Fixture.day("2025-04-11"), reason: "Moved."))
        let events = try decide(cancel, given: given, on: "2025-04-11")
        #expect(AuthorisationDecider.fold(given + events).status == .cancelled)
        let early = AuthorisationCommand.cancel(
            CancelAuthorisation(effectiveFrom: Fixture.day("2025-04-10"), reason: "Moved."))
        #expect(throws: AuthorisationRejection.deliveryOutsideNewPeriod(date: Fixture.day("2025-04-10"))) {
            try decide(early, given: given)
        }
        #expect(throws: AuthorisationRejection.outsideAuthorisedPeriod(date: Fixture.day("2025-04-11"))) {
            try decide(A.deliver("d-2", on: "2025-04-11"), given: given + events, on: "2025-04-12")
        }
        #expect(throws: AuthorisationRejection.authorisationCancelled) { try decide(cancel, given: given + events) }
        let blank = AuthorisationCommand.cancel(
            CancelAuthorisation(effectiveFrom: Fixture.day("2025-05-01"), reason: " "))
        #expect(throws: AuthorisationRejection.reasonMissing) { try decide(blank) }
    }
}
