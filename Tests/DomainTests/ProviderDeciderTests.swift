import Domain
import Testing

private func decide(
    _ given: [DomainEvent], _ when: ProviderCommand, rules: RuleContext = Fixture.context()
) throws(ProviderRejection) -> [DomainEvent] {
    try ProviderDecider.decide(given: given, when: when, rules: rules)
}

@Suite("ProviderDecider: registration and engagements (L3, L23)")
struct ProviderDeciderTests {
    @Test("Only the services organiser records provider acts")
    func otherRolesAreNotPermitted() {
        #expect(throws: ProviderRejection.notPermitted(role: .providerStaff)) {
            try decide([], Fixture.register(), rules: Fixture.context(role: .providerStaff))
        }
    }

    // MARK: registration

    @Test("A provider with valid KRS, REGON and NIP is registered, contact persons sealed in the personal part")
    func registration() throws {
        let contact = ContactPerson(name: "Anna Nowak", phone: "+48 600 000 000")
        let events = try decide(
            [], Fixture.register(krs: "0000123456", regon: "123456785", nip: "1234563218", contactPersons: [contact]))
        guard case .providerRegistered(let event) = events.first else { Issue.record("not registered"); return }
        #expect(event.personal?.contactPersons == [contact])
        #expect(event.nip == "1234563218")
        #expect(try decide([], Fixture.register(regon: "12345678512347")).count == 1)
    }

    @Test("KRS has 10 digits", arguments: ["000012345", "00001234567", "00001234a6"])
    func invalidKRS(krs: String) {
        #expect(throws: ProviderRejection.invalidKRS) { try decide([], Fixture.register(krs: krs)) }
    }

    @Test("REGON has 9 or 14 digits", arguments: ["12345678", "1234567890", "12345678a"])
    func invalidREGON(regon: String) {
        #expect(throws: ProviderRejection.invalidREGON) { try decide([], Fixture.register(regon: regon)) }
    }

    @Test("NIP has 10 digits with the mod-11 check digit", arguments: ["1234563217", "123456321", "123-456-32-18"])
    func invalidNIP(nip: String) {
        #expect(throws: ProviderRejection.invalidNIP) { try decide([], Fixture.register(nip: nip)) }
    }

    @Test("A provider is registered once")
    func registeredOnce() {
        #expect(throws: ProviderRejection.alreadyRegistered) { try decide([Fixture.registered], Fixture.register()) }
    }

    @Test("Schema violations in the clear and personal parts are refused with their paths")
    func schemaViolations() {
        #expect(throws: ProviderRejection.invalidFields([FieldViolation(path: ".name", rule: "must not be empty")])) {
            try decide([], Fixture.register(name: ""))
        }
        let path = ".personal.contactPersons[0].name"
        #expect(throws: ProviderRejection.invalidFields([FieldViolation(path: path, rule: "must not be empty")])) {
            try decide([], Fixture.register(contactPersons: [ContactPerson(name: "")]))
        }
    }

    // MARK: engagement

    @Test("A registered provider is engaged for a gmina service of an active programme")
    func engagement() throws {
        #expect(try decide([Fixture.registered], Fixture.engage()) == [Fixture.engaged()])
        #expect(throws: ProviderRejection.notRegistered) { try decide([], Fixture.engage()) }
        #expect(throws: ProviderRejection.engagementAlreadyExists(engagementId: Fixture.engagementId)) {
            try decide([Fixture.registered, Fixture.engaged()], Fixture.engage())
        }
    }

    @Test("The programme must be adopted and not ended")
    func programmeMustBeActive() {
        #expect(throws: ProviderRejection.programmeNotActive) {
            try decide([Fixture.registered], Fixture.engage(programme: .init()))
        }
        let ended = ProgrammeDecider.fold(Fixture.programmeHistory + [Fixture.ended()])
        #expect(throws: ProviderRejection.programmeNotActive) {
            try decide([Fixture.registered], Fixture.engage(programme: ended))
        }
    }

    @Test("Every service must be defined in the programme, and there must be one")
    func servicesMustBeInProgramme() {
        #expect(throws: ProviderRejection.serviceNotInProgramme(serviceId: "psych")) {
            try decide([Fixture.registered], Fixture.engage(services: ["care", "psych"]))
        }
        #expect(throws: ProviderRejection.noServices) { try decide([Fixture.registered], Fixture.engage(services: [])) }
    }

    @Test("An engagement ends after it starts and lies within the programme")
    func engagementPeriod() throws {
        let day = Fixture.day("2025-04-01")
        #expect(throws: ProviderRejection.periodEndsBeforeStart(from: day, to: day)) {
            try decide([Fixture.registered], Fixture.engage(from: day, to: day))
        }
        #expect(try decide([Fixture.registered], Fixture.engage(from: day, to: day.adding(days: 1))).count == 1)
        let early = Fixture.programmeStart.adding(days: -1)
        #expect(throws: ProviderRejection.outsideProgrammePeriod(from: early, to: Fixture.day("2025-12-31"))) {
            try decide([Fixture.registered], Fixture.engage(from: early))
        }
        let late = Fixture.programmeEnd.adding(days: 1)
        #expect(throws: ProviderRejection.outsideProgrammePeriod(from: day, to: late)) {
            try decide([Fixture.registered], Fixture.engage(to: late))
        }
        #expect(
            try decide([Fixture.registered], Fixture.engage(from: Fixture.programmeStart, to: Fixture.programmeEnd))
                .count == 1)
        #expect(try decide([Fixture.registered], Fixture.engage(to: nil)).count == 1)
    }

    @Test("A unit rate of 0 is accepted, a negative one refused")
    func unitRateNotNegative() throws {
        #expect(try decide([Fixture.registered], Fixture.engage(unitRate: 0)).count == 1)
        #expect(throws: ProviderRejection.negativeUnitRate(unitRate: -1)) {
            try decide([Fixture.registered], Fixture.engage(unitRate: -1))
        }
    }

    @Test("L3: a county task cites the agreement covering the engagement")
    func countyTaskCitesAgreement() throws {
        let events = try decide([Fixture.registered], Fixture.engage(services: ["care", "respite"]))
        #expect(events == [Fixture.engaged(services: ["care", "respite"], agreementId: Fixture.agreementId)])
    }

    @Test(
        "L3: a county task without an agreement covering service and period is refused",
        arguments: [
            [Fixture.agreementRecorded(serviceIds: ["care"])],
            [Fixture.agreementRecorded(to: Fixture.day("2025-11-30"))],
            [Fixture.agreementRecorded(from: Fixture.day("2025-04-02"), to: nil)],
        ])
    func countyTaskWithoutCoveringAgreement(agreements: [DomainEvent]) {
        // A programme defined in a city with county rights, so the service exists without a covering agreement.
        let programme = ProgrammeDecider.fold(
            [Fixture.adopted(), Fixture.serviceDefined("respite", taskOwner: .county)] + agreements)
        #expect(throws: ProviderRejection.countyTaskWithoutAgreement(serviceId: "respite")) {
            try decide([Fixture.registered], Fixture.engage(services: ["respite"], programme: programme))
        }
    }

    @Test("L3: in a city with county rights a county task needs no agreement")
    func cityWithCountyRights() throws {
        let programme = ProgrammeDecider.fold([
            Fixture.adopted(), Fixture.serviceDefined("respite", taskOwner: .county),
        ])
        let command = Fixture.engage(services: ["respite"], programme: programme, centre: Fixture.cityWithCountyRights)
        #expect(try decide([Fixture.registered], command) == [Fixture.engaged(services: ["respite"])])
    }

    @Test("L3: a county-agreement engagement needs a recorded agreement covering all its services")
    func countyAgreementMode() throws {
        #expect(throws: ProviderRejection.countyTaskWithoutAgreement(serviceId: "care")) {
            try decide([Fixture.registered], Fixture.engage(mode: .countyAgreement))
        }
        let programme = ProgrammeDecider.fold(
            Fixture.programmeHistory + [
                Fixture.agreementRecorded(serviceIds: ["care"], agreementId: Fixture.otherAgreement)
            ])
        let events = try decide([Fixture.registered], Fixture.engage(mode: .countyAgreement, programme: programme))
        guard case .providerEngaged(let event) = events.first else { Issue.record("not engaged"); return }
        #expect(event.agreementId == Fixture.otherAgreement)
        #expect(throws: ProviderRejection.countyTaskWithoutAgreement(serviceId: "care")) {
            try decide([Fixture.registered], Fixture.engage(mode: .countyAgreement, agreementId: Fixture.agreementId))
        }
        #expect(throws: ProviderRejection.unknownAgreement(agreementId: Fixture.otherAgreement)) {
            try decide([Fixture.registered], Fixture.engage(agreementId: Fixture.otherAgreement))
        }
    }

    @Test("A provider suspended during the engagement is not engaged; one suspended before it is")
    func suspendedProvider() throws {
        let during = Fixture.suspended(from: Fixture.day("2025-12-01"), until: Fixture.day("2026-01-31"))
        #expect(throws: ProviderRejection.providerSuspended) {
            try decide([Fixture.registered, during], Fixture.engage())
        }
        let before = Fixture.suspended(from: Fixture.day("2025-01-01"), until: Fixture.day("2025-03-31"))
        #expect(try decide([Fixture.registered, before], Fixture.engage()).count == 1)
    }
}
