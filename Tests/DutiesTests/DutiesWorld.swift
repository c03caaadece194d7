import Commands
import Domain
import Duties
import Foundation
import Ledger
import LedgerTesting
import Logging
import Projections

/// A small centre run for a year through the real ledger, Vault, deciders and projections: a charged programme
/// with one place of home care, Anna qualified and served from February to April (March totally exempt), Bogdan
/// waitlisted until Anna withdraws on 10 May, and Celina, last seen in January 2024. The rule set keeps personal
/// data for one year, so the retention duty has something to do within the year.
final class DutiesWorld {
    static let retentionYears = 1

    let directory: TemporaryDirectory
    let services: CommandServices
    let projections: ProjectionsStore
    let ruleBook: RuleBook
    let clock: FixedDutyClock
    let intake: IntakeCommands
    let delivery: DeliveryCommands
    let fees: FeeCommands

    let programme = ProgrammeID(uuid: UUID())
    let coordinator = StaffID(uuid: UUID())
    let provider = ProviderID(uuid: UUID())
    let engagement = EngagementID(uuid: UUID())
    let authorisation = AuthorisationID(uuid: UUID())
    let qualification = QualificationID(uuid: UUID())
    let anna = PersonRef(uuid: UUID())
    let bogdan = PersonRef(uuid: UUID())
    let celina = PersonRef(uuid: UUID())
    let annaApplication = ApplicationID(uuid: UUID())
    let bogdanApplication = ApplicationID(uuid: UUID())
    let organiser = Actor.staff(StaffID(uuid: UUID()), role: .servicesOrganiser)
    let director = Actor.staff(StaffID(uuid: UUID()), role: .director)
    let clerk = Actor.staff(StaffID(uuid: UUID()), role: .intakeClerk)
    let providerStaff = Actor.staff(StaffID(uuid: UUID()), role: .providerStaff)
    let finance = Actor.staff(StaffID(uuid: UUID()), role: .financeOfficer)
    var coordinatorActor: Actor { .staff(coordinator, role: .coordinator) }

    init() throws {
        directory = try TemporaryDirectory(prefix: "cus-duties")
        var ruleSet = RuleBook.defaults.ruleSets[0]
        ruleSet.version = "2020-01-01.duties-test"
        ruleSet.parameters.retention.personalDataYears = Self.retentionYears
        ruleBook = try RuleBook([ruleSet])
        services = try CommandServices.open(
            Ledger.Options(dataDirectory: directory.path + "/data"), ruleBook: ruleBook)
        projections = try ProjectionsStore(directory: directory.path + "/data/projections")
        clock = FixedDutyClock(Instant(startOf: Self.day("2025-01-01")))
        intake = IntakeCommands(services: services)
        delivery = DeliveryCommands(services: services)
        fees = FeeCommands(services: services)
    }

    deinit {
        projections.close()
        services.close()
        directory.remove()
    }

    static func day(_ text: String) -> LocalDate { LocalDate(text) ?? LocalDate(daysSinceEpoch: 0) }

    /// The business duties only (the ledger duties have their own test), reading `projections` when given.
    func scheduler(runs: DutyRunStore? = nil, projections: ProjectionsStore? = nil) -> DutyScheduler {
        DutyScheduler(
            configuration: .defaults, clock: clock,
            runs: runs ?? DutyRunStore(dataDirectory: directory.path + "/data"),
            business: .init(
                state: DutyStateReader(services: services, projections: projections ?? self.projections),
                issuer: DutyCommandIssuer(services: services), ruleBook: ruleBook),
            maintenance: nil, logger: Self.quiet)
    }

    static let quiet: Logger = {
        var logger = Logger(label: "cusledger.duties.test")
        logger.logLevel = .error
        return logger
    }()

    func envelope(_ actor: Actor, on date: LocalDate) -> CommandEnvelope {
        CommandEnvelope(
            commandID: UUID128.random(), actor: actor,
            occurredAt: Instant(microsecondsSinceEpoch: Instant(startOf: date).microsecondsSinceEpoch + 36_000_000_000),
            fingerprint: "\(actor.ledgerName) \(date)")
    }

