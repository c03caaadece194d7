import Domain
import Testing

private let given = [Fixture.registered, Fixture.engaged()]

private func decide(
    _ when: ProviderCommand, given: [DomainEvent] = given, rules: RuleContext = Fixture.context()
) throws(ProviderRejection) -> [DomainEvent] {
    try ProviderDecider.decide(given: given, when: when, rules: rules)
}

@Suite("ProviderDecider: capacity, amendments, endings and suspension")
struct ProviderEngagementTests {
    // MARK: capacity

    @Test("Capacity changes from a day the engagement runs, and the state reports it by date")
    func capacityChange() throws {
        let events = try decide(Fixture.changeCapacity(from: Fixture.day("2025-06-01")))
        let state = ProviderDecider.fold(given + events)
        let engagement = try #require(state.engagements[Fixture.engagementId])
        #expect(engagement.capacity(forService: "care", on: Fixture.day("2025-05-31"))?.unitsPerMonth == 400)
        #expect(engagement.capacity(forService: "care", on: Fixture.day("2025-06-01"))?.unitsPerMonth == 300)
        #expect(engagement.capacity(forService: "care", on: Fixture.day("2026-01-01")) == nil)
        #expect(try decide(Fixture.changeCapacity(units: 0, from: Fixture.day("2025-12-31"))).count == 1)
    }

