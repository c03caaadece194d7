/// What the services organiser records about a programme (program usług społecznych): the council's resolutions,
/// the service catalogue, fee rules and county agreements. Every command names its programme, so the command layer
/// knows which `programme-<id>` stream to load; new ids come in the command, never from the decider.
public enum ProgrammeCommand: Hashable, Sendable {
    case adoptProgramme(AdoptProgramme)
    case defineService(DefineProgrammeService)
    case defineFeeRule(DefineFeeRule)
    case recordCountyAgreement(RecordCountyAgreement)
    case amendProgramme(AmendProgramme)
    case endProgramme(EndProgramme)

    public var programmeId: ProgrammeID {
        switch self {
        case .adoptProgramme(let command): command.programmeId
        case .defineService(let command): command.programmeId
        case .defineFeeRule(let command): command.programmeId
        case .recordCountyAgreement(let command): command.programmeId
        case .amendProgramme(let command): command.programmeId
        case .endProgramme(let command): command.programmeId
        }
    }
}

/// The council's resolution (uchwała) as L4 requires it: number, date and official journal reference. Optional
/// and possibly blank here because they come from a form; the decider refuses a resolution missing any of them.
public struct Resolution: Hashable, Sendable {
    public var resolutionRef: String
    public var resolutionDate: LocalDate?
    public var journalRef: String

    public init(resolutionRef: String, resolutionDate: LocalDate?, journalRef: String) {
        self.resolutionRef = resolutionRef
        self.resolutionDate = resolutionDate
        self.journalRef = journalRef
    }
}

/// Records the resolution that adopted the programme; the first version is 1.
public struct AdoptProgramme: Hashable, Sendable {
    public var programmeId: ProgrammeID
    public var title: String
    public var resolution: Resolution
    /// The first and last day of the programme, inclusive.
    public var effectiveFrom: LocalDate
    public var effectiveTo: LocalDate
    public var feeRegime: FeeRegime
    public var targetGroups: [String]
    public var contentHash: String?

    public init(
        programmeId: ProgrammeID, title: String, resolution: Resolution, effectiveFrom: LocalDate,
        effectiveTo: LocalDate, feeRegime: FeeRegime, targetGroups: [String], contentHash: String? = nil
    ) {
        self.programmeId = programmeId
        self.title = title
        self.resolution = resolution
        self.effectiveFrom = effectiveFrom
        self.effectiveTo = effectiveTo
        self.feeRegime = feeRegime
        self.targetGroups = targetGroups
        self.contentHash = contentHash
    }
}

/// Adds a service to the catalogue, or redefines it after an amendment (see `ProgrammeDecider`).
public struct DefineProgrammeService: Hashable, Sendable {
    public var programmeId: ProgrammeID
    public var serviceId: String
    public var name: String
    public var area: ServiceArea
    public var statutoryBasis: String
    public var taskOwner: TaskOwner
    public var unit: ServiceUnit
    /// Optional because a form may omit it; L1 refuses a service without one.
    public var addresseeType: AddresseeType?
    public var material: Bool
    public var requiresPlan: Bool
    public var targetGroups: [String]
    public var accessCriteria: String?
    public var standardRef: String?
    public var limits: ServiceLimits
    public var feeRuleId: String?
    public var centre: CentreFacts

    public init(
        programmeId: ProgrammeID, serviceId: String, name: String, area: ServiceArea, statutoryBasis: String,
        taskOwner: TaskOwner, unit: ServiceUnit, addresseeType: AddresseeType?, material: Bool = false,
        requiresPlan: Bool, targetGroups: [String], accessCriteria: String? = nil, standardRef: String? = nil,
        limits: ServiceLimits, feeRuleId: String? = nil, centre: CentreFacts
    ) {
        self.programmeId = programmeId
        self.serviceId = serviceId
        self.name = name
        self.area = area
        self.statutoryBasis = statutoryBasis
        self.taskOwner = taskOwner
        self.unit = unit
        self.addresseeType = addresseeType
        self.material = material
        self.requiresPlan = requiresPlan
        self.targetGroups = targetGroups
        self.accessCriteria = accessCriteria
        self.standardRef = standardRef
        self.limits = limits
        self.feeRuleId = feeRuleId
        self.centre = centre
    }
}

/// Defines a fee rule, or its next version when `feeRuleId` is already known.
public struct DefineFeeRule: Hashable, Sendable {
    public var programmeId: ProgrammeID
    public var feeRuleId: String
    public var serviceIds: [String]
    /// Grosze per unit.
    public var rate: Int64
    public var incomeTiers: [IncomeTier]
    public var exemptionRules: [ExemptionRule]
    public var effectiveFrom: LocalDate
    /// The last day, inclusive; nil while the programme lasts.
    public var effectiveTo: LocalDate?

    public init(
        programmeId: ProgrammeID, feeRuleId: String, serviceIds: [String], rate: Int64, incomeTiers: [IncomeTier],
        exemptionRules: [ExemptionRule], effectiveFrom: LocalDate, effectiveTo: LocalDate? = nil
    ) {
        self.programmeId = programmeId
        self.feeRuleId = feeRuleId
        self.serviceIds = serviceIds
        self.rate = rate
        self.incomeTiers = incomeTiers
        self.exemptionRules = exemptionRules
        self.effectiveFrom = effectiveFrom
        self.effectiveTo = effectiveTo
    }
}

/// Records a gmina–county agreement (porozumienie) under which the centre carries out county tasks (L3).
public struct RecordCountyAgreement: Hashable, Sendable {
    public var programmeId: ProgrammeID
    public var agreementId: AgreementID
    public var agreementRef: String
    public var county: String
    public var serviceIds: [String]
    public var validFrom: LocalDate
    /// The last day, inclusive; nil when open-ended.
    public var validTo: LocalDate?

    public init(
        programmeId: ProgrammeID, agreementId: AgreementID, agreementRef: String, county: String,
        serviceIds: [String], validFrom: LocalDate, validTo: LocalDate? = nil
    ) {
        self.programmeId = programmeId
        self.agreementId = agreementId
        self.agreementRef = agreementRef
        self.county = county
        self.serviceIds = serviceIds
        self.validFrom = validFrom
        self.validTo = validTo
    }
}

/// Records an amending resolution: a new programme version in force from `effectiveFrom`, with the programme's
/// (possibly moved) last day `effectiveTo`.
public struct AmendProgramme: Hashable, Sendable {
    public var programmeId: ProgrammeID
    public var resolution: Resolution
    public var effectiveFrom: LocalDate
    public var effectiveTo: LocalDate
    public var changes: String
    public var reason: String
    public var centre: CentreFacts

    public init(
        programmeId: ProgrammeID, resolution: Resolution, effectiveFrom: LocalDate, effectiveTo: LocalDate,
        changes: String, reason: String, centre: CentreFacts
    ) {
        self.programmeId = programmeId
        self.resolution = resolution
        self.effectiveFrom = effectiveFrom
        self.effectiveTo = effectiveTo
        self.changes = changes
        self.reason = reason
        self.centre = centre
    }
}

/// Ends the programme by resolution or expiry; `endDate` is its last day, inclusive.
public struct EndProgramme: Hashable, Sendable {
    public var programmeId: ProgrammeID
    public var resolutionRef: String?
    public var endDate: LocalDate
    public var reason: String

    public init(programmeId: ProgrammeID, resolutionRef: String? = nil, endDate: LocalDate, reason: String) {
        self.programmeId = programmeId
        self.resolutionRef = resolutionRef
        self.endDate = endDate
        self.reason = reason
    }
}