    /// 07:00 on `day`, when the test runs the due duties (after the day's 06:00 slots).
    static func morning(_ day: LocalDate) -> Instant {
        Instant(microsecondsSinceEpoch: Instant(startOf: day).microsecondsSinceEpoch + 7 * 3_600_000_000)
    }

    /// The programme, its staff and provider, and Celina's one visit in January 2024.
    func setUp() async throws {
        let start = Self.day("2025-01-02")
        let stream = try LedgerNames.stream("programme", programme)
        let programmeCommands: [ProgrammeCommand] = [
            .adoptProgramme(
                AdoptProgramme(
                    programmeId: programme, title: "PUS-2025",
                    resolution: .init(
                        resolutionRef: "XII/100/2024", resolutionDate: Self.day("2024-12-15"),
                        journalRef: "Dz.Urz.2024.999"),
                    effectiveFrom: Self.day("2025-01-01"), effectiveTo: Self.day("2025-12-31"), feeRegime: .charged,
                    targetGroups: ["seniors"])),
            .defineService(
                DefineProgrammeService(
                    programmeId: programme, serviceId: "care", name: "Care at home", area: .socialAssistance,
                    statutoryBasis: "u.p.s. art. 50", taskOwner: .gmina, unit: .hour, addresseeType: .person,
                    requiresPlan: false, targetGroups: ["seniors"], limits: ServiceLimits(maxPersons: 1),
                    centre: CentreFacts(cityWithCountyRights: false))),
            .defineFeeRule(
                DefineFeeRule(
                    programmeId: programme, feeRuleId: "FR-1", serviceIds: ["care"], rate: 1_000, incomeTiers: [],
                    exemptionRules: [
                        ExemptionRule(
                            exemptionRuleId: "EX-TOTAL", kind: .total, percent: 100, criteria: "income below threshold")
                    ], effectiveFrom: Self.day("2025-01-01"))),
        ]
        try await execute(ProgrammeDecider.self, stream, programmeCommands, by: organiser, on: start)
        try await execute(
            StaffDecider.self, try LedgerNames.stream("staff", coordinator),
            [
                .qualify(
                    QualifyStaff(
                        staffId: coordinator, role: .coordinator, validFrom: Self.day("2024-01-01"),
                        evidence: .init(
                            qualification: "praca socjalna", experienceYears: 3, trainingRef: "IPUS-2023/17",
                            criminalRecordStatementRef: "KRK-2023/5")))
            ], by: director, on: start)
        let providerStream = try LedgerNames.stream("provider", provider)
        try await execute(
            ProviderDecider.self, providerStream,
            [
                .registerProvider(
                    RegisterProvider(providerId: provider, name: "Opiekunki Sp. z o.o.", providerType: .ngo))
            ],
            by: organiser, on: start)
        let engage = EngageProvider(
            providerId: provider, engagementId: engagement, programme: try services.facts.programme(programme),
            centre: CentreFacts(cityWithCountyRights: false), mode: .ngoEntrusted, serviceIds: ["care"],
            unitRate: 4_000, capacity: Capacity(unitsPerMonth: 200), validFrom: start, validTo: Self.day("2025-12-31"))
        try await execute(ProviderDecider.self, providerStream, [.engageProvider(engage)], by: organiser, on: start)
        _ = try await intake.register(
            celina, purposeTags: ["intake"], identity: .init(givenName: "Celina", familyName: "Wrona"),
            envelope: envelope(clerk, on: Self.day("2024-01-10")))
    }

    /// Each command on `stream` in turn, by `actor` on `day`.
    func execute<D: Decider>(
        _ decider: D.Type, _ stream: StreamID, _ commands: [D.Command], by actor: Actor, on day: LocalDate
    )
        async throws
    {
        for command in commands {
            _ = try await services.pipeline.execute(
                decider, stream: stream, command: command, envelope: envelope(actor, on: day))
        }
    }

