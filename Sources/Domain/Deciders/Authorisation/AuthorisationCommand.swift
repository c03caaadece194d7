public import Foundation

/// What a coordinator orders from a provider and what the provider reports back (domain.md §4.7), on one
/// `authorisation-<AuthorisationID>` stream. Facts from other streams (programme, plan, qualification, provider)
/// travel in the command, filled by the command layer, because a decider reads its own stream only.
public enum AuthorisationCommand: Hashable, Sendable {
    case authorise(AuthoriseService)
    case change(ChangeAuthorisation)
    case cancel(CancelAuthorisation)
    case recordDelivery(RecordDelivery)
    case recordNonDelivery(RecordNonDelivery)
    case correctDelivery(CorrectDelivery)
    case reverseDelivery(ReverseDelivery)
}

/// Orders units of a service from an engaged provider: inside an approved plan's item, or directly for a
/// programme service that needs no plan (a single-service qualification).
public struct AuthoriseService: Hashable, Sendable {
    public var authorisationId: AuthorisationID
    public var personRef: PersonRef
    public var programme: ProgrammeState
    public var qualificationId: QualificationID
    /// The services the qualification grants (ApplicationState.outcomes); it must include `serviceId`.
    public var qualifiedServiceIds: [String]
    /// The plan and item; nil for a service authorised without a plan.
    public var plan: PlanFacts?
    public var planItemId: String?
    /// Units of the item already authorised by other authorisations (not cancelled).
    public var alreadyAuthorisedForItem: UInt64
    public var serviceId: String
    public var provider: ProviderState
    public var engagementId: EngagementID
    /// Units already authorised from the provider for the service by month ("YYYY-MM"), for the capacity alert.
    public var providerAuthorisedByMonth: [String: UInt64]
    public var unitsAuthorised: UInt64
    /// Empty: units spread pro rata by days.
    public var monthlyAllocation: [MonthlyUnits]
    /// Grosze per unit.
    public var rate: Int64
    public var frequency: String?
    public var start: LocalDate
    public var end: LocalDate

    public init(
        authorisationId: AuthorisationID, personRef: PersonRef, programme: ProgrammeState,
        qualificationId: QualificationID, qualifiedServiceIds: [String], plan: PlanFacts? = nil,
        planItemId: String? = nil, alreadyAuthorisedForItem: UInt64 = 0, serviceId: String, provider: ProviderState,
        engagementId: EngagementID, providerAuthorisedByMonth: [String: UInt64] = [:], unitsAuthorised: UInt64,
        monthlyAllocation: [MonthlyUnits] = [], rate: Int64, frequency: String? = nil, start: LocalDate,
        end: LocalDate
    ) {
        self.authorisationId = authorisationId
        self.personRef = personRef
        self.programme = programme
        self.qualificationId = qualificationId
        self.qualifiedServiceIds = qualifiedServiceIds
        self.plan = plan
        self.planItemId = planItemId
        self.alreadyAuthorisedForItem = alreadyAuthorisedForItem
        self.serviceId = serviceId
        self.provider = provider
        self.engagementId = engagementId
        self.providerAuthorisedByMonth = providerAuthorisedByMonth
        self.unitsAuthorised = unitsAuthorised
        self.monthlyAllocation = monthlyAllocation
        self.rate = rate
        self.frequency = frequency
        self.start = start
        self.end = end
    }
}

/// Changes units, allocation or dates; never below what was delivered, and still within the plan item and the
/// provider's engagement.
public struct ChangeAuthorisation: Hashable, Sendable {
    public var plan: PlanFacts?
    /// Units of the item authorised by the other authorisations.
    public var alreadyAuthorisedForItem: UInt64
    public var provider: ProviderState
    public var unitsAuthorised: UInt64
    public var monthlyAllocation: [MonthlyUnits]
    public var start: LocalDate
    public var end: LocalDate
    public var reason: String

    public init(
        plan: PlanFacts? = nil, alreadyAuthorisedForItem: UInt64 = 0, provider: ProviderState,
        unitsAuthorised: UInt64, monthlyAllocation: [MonthlyUnits] = [], start: LocalDate, end: LocalDate,
        reason: String
    ) {
        self.plan = plan
        self.alreadyAuthorisedForItem = alreadyAuthorisedForItem
        self.provider = provider
        self.unitsAuthorised = unitsAuthorised
        self.monthlyAllocation = monthlyAllocation
        self.start = start
        self.end = end
        self.reason = reason
    }
}

/// Ends the authorisation from `effectiveFrom`, the first day without it; no delivery may lie on or after it.
public struct CancelAuthorisation: Hashable, Sendable {
    public var effectiveFrom: LocalDate
    public var reason: String

    public init(effectiveFrom: LocalDate, reason: String) {
        self.effectiveFrom = effectiveFrom
        self.reason = reason
    }
}

/// A provider's report of units delivered; `deliveryId` is the provider's idempotency key.
public struct RecordDelivery: Hashable, Sendable {
    public var providerId: ProviderID
    public var deliveryId: String
    public var deliveredOn: LocalDate
    public var units: UInt64
    public var workerId: String?
    public var groupSession: Bool
    /// The plan, when the authorisation belongs to one: a suspended plan refuses deliveries.
    public var plan: PlanFacts?
    public var personal: ServiceDelivered.Personal?

    public init(
        providerId: ProviderID, deliveryId: String, deliveredOn: LocalDate, units: UInt64, workerId: String? = nil,
        groupSession: Bool = false, plan: PlanFacts? = nil, personal: ServiceDelivered.Personal? = nil
    ) {
        self.providerId = providerId
        self.deliveryId = deliveryId
        self.deliveredOn = deliveredOn
        self.units = units
        self.workerId = workerId
        self.groupSession = groupSession
        self.plan = plan
        self.personal = personal
    }
}

/// A planned session that did not take place.
public struct RecordNonDelivery: Hashable, Sendable {
    public var providerId: ProviderID
    public var deliveryId: String
    public var date: LocalDate
    public var unitsPlanned: UInt64
    public var reason: NotDeliveredReason

    public init(
        providerId: ProviderID, deliveryId: String, date: LocalDate, unitsPlanned: UInt64, reason: NotDeliveredReason
    ) {
        self.providerId = providerId
        self.deliveryId = deliveryId
        self.date = date
        self.unitsPlanned = unitsPlanned
        self.reason = reason
    }
}

/// Corrects the date or units of a delivery recorded in this stream (its `ServiceDelivered` or a later correction).
public struct CorrectDelivery: Hashable, Sendable {
    public var originalEventId: UUID
    public var deliveredOn: LocalDate
    public var units: UInt64
    public var reason: String
    public var plan: PlanFacts?

    public init(originalEventId: UUID, deliveredOn: LocalDate, units: UInt64, reason: String, plan: PlanFacts? = nil) {
        self.originalEventId = originalEventId
        self.deliveredOn = deliveredOn
        self.units = units
        self.reason = reason
        self.plan = plan
    }
}

/// Takes back a delivery that did not happen.
public struct ReverseDelivery: Hashable, Sendable {
    public var originalEventId: UUID
    public var reason: String

    public init(originalEventId: UUID, reason: String) {
        self.originalEventId = originalEventId
        self.reason = reason
    }
}
