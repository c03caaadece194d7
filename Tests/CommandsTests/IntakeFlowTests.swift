import Commands
import Domain
import Foundation
import Ledger
import LedgerTesting
import Testing
import Vault

/// Intake end to end through the real ledger, Vault and deciders: a programme with one place, two residents,
/// filing order, the waiting list, promotion, a PESEL duplicate and an erasure (domain.md §4.4–4.5).
@Suite("Intake through the command pipeline")
struct IntakeFlowTests {
    let programme = ProgrammeID(uuid: UUID())
    let coordinator = StaffID(uuid: UUID())
    let organiser = Actor.staff(StaffID(uuid: UUID()), role: .servicesOrganiser)
    let director = Actor.staff(StaffID(uuid: UUID()), role: .director)
    let clerk = Actor.staff(StaffID(uuid: UUID()), role: .intakeClerk)

    func day(_ text: String) -> LocalDate { LocalDate(text) ?? LocalDate(daysSinceEpoch: 0) }

    func envelope(_ actor: Actor, on date: String) -> CommandEnvelope {
        CommandEnvelope(
            commandID: CommandsFixture.newCommandID(), actor: actor,
            occurredAt: Instant(startOf: day(date)).advanced(byHours: 10), fingerprint: "\(actor.role) \(date)")
    }

    func setUpProgramme(_ services: CommandServices) async throws {
        let stream = try LedgerNames.stream("programme", programme)
        _ = try await services.pipeline.execute(
            ProgrammeDecider.self, stream: stream,
            command: .adoptProgramme(
                AdoptProgramme(
                    programmeId: programme, title: "PUS-2025",
                    resolution: .init(
                        resolutionRef: "XII/100/2024", resolutionDate: day("2024-12-15"),
                        journalRef: "Dz.Urz.2024.999"),
                    effectiveFrom: day("2025-01-01"), effectiveTo: day("2025-12-31"), feeRegime: .free,
                    targetGroups: ["seniors"])), envelope: envelope(organiser, on: "2025-01-02"))
        _ = try await services.pipeline.execute(
            ProgrammeDecider.self, stream: stream,
            command: .defineService(
                DefineProgrammeService(
                    programmeId: programme, serviceId: "care", name: "Care at home", area: .socialAssistance,
                    statutoryBasis: "u.p.s. art. 50", taskOwner: .gmina, unit: .hour, addresseeType: .person,
                    requiresPlan: false, targetGroups: ["seniors"], limits: ServiceLimits(maxPersons: 1),
                    centre: CentreFacts(cityWithCountyRights: false))), envelope: envelope(organiser, on: "2025-01-02"))
        _ = try await services.pipeline.execute(
            StaffDecider.self, stream: try LedgerNames.stream("staff", coordinator),
            command: .qualify(
                QualifyStaff(
                    staffId: coordinator, role: .coordinator, validFrom: day("2024-01-01"),
                    evidence: .init(
                        qualification: "praca socjalna", experienceYears: 3, trainingRef: "IPUS-2023/17",
                        criminalRecordStatementRef: "KRK-2023/5"))), envelope: envelope(director, on: "2025-01-02"))
    }

    func applyAndAssess(_ intake: IntakeCommands, person: PersonRef, application: ApplicationID, filed: String)
        async throws
    {
        let submitted = ApplicationSubmitted(
            applicationId: application, personRef: person, applicantRole: .self, channel: .inPerson,
            programmeIds: [programme], requestedServiceIds: ["care"], filedAt: day(filed))
        _ = try await intake.application(application, envelope: envelope(clerk, on: filed)) {
            facts throws(CommandError) in
            .submit(
                SubmitApplication(
                    application: submitted, person: try facts.person(person),
                    programmes: [try facts.programmeFacts(programme)]))
        }
        let conducted = NeedsAssessmentConducted(
            applicationId: application, personRef: person, assessmentId: AssessmentID(uuid: UUID()),
            conductedOn: day("2025-03-10"), place: .placeOfStay, assessorId: coordinator,
            personal: .init(needs: [NeedInDomain(domain: "care", description: "Help with daily tasks")], summary: "x"))
        let coordinatorActor = Actor.staff(coordinator, role: .coordinator)
        _ = try await intake.application(application, envelope: envelope(coordinatorActor, on: "2025-03-10")) {
            [coordinator] facts throws(CommandError) in
            .conductAssessment(ConductAssessment(conducted: conducted, assessor: try facts.staff(coordinator)))
        }
    }

