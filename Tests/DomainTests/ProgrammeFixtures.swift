import Domain
import Foundation

/// Shared givens for the programme and provider decider tests: programme PUS-2025 (2025-01-01 through 2027-12-31),
/// decided on 2025-03-01 by a services organiser under the default rule set.
enum Fixture {
    static let programmeId = ProgrammeID(uuid: uuid(1))
    static let providerId = ProviderID(uuid: uuid(2))
    static let agreementId = AgreementID(uuid: uuid(3))
    static let engagementId = EngagementID(uuid: uuid(4))
    static let programmeStart = day("2025-01-01")
    static let programmeEnd = day("2027-12-31")
    static let today = day("2025-03-01")
    static let urban = CentreFacts(cityWithCountyRights: false)
    static let cityWithCountyRights = CentreFacts(cityWithCountyRights: true)

    static func uuid(_ last: UInt8) -> UUID {
        UUID(uuid: (0, 0, 0, 0, 0, 0, 0x40, 0, 0x80, 0, 0, 0, 0, 0, 0, last))
    }

    static func day(_ text: String) -> LocalDate {
        guard let date = LocalDate(text) else { preconditionFailure("bad test date \(text)") }
        return date
    }

    static let defaultRuleSet: RuleSet = {
        do {
            return try RuleBook.defaults.ruleSet(inForceOn: day("2025-03-01"))
        } catch {
            preconditionFailure("no default rule set in force: \(error)")
        }
    }()

    static func context(
        role: ActorRole = .servicesOrganiser, ruleSet: RuleSet = defaultRuleSet, on date: LocalDate = today
    ) -> RuleContext {
        RuleContext(
            ruleSet: ruleSet, occurredAt: Instant(startOf: date), actor: .staff(StaffID(uuid: uuid(9)), role: role))
    }

    static let resolution = Resolution(
        resolutionRef: "XII/123/2024", resolutionDate: day("2024-12-20"), journalRef: "Dz. Urz. Woj. 2024.4567")

    // MARK: events

    static func adopted(
        feeRegime: FeeRegime = .charged, from: LocalDate = programmeStart, to: LocalDate = programmeEnd
    ) -> DomainEvent {
        .programmeAdopted(
            ProgrammeAdopted(
                programmeId: programmeId, programmeVersion: 1, title: "PUS-2025",
                resolutionRef: resolution.resolutionRef, resolutionDate: day("2024-12-20"),
                journalRef: resolution.journalRef, effectiveFrom: from, effectiveTo: to, feeRegime: feeRegime,
                targetGroups: ["senior75plus"]))
    }

    static func serviceDefined(
        _ serviceId: String, taskOwner: TaskOwner = .gmina, feeRuleId: String? = nil,
        limits: ServiceLimits = ServiceLimits(maxPersons: 40)
    ) -> DomainEvent {
        .programmeServiceDefined(
            ProgrammeServiceDefined(
                programmeId: programmeId, serviceId: serviceId, name: "Care at home", area: .socialAssistance,
                statutoryBasis: "u.p.s. art. 50", taskOwner: taskOwner, unit: .hour, addresseeType: .person,
                material: false, requiresPlan: true, targetGroups: ["senior75plus"], limits: limits,
                feeRuleId: feeRuleId))
    }

    static func agreementRecorded(
        serviceIds: [String] = ["respite"], from: LocalDate = programmeStart, to: LocalDate? = programmeEnd,
        agreementId: AgreementID = agreementId
    ) -> DomainEvent {
        .countyAgreementRecorded(
            CountyAgreementRecorded(
                programmeId: programmeId, agreementId: agreementId, agreementRef: "POR/1/2024",
                county: "powiat przykładowy", serviceIds: serviceIds, validFrom: from, validTo: to))
    }

    static func feeRuleDefined(_ feeRuleId: String = "care-fee", serviceIds: [String] = ["care"]) -> DomainEvent {
        .feeRuleDefined(
            FeeRuleDefined(
                programmeId: programmeId, feeRuleId: feeRuleId, feeRuleVersion: 1, serviceIds: serviceIds,
                rate: 1_000, incomeTiers: [], exemptionRules: [], effectiveFrom: programmeStart))
    }

    static func amended(version: UInt64 = 2, from: LocalDate = day("2026-01-01"), to: LocalDate = programmeEnd)
        -> DomainEvent
    {
        .programmeAmended(
            ProgrammeAmended(
                programmeId: programmeId, programmeVersion: version, resolutionRef: "XX/200/2025",
                resolutionDate: day("2025-02-20"), journalRef: "Dz. Urz. Woj. 2025.100", effectiveFrom: from,
                effectiveTo: to, changes: "Care hours raised.", reason: "Diagnosis update."))
    }

    static func ended(on date: LocalDate = day("2026-06-30")) -> DomainEvent {
        .programmeEnded(ProgrammeEnded(programmeId: programmeId, endDate: date, reason: "Repealed."))
    }

    /// An adopted, charged programme with a gmina service `care` and a county service `respite` under an agreement.
    static let programmeHistory: [DomainEvent] = [
        adopted(), agreementRecorded(), serviceDefined("care"), serviceDefined("respite", taskOwner: .county),
    ]

    static var programme: ProgrammeState { ProgrammeDecider.fold(programmeHistory) }

    // MARK: commands

    static func defineService(
        _ serviceId: String = "care", taskOwner: TaskOwner = .gmina, area: ServiceArea = .socialAssistance,
        addresseeType: AddresseeType? = .person, material: Bool = false, statutoryBasis: String = "u.p.s. art. 50",
        feeRuleId: String? = nil, centre: CentreFacts = urban
    ) -> ProgrammeCommand {
        .defineService(
            DefineProgrammeService(
                programmeId: programmeId, serviceId: serviceId, name: "Care at home", area: area,
                statutoryBasis: statutoryBasis, taskOwner: taskOwner, unit: .hour, addresseeType: addresseeType,
                material: material, requiresPlan: true, targetGroups: ["senior75plus"],
                limits: ServiceLimits(maxPersons: 40), feeRuleId: feeRuleId, centre: centre))
    }
}

extension Decider {
    /// Given events, when a command: the events decided or the rejection (style.md §6).
    static func decide(
        given: [DomainEvent], when command: Command, rules: RuleContext = Fixture.context()
    ) throws(Rejection) -> [DomainEvent] {
        try decide(command, state: fold(given), rules: rules)
    }
}
