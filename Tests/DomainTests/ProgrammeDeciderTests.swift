import Domain
import Testing

/// Given programme events, when a command, then events or a rejection (style.md §6).
private func decide(
    _ given: [DomainEvent], _ when: ProgrammeCommand, rules: RuleContext = Fixture.context()
) throws(ProgrammeRejection) -> [DomainEvent] {
    try ProgrammeDecider.decide(given: given, when: when, rules: rules)
}

private func adopt(
    resolution: Resolution = Fixture.resolution, from: LocalDate = Fixture.programmeStart,
    to: LocalDate = Fixture.programmeEnd, contentHash: String? = nil
) -> ProgrammeCommand {
    .adoptProgramme(
        AdoptProgramme(
            programmeId: Fixture.programmeId, title: "PUS-2025", resolution: resolution, effectiveFrom: from,
            effectiveTo: to, feeRegime: .charged, targetGroups: ["senior75plus"], contentHash: contentHash))
}

private func amend(
    resolution: Resolution = Fixture.resolution, from: LocalDate = Fixture.day("2026-01-01"),
    to: LocalDate = Fixture.programmeEnd, centre: CentreFacts = Fixture.urban
) -> ProgrammeCommand {
    .amendProgramme(
        AmendProgramme(
            programmeId: Fixture.programmeId, resolution: resolution, effectiveFrom: from, effectiveTo: to,
            changes: "Care hours raised.", reason: "Diagnosis update.", centre: centre))
}

private func recordAgreement(
    serviceIds: [String] = ["respite"], from: LocalDate = Fixture.programmeStart, to: LocalDate? = nil
) -> ProgrammeCommand {
    .recordCountyAgreement(
        RecordCountyAgreement(
            programmeId: Fixture.programmeId, agreementId: Fixture.agreementId, agreementRef: "POR/1/2024",
            county: "powiat przykładowy", serviceIds: serviceIds, validFrom: from, validTo: to))
}

private func end(on date: LocalDate = Fixture.day("2026-06-30")) -> ProgrammeCommand {
    .endProgramme(EndProgramme(programmeId: Fixture.programmeId, endDate: date, reason: "Repealed."))
}