    func grant(_ intake: IntakeCommands, _ application: ApplicationID) async throws -> CommandResult {
        try await intake.application(
            application, queueOf: programme,
            envelope: envelope(Actor.staff(coordinator, role: .coordinator), on: "2025-03-12")
        ) { [programme] facts throws(CommandError) in
            .grantQualification(
                GrantQualification(
                    qualificationId: QualificationID(uuid: UUID()), programmeId: programme, serviceIds: ["care"],
                    validFrom: LocalDate("2025-03-12") ?? LocalDate(daysSinceEpoch: 0), validTo: nil,
                    groupMatched: [.senior75plus], programme: try facts.programmeFacts(programme),
                    queue: try facts.queue(programme)))
        }
    }

    @Test("Filing order within the limit, the waiting list, promotion, PESEL duplicates and erasure")
    func intakeEndToEnd() async throws {
        let fixture = try CommandsFixture()
        defer { fixture.directory.remove() }
        let services = try fixture.open()
        defer { services.close() }
        let intake = IntakeCommands(services: services)
        try await setUpProgramme(services)

        let (anna, bogdan) = (PersonRef(uuid: UUID()), PersonRef(uuid: UUID()))
        _ = try await intake.register(
            anna, purposeTags: ["intake"],
            identity: .init(givenName: "Anna", familyName: "Nowak", nationalID: "44051401359"),
            envelope: envelope(clerk, on: "2025-03-01"))
        _ = try await intake.register(
            bogdan, purposeTags: ["intake"],
            identity: .init(givenName: "Bogdan", familyName: "Zych", nationalID: "82031500126"),
            envelope: envelope(clerk, on: "2025-03-01"))
        await #expect {
            try await intake.register(
                PersonRef(uuid: UUID()), purposeTags: ["intake"],
                identity: .init(givenName: "Anna", familyName: "Nowak", nationalID: "44051401359"),
                envelope: envelope(clerk, on: "2025-03-02"))
        } throws: { ($0 as? CommandError)?.rule == "L28" }

        let (first, second) = (ApplicationID(uuid: UUID()), ApplicationID(uuid: UUID()))
        try await applyAndAssess(intake, person: anna, application: first, filed: "2025-03-05")
        try await applyAndAssess(intake, person: bogdan, application: second, filed: "2025-03-06")

        // Bogdan, filed later, cannot go first; Anna takes the only place; then the limit holds.
        await #expect {
            _ = try await grant(intake, second)
        } throws: { ($0 as? CommandError)?.rule == "L10" }
        let granted = try await grant(intake, first)
        #expect(granted.eventCount == 1)
        await #expect {
            _ = try await grant(intake, second)
        } throws: { ($0 as? CommandError)?.rejectionCode == "limit-reached" }

        let system = Actor.system("waitlist")
        _ = try await intake.application(second, queueOf: programme, envelope: envelope(system, on: "2025-03-12")) {
            [programme] facts throws(CommandError) in
            .waitlist(
                WaitlistApplicant(
                    programmeId: programme, serviceIds: ["care"], programme: try facts.programmeFacts(programme),
                    queue: try facts.queue(programme)))
        }
        _ = try await intake.application(first, envelope: envelope(clerk, on: "2025-04-01")) { [anna] _ in
            .withdraw(
                ApplicationWithdrawn(
                    applicationId: first, personRef: anna, withdrawnOn: LocalDate(daysSinceEpoch: 20_179)))
        }
        let promoted = try await intake.application(
            second, queueOf: programme, envelope: envelope(system, on: "2025-04-02")
        ) {
            [programme] facts throws(CommandError) in
            .promoteFromWaitlist(
                PromoteFromWaitlist(
                    qualificationId: QualificationID(uuid: UUID()), programmeId: programme,
                    validFrom: LocalDate("2025-04-02") ?? LocalDate(daysSinceEpoch: 0), validTo: nil,
                    groupMatched: [.senior75plus], programme: try facts.programmeFacts(programme),
                    queue: try facts.queue(programme)))
        }
        #expect(promoted.eventCount >= 1)

        let receipt = try await intake.erase(
            anna, reason: .art17, legalBasisRef: "RODO art. 17 ust. 1 lit. b", requestID: RequestID(uuid: UUID()),
            envelope: envelope(director, on: "2025-05-01"))
        let records = try services.ledger.read(
            stream: try LedgerNames.stream("person", anna), from: nil, direction: .forward, limit: 10)
        let revealed = try await services.reader.reveal(
            records, of: anna, viewer: director, viewerID: director.ledgerName, purpose: "erasure check",
            channel: .cli, envelope: envelope(director, on: "2025-05-01"))
        #expect(revealed.first?.personalData == .redacted(erasedAt: try #require(receipt.lastPosition)))
        // Anna's PESEL left the blind index with her keys: a new registration with it is possible again.
        #expect(try services.vault.subject(forNationalID: "44051401359") == nil)
        #expect(try LedgerVerifier(ledger: services.ledger).verify().ok)
    }
}