    /// What staff, residents and the provider do on `day` (before the duties run that morning... or after: the
    /// script's days are chosen so the order within a day does not matter).
    func script(on day: LocalDate) async throws {
        switch day.description {
        case "2025-01-05":
            for (person, name) in [(anna, "Anna"), (bogdan, "Bogdan")] {
                _ = try await intake.register(
                    person, purposeTags: ["intake"], identity: .init(givenName: name, familyName: "Nowak"),
                    envelope: envelope(clerk, on: day))
            }
        case "2025-01-10": try await apply(anna, annaApplication, on: day)
        case "2025-01-11": try await apply(bogdan, bogdanApplication, on: day)
        case "2025-01-13": try await qualifyAnnaAndWaitlistBogdan(on: day)
        case "2025-01-20": try await authoriseAnna(on: day)
        case "2025-02-10", "2025-03-10", "2025-04-10":
            let report = RecordDelivery(
                providerId: provider, deliveryId: "d-\(day)", deliveredOn: day, units: 8)
            _ = try await delivery.recordDelivery(
                authorisation, report, by: providerStaff, occurredAt: envelope(providerStaff, on: day).occurredAt)
        case "2025-02-15":
            _ = try await fees.account(anna, programme: programme, envelope: envelope(clerk, on: day)) { _ in
                .requestExemption(RequestFeeExemption(requestedKind: .total))
            }
        case "2025-02-20":
            _ = try await fees.account(anna, programme: programme, envelope: envelope(director, on: day)) {
                [programme] facts throws(CommandError) in
                .grantExemption(
                    GrantFeeExemption(
                        exemptionId: ExemptionID(uuid: UUID()), kind: .total, percent: 100,
                        validFrom: Self.day("2025-03-01"), validTo: Self.day("2025-03-31"), serviceIds: ["care"],
                        exemptionRuleId: "EX-TOTAL", decisionRef: "CUS.3120.1.2025",
                        programme: try facts.programme(programme)))
            }
        case "2025-05-10":
            _ = try await intake.application(annaApplication, envelope: envelope(clerk, on: day)) {
                [anna, annaApplication] _ in
                .withdraw(ApplicationWithdrawn(applicationId: annaApplication, personRef: anna, withdrawnOn: day))
            }
        default: break
        }
    }

    /// Filing on `day`, then the coordinator's needs assessment on 12 January.
    private func apply(_ person: PersonRef, _ application: ApplicationID, on day: LocalDate) async throws {
        let assessedOn = Self.day("2025-01-12")
        let steps: [(Actor, LocalDate, @Sendable (DomainFacts) throws(CommandError) -> ApplicationCommand)] = [
            (
                clerk, day,
                { [programme] facts throws(CommandError) in
                    .submit(
                        SubmitApplication(
                            application: ApplicationSubmitted(
                                applicationId: application, personRef: person, applicantRole: .self,
                                channel: .inPerson, programmeIds: [programme], requestedServiceIds: ["care"],
                                filedAt: day),
                            person: try facts.person(person), programmes: [try facts.programmeFacts(programme)]))
                }
            ),
            (
                coordinatorActor, assessedOn,
                { [coordinator] facts throws(CommandError) in
                    let needs = [NeedInDomain(domain: "care", description: "Help at home after a fall")]
                    return .conductAssessment(
                        ConductAssessment(
                            conducted: NeedsAssessmentConducted(
                                applicationId: application, personRef: person, assessmentId: AssessmentID(uuid: UUID()),
                                conductedOn: assessedOn, place: .placeOfStay, assessorId: coordinator,
                                personal: .init(needs: needs, summary: "needs daily care")),
                            assessor: try facts.staff(coordinator)))
                }
            ),
        ]
        for (actor, date, command) in steps {
            _ = try await intake.application(application, envelope: envelope(actor, on: date), command: command)
        }
    }