@Suite("ProgrammeDecider: resolutions, catalogue and county agreements (L1–L4)")
struct ProgrammeDeciderTests {
    @Test("Only the services organiser records programme acts", arguments: [ActorRole.coordinator, .director])
    func otherRolesAreNotPermitted(role: ActorRole) {
        #expect(throws: ProgrammeRejection.notPermitted(role: role)) {
            try decide([], adopt(), rules: Fixture.context(role: role))
        }
    }

    // MARK: adoption (L4)

    @Test("Adopting a programme records the resolution as version 1")
    func adoptionIsVersionOne() throws {
        #expect(try decide([], adopt()) == [Fixture.adopted()])
    }

    @Test(
        "L4: an adoption without the resolution's number, date or journal reference is refused",
        arguments: [
            (
                Resolution(resolutionRef: " ", resolutionDate: Fixture.day("2024-12-20"), journalRef: "Dz. Urz. 1"),
                ProgrammeRejection.ResolutionField.resolutionRef
            ),
            (Resolution(resolutionRef: "XII/1", resolutionDate: nil, journalRef: "Dz. Urz. 1"), .resolutionDate),
            (
                Resolution(resolutionRef: "XII/1", resolutionDate: Fixture.day("2024-12-20"), journalRef: ""),
                .journalRef
            ),
        ])
    func resolutionPartsAreRequired(resolution: Resolution, missing: ProgrammeRejection.ResolutionField) {
        #expect(throws: ProgrammeRejection.resolutionMissing(missing)) { try decide([], adopt(resolution: resolution)) }
    }

    @Test("L4: a resolution dated today is accepted, one dated tomorrow is refused")
    func resolutionDateNotInFuture() throws {
        var resolution = Fixture.resolution
        resolution.resolutionDate = Fixture.today
        #expect(try decide([], adopt(resolution: resolution)).count == 1)
        resolution.resolutionDate = Fixture.today.adding(days: 1)
        #expect(throws: ProgrammeRejection.resolutionDateInFuture(resolutionDate: Fixture.today.adding(days: 1))) {
            try decide([], adopt(resolution: resolution))
        }
    }

    @Test("L4: a programme ending the day it starts is refused; one day later is accepted")
    func periodMustEndAfterStart() throws {
        let start = Fixture.programmeStart
        #expect(throws: ProgrammeRejection.invalidPeriod(from: start, to: start)) {
            try decide([], adopt(to: start))
        }
        #expect(try decide([], adopt(to: start.adding(days: 1))).count == 1)
    }

    @Test("A programme is adopted once")
    func adoptionIsOnce() {
        #expect(throws: ProgrammeRejection.alreadyAdopted) { try decide([Fixture.adopted()], adopt()) }
    }

    @Test("Fields that break the event schema are refused with their paths")
    func schemaViolationsAreRefused() {
        let expected = [FieldViolation(path: ".contentHash", rule: "not 64 lowercase hex digits")]
        #expect(throws: ProgrammeRejection.invalidFields(expected)) { try decide([], adopt(contentHash: "xyz")) }
    }

    // MARK: services (L1–L3)

    @Test("A gmina service of a statutory area is defined")
    func serviceIsDefined() throws {
        #expect(try decide([Fixture.adopted()], Fixture.defineService()) == [Fixture.serviceDefined("care")])
    }

    @Test("Services need an adopted programme of the same stream")
    func serviceNeedsAdoptedProgramme() {
        #expect(throws: ProgrammeRejection.notAdopted) { try decide([], Fixture.defineService()) }
        let other = DefineProgrammeService(
            programmeId: ProgrammeID(uuid: Fixture.uuid(42)), serviceId: "care", name: "Care", area: .housing,
            statutoryBasis: "u.p.s.", taskOwner: .gmina, unit: .hour, addresseeType: .person, requiresPlan: false,
            targetGroups: [], limits: ServiceLimits(), centre: Fixture.urban)
        #expect(throws: ProgrammeRejection.wrongProgramme) { try decide([Fixture.adopted()], .defineService(other)) }
    }

    @Test("L1: an area outside the rule set's areas is refused")
    func areaMustBeInRuleSet() throws {
        var ruleSet = Fixture.defaultRuleSet
        ruleSet.parameters.serviceAreas.removeAll { $0 == "housing" }
        #expect(throws: ProgrammeRejection.areaNotInRuleSet(area: .housing)) {
            try decide(
                [Fixture.adopted()], Fixture.defineService(area: .housing), rules: Fixture.context(ruleSet: ruleSet))
        }
        #expect(try decide([Fixture.adopted()], Fixture.defineService(area: .housing)).count == 1)
    }

    @Test("L1: a material service is refused")
    func materialServiceIsRefused() {
        #expect(throws: ProgrammeRejection.materialService(serviceId: "care")) {
            try decide([Fixture.adopted()], Fixture.defineService(material: true))
        }
    }

    @Test("L1: a service without an addressee type is refused")
    func addresseeTypeIsRequired() {
        #expect(throws: ProgrammeRejection.addresseeTypeMissing(serviceId: "care")) {
            try decide([Fixture.adopted()], Fixture.defineService(addresseeType: nil))
        }
    }

    @Test("L2: a service without a statutory basis is refused")
    func statutoryBasisIsRequired() {
        #expect(throws: ProgrammeRejection.statutoryBasisMissing(serviceId: "care")) {
            try decide([Fixture.adopted()], Fixture.defineService(statutoryBasis: "  "))
        }
    }

    @Test("L3: a county task is defined under an agreement covering the programme's whole period")
    func countyTaskWithAgreement() throws {
        let events = try decide(
            [Fixture.adopted(), Fixture.agreementRecorded()], Fixture.defineService("respite", taskOwner: .county))
        #expect(events == [Fixture.serviceDefined("respite", taskOwner: .county)])
        let openEnded = [Fixture.adopted(), Fixture.agreementRecorded(to: nil)]
        #expect(try decide(openEnded, Fixture.defineService("respite", taskOwner: .county)).count == 1)
    }

    @Test(
        "L3: a county task without an agreement covering the service and the period is refused",
        arguments: [
            [],
            [Fixture.agreementRecorded(serviceIds: ["other"])],
            [Fixture.agreementRecorded(from: Fixture.programmeStart.adding(days: 1))],
            [Fixture.agreementRecorded(to: Fixture.programmeEnd.adding(days: -1))],
        ])
    func countyTaskWithoutCoveringAgreement(agreements: [DomainEvent]) {
        #expect(throws: ProgrammeRejection.countyTaskWithoutAgreement(serviceId: "respite")) {
            try decide([Fixture.adopted()] + agreements, Fixture.defineService("respite", taskOwner: .county))
        }
    }

    @Test("L3: a city with county rights needs no agreement for county tasks")
    func cityWithCountyRightsNeedsNoAgreement() throws {
        let command = Fixture.defineService("respite", taskOwner: .county, centre: Fixture.cityWithCountyRights)
        #expect(try decide([Fixture.adopted()], command).count == 1)
    }

    @Test("A service is redefined only after an amendment, which replaces its definition")
    func redefinitionNeedsAmendment() throws {
        let given = [Fixture.adopted(), Fixture.serviceDefined("care")]
        #expect(throws: ProgrammeRejection.serviceAlreadyDefined(serviceId: "care")) {
            try decide(given, Fixture.defineService())
        }
        let amendedHistory = given + [Fixture.amended()]
        let events = try decide(amendedHistory, Fixture.defineService(addresseeType: .family))
        let state = ProgrammeDecider.fold(amendedHistory + events)
        #expect(state.services["care"]?.addresseeType == .family)
        #expect(state.services["care"]?.definedInVersion == 2)
        #expect(throws: ProgrammeRejection.serviceAlreadyDefined(serviceId: "care")) {
            try decide(amendedHistory + events, Fixture.defineService())
        }
    }

    @Test("A service names only a fee rule the programme defines")
    func serviceFeeRuleMustExist() throws {
        let given = [Fixture.adopted(), Fixture.serviceDefined("care"), Fixture.feeRuleDefined()]
        #expect(throws: ProgrammeRejection.unknownFeeRule(feeRuleId: "nope")) {
            try decide(given, Fixture.defineService("psych", feeRuleId: "nope"))
        }
        #expect(try decide(given, Fixture.defineService("psych", feeRuleId: "care-fee")).count == 1)
    }

    // MARK: county agreements (L3)

    @Test("L3: an agreement naming services is recorded; one naming none is refused")
    func agreementNeedsServices() throws {
        let events = try decide([Fixture.adopted()], recordAgreement(to: Fixture.programmeEnd))
        #expect(events == [Fixture.agreementRecorded()])
        #expect(throws: ProgrammeRejection.agreementWithoutServices) {
            try decide([Fixture.adopted()], recordAgreement(serviceIds: []))
        }
    }

    @Test("An agreement is recorded once, and must end after it starts")
    func agreementIdentityAndPeriod() {
        #expect(throws: ProgrammeRejection.agreementAlreadyRecorded(agreementId: Fixture.agreementId)) {
            try decide([Fixture.adopted(), Fixture.agreementRecorded()], recordAgreement())
        }
        let start = Fixture.programmeStart
        #expect(throws: ProgrammeRejection.periodEndsBeforeStart(from: start, to: start)) {
            try decide([Fixture.adopted()], recordAgreement(to: start))
        }
    }

    // MARK: amendment and end (L4)

    @Test("Each amendment is the next programme version")
    func amendmentVersions() throws {
        let first = try decide([Fixture.adopted()], amend())
        #expect(first == [Fixture.amended(version: 2).withResolution(Fixture.resolution)])
        let second = try decide([Fixture.adopted()] + first, amend(from: Fixture.day("2026-06-01")))
        guard case .programmeAmended(let amended) = second.first else { Issue.record("no amendment"); return }
        #expect(amended.programmeVersion == 3)
        let state = ProgrammeDecider.fold([Fixture.adopted()] + first + second)
        #expect(state.currentVersion == 3)
        #expect(state.version(inForceOn: Fixture.day("2025-12-31")) == 1)
        #expect(state.version(inForceOn: Fixture.day("2026-01-01")) == 2)
        #expect(state.version(inForceOn: Fixture.day("2026-06-01")) == 3)
        #expect(state.version(inForceOn: Fixture.day("2028-01-01")) == nil)
    }

    @Test("L4: an amendment needs a full resolution and a valid period")
    func amendmentChecks() {
        let noJournal = Resolution(resolutionRef: "XX/1", resolutionDate: Fixture.day("2025-02-01"), journalRef: "")
        #expect(throws: ProgrammeRejection.resolutionMissing(.journalRef)) {
            try decide([Fixture.adopted()], amend(resolution: noJournal))
        }
        let day = Fixture.day("2026-01-01")
        #expect(throws: ProgrammeRejection.invalidPeriod(from: day, to: day)) {
            try decide([Fixture.adopted()], amend(from: day, to: day))
        }
        #expect(throws: ProgrammeRejection.notAdopted) { try decide([], amend()) }
    }

    @Test("L4: an amendment cannot take effect before the current version")
    func amendmentNotBeforeCurrentVersion() throws {
        let early = Fixture.programmeStart.adding(days: -1)
        #expect(throws: ProgrammeRejection.amendmentTooEarly(effectiveFrom: early, earliest: Fixture.programmeStart)) {
            try decide([Fixture.adopted()], amend(from: early))
        }
        let given = [Fixture.adopted(), Fixture.amended(from: Fixture.day("2026-01-01"))]
        #expect(try decide(given, amend(from: Fixture.day("2026-01-01"))).count == 1)
        #expect(
            throws: ProgrammeRejection.amendmentTooEarly(
                effectiveFrom: Fixture.day("2025-12-31"), earliest: Fixture.day("2026-01-01"))
        ) {
            try decide(given, amend(from: Fixture.day("2025-12-31")))
        }
    }

    @Test("L3: extending the programme past a county agreement is refused unless the city has county rights")
    func amendmentKeepsCountyTasksCovered() throws {
        let later = Fixture.day("2028-12-31")
        #expect(throws: ProgrammeRejection.countyTaskWithoutAgreement(serviceId: "respite")) {
            try decide(Fixture.programmeHistory, amend(to: later))
        }
        #expect(try decide(Fixture.programmeHistory, amend(to: later, centre: Fixture.cityWithCountyRights)).count == 1)
        #expect(try decide(Fixture.programmeHistory, amend(to: Fixture.programmeEnd)).count == 1)
    }

    @Test("An active programme ends once, at the latest on its last day")
    func endingTheProgramme() throws {
        #expect(try decide([Fixture.adopted()], end()) == [Fixture.ended()])
        #expect(try decide([Fixture.adopted()], end(on: Fixture.programmeEnd)).count == 1)
        let late = Fixture.programmeEnd.adding(days: 1)
        #expect(throws: ProgrammeRejection.endAfterProgramme(endDate: late, effectiveTo: Fixture.programmeEnd)) {
            try decide([Fixture.adopted()], end(on: late))
        }
        #expect(throws: ProgrammeRejection.alreadyEnded) { try decide([Fixture.adopted(), Fixture.ended()], end()) }
        #expect(throws: ProgrammeRejection.notAdopted) { try decide([], end()) }
    }

    @Test("An ended programme refuses further acts")
    func endedProgrammeRefusesCommands() {
        let given = [Fixture.adopted(), Fixture.ended()]
        #expect(throws: ProgrammeRejection.alreadyEnded) { try decide(given, Fixture.defineService()) }
        #expect(throws: ProgrammeRejection.alreadyEnded) { try decide(given, recordAgreement()) }
        #expect(throws: ProgrammeRejection.alreadyEnded) { try decide(given, amend()) }
    }

    // MARK: state

    @Test("The folded state exposes period, version, services, fee rules and agreements; other events are ignored")
    func foldedState() throws {
        let unrelated = DomainEvent.providerSuspended(
            ProviderSuspended(providerId: Fixture.providerId, reason: "Audit.", effectiveFrom: Fixture.today))
        let otherProgramme = ProgrammeID(uuid: Fixture.uuid(77))
        var foreign = ProgrammeServiceDefined.sample
        foreign.programmeId = otherProgramme
        let state = ProgrammeDecider.fold(
            Fixture.programmeHistory + [
                unrelated, .programmeServiceDefined(foreign), Fixture.feeRuleDefined(), Fixture.ended(),
            ])
        #expect(state.programmeId == Fixture.programmeId)
        #expect(state.feeRegime == .charged)
        #expect(state.activePeriod == Fixture.programmeStart...Fixture.day("2026-06-30"))
        #expect(state.isEnded && !state.isActive)
        #expect(Set(state.services.keys) == ["care", "respite"])
        #expect(state.services["respite"]?.taskOwner == .county)
        #expect(state.services["care"]?.limits.maxPersons == 40)
        #expect(state.feeRule(forService: "care")?.feeRuleId == "care-fee")
        #expect(state.feeRule(forService: "respite") == nil)
        #expect(state.countyAgreements[Fixture.agreementId]?.county == "powiat przykładowy")
    }

    @Test("Rejections name their rule, a kebab-case code and a message")
    func rejectionMetadata() {
        let rejection = ProgrammeRejection.countyTaskWithoutAgreement(serviceId: "respite")
        #expect(rejection.rule == "L3")
        #expect(rejection.code == "county-task-without-agreement")
        #expect(rejection.description.hasPrefix("L3: service respite"))
        #expect(ProgrammeRejection.notAdopted.rule == nil)
        #expect(ProgrammeRejection.resolutionMissing(.journalRef).rule == "L4")
    }
}

extension DomainEvent {
    /// The same amendment with the resolution given, for comparing with a decided event.
    fileprivate func withResolution(_ resolution: Resolution) -> DomainEvent {
        guard case .programmeAmended(var amended) = self, let date = resolution.resolutionDate else { return self }
        amended.resolutionRef = resolution.resolutionRef
        amended.resolutionDate = date
        amended.journalRef = resolution.journalRef
        return .programmeAmended(amended)
    }
}