extension IntakeFlowTests {
    @Test("A refused registration withdraws the PESEL it reserved: its owner registers, a look-up finds no one else")
    func refusedRegistrationReleasesPESEL() async throws {
        let fixture = try CommandsFixture()
        defer { fixture.directory.remove() }
        let services = try fixture.open()
        defer { services.close() }
        let intake = IntakeCommands(services: services)
        let (anna, owner, pesel) = (PersonRef(uuid: UUID()), PersonRef(uuid: UUID()), "44051401359")
        _ = try await intake.register(
            anna, purposeTags: ["intake"], identity: .init(givenName: "Anna", familyName: "Nowak"),
            envelope: envelope(clerk, on: "2025-03-01"))
        // Anna again, now with someone else's PESEL: refused as registered already, and the PESEL is not hers.
        await #expect(throws: CommandError.self) {
            _ = try await intake.register(
                anna, purposeTags: ["intake"],
                identity: .init(givenName: "Anna", familyName: "Nowak", nationalID: pesel),
                envelope: envelope(clerk, on: "2025-03-02"))
        }
        #expect(try services.vault.subject(forNationalID: pesel) == nil)
        _ = try await intake.register(
            owner, purposeTags: ["intake"], identity: .init(givenName: "Ewa", familyName: "Lis", nationalID: pesel),
            envelope: envelope(clerk, on: "2025-03-03"))
        #expect(try services.vault.subject(forNationalID: pesel) == UUID128(owner.uuid))
    }

    @Test("A qualified service without a plan is authorised and delivered; a repeated report is a no-op")
    func authoriseAndDeliver() async throws {
        let fixture = try CommandsFixture()
        defer { fixture.directory.remove() }
        let services = try fixture.open()
        defer { services.close() }
        let intake = IntakeCommands(services: services)
        let delivery = DeliveryCommands(services: services)
        try await setUpProgramme(services)
        let anna = PersonRef(uuid: UUID())
        _ = try await intake.register(
            anna, purposeTags: ["intake"], identity: .init(givenName: "Anna", familyName: "Nowak"),
            envelope: envelope(clerk, on: "2025-03-01"))
        let application = ApplicationID(uuid: UUID())
        try await applyAndAssess(intake, person: anna, application: application, filed: "2025-03-05")
        let qualification = QualificationID(uuid: UUID())
        _ = try await intake.application(
            application, queueOf: programme,
            envelope: envelope(Actor.staff(coordinator, role: .coordinator), on: "2025-03-12")
        ) { [programme] facts throws(CommandError) in
            .grantQualification(
                GrantQualification(
                    qualificationId: qualification, programmeId: programme, serviceIds: ["care"],
                    validFrom: LocalDate("2025-03-12") ?? LocalDate(daysSinceEpoch: 0), validTo: nil,
                    groupMatched: [.senior75plus], programme: try facts.programmeFacts(programme),
                    queue: try facts.queue(programme)))
        }

        let provider = ProviderID(uuid: UUID())
        let engagement = EngagementID(uuid: UUID())
        let providerStream = try LedgerNames.stream("provider", provider)
        _ = try await services.pipeline.execute(
            ProviderDecider.self, stream: providerStream,
            command: .registerProvider(
                RegisterProvider(providerId: provider, name: "Fundacja Złota Jesień", providerType: .ngo)),
            envelope: envelope(organiser, on: "2025-01-03"))
        let programmeState = try delivery.facts.programme(programme)
        _ = try await services.pipeline.execute(
            ProviderDecider.self, stream: providerStream,
            command: .engageProvider(
                EngageProvider(
                    providerId: provider, engagementId: engagement, programme: programmeState,
                    centre: CentreFacts(cityWithCountyRights: false), mode: .ngoEntrusted, serviceIds: ["care"],
                    unitRate: 4_500, capacity: Capacity(unitsPerMonth: 400), validFrom: day("2025-01-03"),
                    validTo: day("2025-12-31"))), envelope: envelope(organiser, on: "2025-01-03"))

        let authorisation = AuthorisationID(uuid: UUID())
        _ = try await delivery.authorisation(
            authorisation, envelope: envelope(Actor.staff(coordinator, role: .coordinator), on: "2025-03-27")
        ) { [programme] facts throws(CommandError) in
            .authorise(
                AuthoriseService(
                    authorisationId: authorisation, personRef: anna, programme: try facts.programme(programme),
                    qualificationId: qualification, qualifiedServiceIds: ["care"], serviceId: "care",
                    provider: try facts.provider(provider), engagementId: engagement,
                    providerAuthorisedByMonth: try facts.authorisations().providerAuthorisedByMonth(
                        provider: provider, service: "care"), unitsAuthorised: 24,
                    rate: 4_500, start: LocalDate("2025-04-01") ?? LocalDate(daysSinceEpoch: 0),
                    end: LocalDate("2025-06-30") ?? LocalDate(daysSinceEpoch: 0)))
        }
        let providerStaff = Actor.staff(StaffID(uuid: UUID()), role: .providerStaff)
        let report = RecordDelivery(providerId: provider, deliveryId: "d-101", deliveredOn: day("2025-04-02"), units: 8)
        let occurred = Instant(startOf: day("2025-04-02")).advanced(byHours: 18)
        let first = try await delivery.recordDelivery(authorisation, report, by: providerStaff, occurredAt: occurred)
        #expect(!first.wasAlreadyRecorded)
        let size = try services.ledger.treeSize()
        let repeated = try await delivery.recordDelivery(authorisation, report, by: providerStaff, occurredAt: occurred)
        #expect(repeated.wasAlreadyRecorded)
        #expect(repeated.firstPosition == first.firstPosition)
        #expect(try services.ledger.treeSize() == size)
        let state = try delivery.facts.state(
            AuthorisationDecider.self, of: try LedgerNames.stream("authorisation", authorisation))
        #expect(state.unitsDelivered == 8)
        #expect(
            try delivery.facts.authorisations().providerAuthorisedByMonth(provider: provider, service: "care")
                == ["2025-04": 8, "2025-05": 8, "2025-06": 8])
    }
}