    private func qualifyAnnaAndWaitlistBogdan(on day: LocalDate) async throws {
        _ = try await intake.application(
            annaApplication, queueOf: programme, envelope: envelope(coordinatorActor, on: day)
        ) {
            [programme, qualification] facts throws(CommandError) in
            .grantQualification(
                GrantQualification(
                    qualificationId: qualification, programmeId: programme, serviceIds: ["care"], validFrom: day,
                    validTo: nil, groupMatched: [.senior75plus], programme: try facts.programmeFacts(programme),
                    queue: try facts.queue(programme)))
        }
        _ = try await intake.application(
            bogdanApplication, queueOf: programme, envelope: envelope(.system("qualification"), on: day)
        ) { [programme] facts throws(CommandError) in
            .waitlist(
                WaitlistApplicant(
                    programmeId: programme, serviceIds: ["care"], programme: try facts.programmeFacts(programme),
                    queue: try facts.queue(programme)))
        }
    }

    /// 24 hours of care from February to April, 8 a month.
    private func authoriseAnna(on day: LocalDate) async throws {
        _ = try await delivery.authorisation(authorisation, envelope: envelope(coordinatorActor, on: day)) {
            [programme, provider, engagement, anna, qualification] facts throws(CommandError) in
            let booked = try facts.authorisations().providerAuthorisedByMonth(provider: provider, service: "care")
            let order = AuthoriseService(
                authorisationId: authorisation, personRef: anna, programme: try facts.programme(programme),
                qualificationId: qualification, qualifiedServiceIds: ["care"], serviceId: "care",
                provider: try facts.provider(provider), engagementId: engagement, providerAuthorisedByMonth: booked,
                unitsAuthorised: 24, rate: 4_500, start: Self.day("2025-02-01"), end: Self.day("2025-04-30"))
            return .authorise(order)
        }
    }

    /// One line per event the duties appended (actor `system:<duty>`), in ledger order: type, business date and what
    /// it is about.
    func dutyEvents() throws -> [String] {
        let dutyActors = Set(
            [DutyKind.waitlistPromotion, .monthlyCharge, .retentionErasure].map {
                Actor.system($0.actorName).ledgerName
            })
        var lines: [String] = []
        for record in try services.ledger.readAll(from: .zero, limit: 100_000)
        where dutyActors.contains(record.metadata.actor) {
            let (context, event) = try StreamLoader.decode(record)
            let day = context.occurredAt.localDate
            switch event {
            case .feeAssessed(let assessed):
                lines.append(
                    "\(day) FeeAssessed \(name(assessed.personRef)) \(assessed.chargePeriod) net \(assessed.net)")
            case .waitlistPromoted(let promoted):
                lines.append("\(day) WaitlistPromoted \(name(promoted.personRef))")
            case .qualificationGranted(let granted):
                lines.append("\(day) QualificationGranted \(name(granted.personRef))")
            case .personalDataErased(let erased):
                lines.append("\(day) PersonalDataErased \(name(erased.personRef)) \(erased.reason)")
            default:
                lines.append("\(day) \(record.type)")
            }
        }
        return lines
    }

    /// What the year must produce, exactly.
    static let expectedYear = [
        "2025-01-11 PersonalDataErased Celina retentionExpired",
        "2025-03-02 FeeAssessed Anna 2025-02 net 8000",
        "2025-05-02 FeeAssessed Anna 2025-04 net 8000",
        "2025-05-10 WaitlistPromoted Bogdan",
        "2025-05-10 QualificationGranted Bogdan",
    ]

    func name(_ person: PersonRef) -> String {
        person == anna ? "Anna" : person == bogdan ? "Bogdan" : person == celina ? "Celina" : "\(person)"
    }

    /// Every day of 2025 from `first` through `last`: the day's script, then the duties due at 07:00.
    func run(
        from first: LocalDate = day("2025-01-01"), through last: LocalDate = day("2025-12-31"),
        scheduler: DutyScheduler? = nil, beforeDuties: (LocalDate) async throws -> Void = { _ in }
    ) async throws -> [DutyRunRecord] {
        let scheduler = scheduler ?? self.scheduler()
        var records: [DutyRunRecord] = []
        var day = first
        while day <= last {
            try await script(on: day)
            try await beforeDuties(day)
            clock.set(Self.morning(day))
            records += try await scheduler.runDue()
            day = day.adding(days: 1)
        }
        return records
    }
}
