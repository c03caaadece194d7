/// What the services organiser records about a provider (usługodawca): its registration, engagements for services
/// of a programme, capacity and suspension. Commands name the provider, so the command layer knows which
/// `provider-<ProviderID>` stream to load; commands that depend on a programme carry its folded state, loaded from
/// its own stream, because a decider reads one stream only.
public enum ProviderCommand: Hashable, Sendable {
    case registerProvider(RegisterProvider)
    case engageProvider(EngageProvider)
    case changeCapacity(ChangeProviderCapacity)
    case amendEngagement(AmendProviderEngagement)
    case endEngagement(EndProviderEngagement)
    case suspendProvider(SuspendProvider)

    public var providerId: ProviderID {
        switch self {
        case .registerProvider(let command): command.providerId
        case .engageProvider(let command): command.providerId
        case .changeCapacity(let command): command.providerId
        case .amendEngagement(let command): command.providerId
        case .endEngagement(let command): command.providerId
        case .suspendProvider(let command): command.providerId
        }
    }
}

/// Enters a provider in the register; contact persons are personal data, sealed under the provider's key.
public struct RegisterProvider: Hashable, Sendable {
    public var providerId: ProviderID
    public var name: String
    public var providerType: ProviderType
    public var krs: String?
    public var regon: String?
    public var nip: String?
    public var contactPersons: [ContactPerson]

    public init(
        providerId: ProviderID, name: String, providerType: ProviderType, krs: String? = nil, regon: String? = nil,
        nip: String? = nil, contactPersons: [ContactPerson] = []
    ) {
        self.providerId = providerId
        self.name = name
        self.providerType = providerType
        self.krs = krs
        self.regon = regon
        self.nip = nip
        self.contactPersons = contactPersons
    }
}

/// Engages the provider for services of one programme (L23: the contracting mode is recorded).
public struct EngageProvider: Hashable, Sendable {
    public var providerId: ProviderID
    public var engagementId: EngagementID
    /// The programme's state folded from its stream; it must be active and define every service.
    public var programme: ProgrammeState
    public var centre: CentreFacts
    public var mode: EngagementMode
    public var serviceIds: [String]
    /// Grosze per unit.
    public var unitRate: Int64
    public var capacity: Capacity
    public var validFrom: LocalDate
    /// The last day, inclusive; nil for as long as the programme runs.
    public var validTo: LocalDate?
    public var procurementRef: String?
    /// The county agreement to cite (L3); when nil and one is needed, the decider picks one that covers.
    public var agreementId: AgreementID?

    public init(
        providerId: ProviderID, engagementId: EngagementID, programme: ProgrammeState, centre: CentreFacts,
        mode: EngagementMode, serviceIds: [String], unitRate: Int64, capacity: Capacity, validFrom: LocalDate,
        validTo: LocalDate? = nil, procurementRef: String? = nil, agreementId: AgreementID? = nil
    ) {
        self.providerId = providerId
        self.engagementId = engagementId
        self.programme = programme
        self.centre = centre
        self.mode = mode
        self.serviceIds = serviceIds
        self.unitRate = unitRate
        self.capacity = capacity
        self.validFrom = validFrom
        self.validTo = validTo
        self.procurementRef = procurementRef
        self.agreementId = agreementId
    }
}

/// Changes what an engagement can deliver of one service from a date.
public struct ChangeProviderCapacity: Hashable, Sendable {
    public var providerId: ProviderID
    public var engagementId: EngagementID
    public var serviceId: String
    public var capacity: Capacity
    public var effectiveFrom: LocalDate

    public init(
        providerId: ProviderID, engagementId: EngagementID, serviceId: String, capacity: Capacity,
        effectiveFrom: LocalDate
    ) {
        self.providerId = providerId
        self.engagementId = engagementId
        self.serviceId = serviceId
        self.capacity = capacity
        self.effectiveFrom = effectiveFrom
    }
}

/// Changes an engagement's rate or last day; at least one of them must be given.
public struct AmendProviderEngagement: Hashable, Sendable {
    public var providerId: ProviderID
    public var engagementId: EngagementID
    /// The engagement's programme, to check a new last day against its period and agreements (L3).
    public var programme: ProgrammeState
    public var centre: CentreFacts
    public var unitRate: Int64?
    public var validTo: LocalDate?
    public var reason: String
    public var effectiveFrom: LocalDate

    public init(
        providerId: ProviderID, engagementId: EngagementID, programme: ProgrammeState, centre: CentreFacts,
        unitRate: Int64? = nil, validTo: LocalDate? = nil, reason: String, effectiveFrom: LocalDate
    ) {
        self.providerId = providerId
        self.engagementId = engagementId
        self.programme = programme
        self.centre = centre
        self.unitRate = unitRate
        self.validTo = validTo
        self.reason = reason
        self.effectiveFrom = effectiveFrom
    }
}

/// Ends an engagement; from `effectiveFrom` on it no longer delivers.
public struct EndProviderEngagement: Hashable, Sendable {
    public var providerId: ProviderID
    public var engagementId: EngagementID
    public var reason: String
    public var effectiveFrom: LocalDate

    public init(providerId: ProviderID, engagementId: EngagementID, reason: String, effectiveFrom: LocalDate) {
        self.providerId = providerId
        self.engagementId = engagementId
        self.reason = reason
        self.effectiveFrom = effectiveFrom
    }
}

/// Suspends the provider from `effectiveFrom` through `until` (inclusive), or indefinitely.
public struct SuspendProvider: Hashable, Sendable {
    public var providerId: ProviderID
    public var reason: String
    public var effectiveFrom: LocalDate
    public var until: LocalDate?

    public init(providerId: ProviderID, reason: String, effectiveFrom: LocalDate, until: LocalDate? = nil) {
        self.providerId = providerId
        self.reason = reason
        self.effectiveFrom = effectiveFrom
        self.until = until
    }
}