extension IntakeFlowTests {
    @Test("A plan is assigned, drafted, agreed and approved; past the filing-date deadline only with a reason (L15)")
    func planToApproval() async throws {
        let fixture = try CommandsFixture()
        defer { fixture.directory.remove() }
        let services = try fixture.open()
        defer { services.close() }
        let intake = IntakeCommands(services: services)
        let plans = PlanCommands(services: services)
        try await setUpProgramme(services)
        let anna = PersonRef(uuid: UUID())
        _ = try await intake.register(
            anna, purposeTags: ["intake"], identity: .init(givenName: "Anna", familyName: "Nowak"),
            envelope: envelope(clerk, on: "2025-03-01"))
        let application = ApplicationID(uuid: UUID())
        try await applyAndAssess(intake, person: anna, application: application, filed: "2025-03-05")
        _ = try await grant(intake, application)

        let plan = PlanID(uuid: UUID())
        let coordinatorActor = Actor.staff(coordinator, role: .coordinator)
        _ = try await plans.plan(plan, envelope: envelope(director, on: "2025-03-13")) {
            [coordinator] facts throws(CommandError) in
            .assignCoordinator(
                AssignCoordinator(
                    assigned: CoordinatorAssigned(
                        planId: plan, applicationId: application, personRef: anna, coordinatorId: coordinator,
                        fromDate: LocalDate("2025-03-13") ?? LocalDate(daysSinceEpoch: 0)),
                    coordinator: try facts.staff(coordinator), application: try facts.application(application)))
        }
        let item = PlanItem(
            itemId: "I1", kind: .service, serviceId: "care", unitsPlanned: 24, start: day("2025-04-01"),
            end: day("2025-06-30"))
        _ = try await plans.plan(plan, envelope: envelope(coordinatorActor, on: "2025-03-20")) {
            [programme] facts throws(CommandError) in
            .draft(
                DraftPlan(
                    planId: plan, applicationId: application, personRef: anna, programmeId: programme, items: [item],
                    start: LocalDate("2025-04-01") ?? LocalDate(daysSinceEpoch: 0),
                    end: LocalDate("2025-06-30") ?? LocalDate(daysSinceEpoch: 0),
                    goals: [PlanGoal(goalId: "G1", description: "Samodzielne zakupy raz w tygodniu")],
                    application: try facts.application(application)))
        }
        _ = try await plans.plan(plan, envelope: envelope(coordinatorActor, on: "2025-03-24")) {
            facts throws(CommandError) in
            .agree(
                AgreePlan(
                    agreed: PlanAgreed(
                        planId: plan, personRef: anna, planVersion: 1, agreedBy: anna,
                        agreedOn: LocalDate("2025-03-24") ?? LocalDate(daysSinceEpoch: 0)),
                    person: try facts.person(anna)))
        }
        // Day 36 after filing: refused without a reason, accepted with one and marked late.
        await #expect {
            _ = try await plans.approve(
                plan, application: application, approver: nil, envelope: envelope(director, on: "2025-04-10"))
        } throws: { ($0 as? CommandError)?.rule == "L15" }
        _ = try await plans.approve(
            plan, application: application, approver: nil, lateReason: "Choroba koordynatora",
            envelope: envelope(director, on: "2025-04-10"))
        let state = try plans.facts.plan(plan)
        #expect(state.status == .active)
        #expect(state.daysToPlan == 36)
        #expect(state.late == true)
    }
}

extension Instant {
    func advanced(byHours hours: Int64) -> Instant {
        Instant(microsecondsSinceEpoch: microsecondsSinceEpoch + hours * 3_600_000_000)
    }
}
