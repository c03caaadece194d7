import Domain
import Foundation

/// Authorisation givens after domain.md §7: plan pl01 (2025-04-01 through 2025-06-30) orders 24 hours of `care`
/// (item I1) from NGO-1, authorised as au01 with 8/8/8; `transport` needs no plan.
enum Authorisations {
    static let authorisationId = AuthorisationID(uuid: Fixture.uuid(20))
    static let personRef = PersonRef(uuid: Fixture.uuid(21))
    static let planId = PlanID(uuid: Fixture.uuid(22))
    static let qualificationId = QualificationID(uuid: Fixture.uuid(23))
    static let start = Fixture.day("2025-04-01")
    static let end = Fixture.day("2025-06-30")
    static let coordinator = Fixture.context(role: .coordinator, on: Fixture.day("2025-03-27"))

    static func provider(on date: String) -> RuleContext {
        Fixture.context(role: .providerStaff, on: Fixture.day(date))
    }

    static func eventID(_ last: UInt8) -> UUID { Fixture.uuid(100 + last) }

    static let transportDefined = DomainEvent.programmeServiceDefined(
        ProgrammeServiceDefined(
            programmeId: Fixture.programmeId, serviceId: "transport", name: "Transport", area: .socialAssistance,
            statutoryBasis: "u.p.s. art. 50", taskOwner: .gmina, unit: .visit, addresseeType: .person,
            material: false, requiresPlan: false, targetGroups: ["senior75plus"],
            limits: ServiceLimits(maxPersons: 40)))

    static var programme: ProgrammeState { ProgrammeDecider.fold(Fixture.programmeHistory + [transportDefined]) }

    static func providerState(extra: [DomainEvent] = []) -> ProviderState {
        ProviderDecider.fold([Fixture.registered, Fixture.engaged(services: ["care", "transport"])] + extra)
    }

    static func plan(
        status: PlanFacts.Status = .active, unitsPlanned: UInt64 = 24, suspensions: [PlanFacts.Suspension] = []
    ) -> PlanFacts {
        PlanFacts(
            planId: planId, status: status, period: start...end,
            items: [PlanFacts.Item(itemId: "I1", serviceId: "care", unitsPlanned: unitsPlanned)],
            suspensions: suspensions)
    }

    static func authorise(
        serviceId: String = "care", plan: PlanFacts? = plan(), planItemId: String? = "I1", already: UInt64 = 0,
        units: UInt64 = 24, allocation: [MonthlyUnits] = [], from: LocalDate = start, to: LocalDate = end,
        provider: ProviderState = providerState(), qualified: [String] = ["care", "transport"],
        providerAuthorisedByMonth: [String: UInt64] = [:]
    ) -> AuthoriseService {
        AuthoriseService(
            authorisationId: authorisationId, personRef: personRef, programme: programme,
            qualificationId: qualificationId, qualifiedServiceIds: qualified, plan: plan, planItemId: planItemId,
            alreadyAuthorisedForItem: already, serviceId: serviceId, provider: provider,
            engagementId: Fixture.engagementId, providerAuthorisedByMonth: providerAuthorisedByMonth,
            unitsAuthorised: units, monthlyAllocation: allocation, rate: 4_000, start: from, end: to)
    }

    static let eightEachMonth = [
        MonthlyUnits(month: "2025-04", units: 8), MonthlyUnits(month: "2025-05", units: 8),
        MonthlyUnits(month: "2025-06", units: 8),
    ]

    /// au01 as §7 event 12.
    static let authorised = DomainEvent.serviceAuthorised(
        ServiceAuthorised(
            authorisationId: authorisationId, planId: planId, planItemId: "I1", qualificationId: qualificationId,
            personRef: personRef, programmeId: Fixture.programmeId, serviceId: "care", providerId: Fixture.providerId,
            engagementId: Fixture.engagementId, unitsAuthorised: 24, monthlyAllocation: eightEachMonth, rate: 4_000,
            start: start, end: end))

    static func delivered(_ deliveryId: String, on date: String, units: UInt64, over: Bool = false) -> DomainEvent {
        .serviceDelivered(
            ServiceDelivered(
                authorisationId: authorisationId, personRef: personRef, providerId: Fixture.providerId,
                deliveryId: deliveryId, deliveredOn: Fixture.day(date), units: units, groupSession: false,
                overDelivery: over))
    }

    static func deliver(
        _ deliveryId: String, on date: String, units: UInt64 = 2, plan: PlanFacts? = plan(),
        providerId: ProviderID = Fixture.providerId
    ) -> AuthorisationCommand {
        .recordDelivery(
            RecordDelivery(
                providerId: providerId, deliveryId: deliveryId, deliveredOn: Fixture.day(date), units: units,
                plan: plan))
    }

    static func change(
        units: UInt64, allocation: [MonthlyUnits] = [], from: LocalDate = start, to: LocalDate = end,
        plan: PlanFacts? = plan(), already: UInt64 = 0
    ) -> AuthorisationCommand {
        .change(
            ChangeAuthorisation(
                plan: plan, alreadyAuthorisedForItem: already, provider: providerState(), unitsAuthorised: units,
                monthlyAllocation: allocation, start: from, end: to, reason: "Plan updated."))
    }

    /// Given (event id, event) pairs, when a command: what the decider decides on the fold with ids.
    static func decide(
        _ given: [(eventID: UUID, event: DomainEvent)], _ command: AuthorisationCommand, rules: RuleContext
    ) throws(AuthorisationRejection) -> [DomainEvent] {
        try AuthorisationDecider.decide(command, state: AuthorisationDecider.fold(identified: given), rules: rules)
    }

    /// Numbers the events 1, 2, 3… as their ids.
    static func identified(_ events: [DomainEvent]) -> [(eventID: UUID, event: DomainEvent)] {
        events.enumerated().map { (eventID(UInt8($0.offset + 1)), $0.element) }
    }
}