    @Test("Capacity changes only on an existing engagement, for its services, while it runs")
    func capacityChangeChecks() {
        #expect(throws: ProviderRejection.unknownEngagement(engagementId: Fixture.engagementId)) {
            try decide(Fixture.changeCapacity(from: Fixture.day("2025-06-01")), given: [Fixture.registered])
        }
        #expect(throws: ProviderRejection.serviceNotInEngagement(serviceId: "respite")) {
            try decide(Fixture.changeCapacity("respite", from: Fixture.day("2025-06-01")))
        }
        let after = Fixture.day("2026-01-01")
        #expect(throws: ProviderRejection.engagementNotActive(engagementId: Fixture.engagementId, on: after)) {
            try decide(Fixture.changeCapacity(from: after))
        }
        let ended = given + [engagementEnded(on: Fixture.day("2025-09-01"))]
        #expect(throws: ProviderRejection.engagementAlreadyEnded(engagementId: Fixture.engagementId)) {
            try decide(Fixture.changeCapacity(from: Fixture.day("2025-06-01")), given: ended)
        }
    }

    // MARK: amendment

    @Test("An engagement's rate or last day is amended within the programme")
    func amendment() throws {
        let events = try decide(Fixture.amendEngagement(unitRate: 4_500, validTo: Fixture.day("2026-06-30")))
        let engagement = try #require(ProviderDecider.fold(given + events).engagements[Fixture.engagementId])
        #expect(engagement.unitRate == 4_500)
        #expect(engagement.validTo == Fixture.day("2026-06-30"))
        #expect(try decide(Fixture.amendEngagement(unitRate: 0)).count == 1)
    }

    @Test("An amendment changes something, with a non-negative rate, on a day the engagement runs")
    func amendmentChecks() {
        #expect(throws: ProviderRejection.nothingToAmend) { try decide(Fixture.amendEngagement()) }
        #expect(throws: ProviderRejection.negativeUnitRate(unitRate: -1)) {
            try decide(Fixture.amendEngagement(unitRate: -1))
        }
        let before = Fixture.day("2025-03-31")
        #expect(throws: ProviderRejection.engagementNotActive(engagementId: Fixture.engagementId, on: before)) {
            try decide(Fixture.amendEngagement(unitRate: 1, on: before))
        }
    }

    @Test("A new last day stays within the engagement's own programme")
    func amendmentPeriod() {
        let late = Fixture.programmeEnd.adding(days: 1)
        #expect(throws: ProviderRejection.outsideProgrammePeriod(from: Fixture.day("2025-04-01"), to: late)) {
            try decide(Fixture.amendEngagement(validTo: late))
        }
        let start = Fixture.day("2025-04-01")
        #expect(throws: ProviderRejection.periodEndsBeforeStart(from: start, to: start)) {
            try decide(Fixture.amendEngagement(validTo: start))
        }
        #expect(throws: ProviderRejection.wrongProgramme) {
            try decide(Fixture.amendEngagement(validTo: Fixture.day("2026-06-30"), programme: ProgrammeState()))
        }
    }

    @Test("L3: extending a county task past its agreement is refused")
    func amendmentKeepsAgreementCoverage() throws {
        let programme = ProgrammeDecider.fold(
            [Fixture.adopted(), Fixture.agreementRecorded(to: Fixture.day("2026-06-30"))]
                + [Fixture.serviceDefined("respite", taskOwner: .county)])
        let engagedRespite = try ProviderDecider.decide(
            given: [Fixture.registered], when: Fixture.engage(services: ["respite"], programme: programme))
        let history = [Fixture.registered] + engagedRespite
        #expect(throws: ProviderRejection.countyTaskWithoutAgreement(serviceId: "respite")) {
            try decide(
                Fixture.amendEngagement(validTo: Fixture.day("2026-07-01"), programme: programme), given: history)
        }
        let withinAgreement = Fixture.amendEngagement(validTo: Fixture.day("2026-06-30"), programme: programme)
        #expect(try decide(withinAgreement, given: history).count == 1)
    }

    // MARK: ending

    @Test("An active engagement ends once, on a day it runs")
    func ending() throws {
        let events = try decide(Fixture.endEngagement())
        #expect(events == [engagementEnded(on: Fixture.day("2025-09-01"))])
        let engagement = try #require(ProviderDecider.fold(given + events).engagements[Fixture.engagementId])
        #expect(engagement.status == .ended)
        #expect(engagement.isActive(on: Fixture.day("2025-08-31")))
        #expect(!engagement.isActive(on: Fixture.day("2025-09-01")))
        #expect(throws: ProviderRejection.engagementAlreadyEnded(engagementId: Fixture.engagementId)) {
            try decide(Fixture.endEngagement(), given: given + events)
        }
        let after = Fixture.day("2026-01-01")
        #expect(throws: ProviderRejection.engagementNotActive(engagementId: Fixture.engagementId, on: after)) {
            try decide(Fixture.endEngagement(on: after))
        }
        #expect(try decide(Fixture.endEngagement(on: Fixture.day("2025-04-01"))).count == 1)
    }

    // MARK: suspension

    @Test("A registered provider is suspended; a one-day suspension is allowed")
    func suspension() throws {
        let from = Fixture.day("2025-05-01")
        let events = try decide(Fixture.suspend(from: from, until: Fixture.day("2025-05-31")))
        let state = ProviderDecider.fold(given + events)
        #expect(state.isSuspended(on: Fixture.day("2025-05-31")))
        #expect(!state.isSuspended(on: Fixture.day("2025-06-01")))
        #expect(try decide(Fixture.suspend(from: from, until: from)).count == 1)
        #expect(throws: ProviderRejection.notRegistered) { try decide(Fixture.suspend(from: from), given: []) }
    }

    @Test("A suspension ending before it starts, or overlapping another, is refused")
    func suspensionChecks() throws {
        let from = Fixture.day("2025-05-01")
        #expect(throws: ProviderRejection.periodEndsBeforeStart(from: from, to: from.adding(days: -1))) {
            try decide(Fixture.suspend(from: from, until: from.adding(days: -1)))
        }
        let suspendedMay = given + [Fixture.suspended(from: from, until: Fixture.day("2025-05-31"))]
        #expect(throws: ProviderRejection.alreadySuspended) {
            try decide(Fixture.suspend(from: Fixture.day("2025-05-31")), given: suspendedMay)
        }
        #expect(try decide(Fixture.suspend(from: Fixture.day("2025-06-01")), given: suspendedMay).count == 1)
    }

    @Test("Commands name the provider of their stream")
    func wrongProvider() {
        let other = SuspendProvider(
            providerId: ProviderID(uuid: Fixture.uuid(99)), reason: "Audit.", effectiveFrom: Fixture.today)
        #expect(throws: ProviderRejection.wrongProvider) { try decide(.suspendProvider(other)) }
    }

    @Test("Rejections name their rule, a kebab-case code and a message without registry numbers")
    func rejectionMetadata() {
        #expect(ProviderRejection.countyTaskWithoutAgreement(serviceId: "respite").rule == "L3")
        #expect(ProviderRejection.invalidNIP.rule == nil)
        #expect(ProviderRejection.invalidNIP.code == "invalid-nip")
        #expect(ProviderRejection.unknownAgreement(agreementId: Fixture.agreementId).description.hasPrefix("L3: "))
    }
}

private func engagementEnded(on date: LocalDate) -> DomainEvent {
    .providerEngagementEnded(
        ProviderEngagementEnded(
            providerId: Fixture.providerId, engagementId: Fixture.engagementId, reason: "Contract terminated.",
            effectiveFrom: date))
}
