/// A programme as its stream tells it, folded by `ProgrammeDecider.evolve`. Later deciders (qualification, plans,
/// providers, fees) read it to check services, limits, periods, fee rules and county agreements, so everything here
/// is public and read-only. Dates are inclusive: a programme runs from `effectiveFrom` through `lastDay`.
public struct ProgrammeState: Hashable, Sendable {
    /// One version of the programme: the adopting resolution is version 1, each amendment adds one.
    public struct Version: Hashable, Sendable {
        public let programmeVersion: UInt64
        public let resolutionRef: String
        /// The day this version takes effect.
        public let effectiveFrom: LocalDate
    }

    /// A service of the catalogue as last defined.
    public struct Service: Hashable, Sendable {
        public let definition: ProgrammeServiceDefined
        /// The programme version current when the service was last defined; a redefinition needs a later one.
        public let definedInVersion: UInt64

        public var serviceId: String { definition.serviceId }
        public var area: ServiceArea { definition.area }
        public var taskOwner: TaskOwner { definition.taskOwner }
        public var unit: ServiceUnit { definition.unit }
        public var addresseeType: AddresseeType { definition.addresseeType }
        public var requiresPlan: Bool { definition.requiresPlan }
        public var limits: ServiceLimits { definition.limits }
        public var feeRuleId: String? { definition.feeRuleId }
    }

    /// A gmina–county agreement recorded on the programme (L3).
    public struct CountyAgreement: Hashable, Sendable {
        public let agreementId: AgreementID
        public let agreementRef: String
        public let county: String
        public let serviceIds: Set<String>
        public let validFrom: LocalDate
        /// The last day, inclusive; nil when open-ended.
        public let validTo: LocalDate?

        /// Whether the agreement names `serviceId` and is valid on every day of `from ... through`.
        public func covers(serviceId: String, from: LocalDate, through: LocalDate) -> Bool {
            guard serviceIds.contains(serviceId), validFrom <= from else { return false }
            guard let validTo else { return true }
            return through <= validTo
        }
    }

    public private(set) var programmeId: ProgrammeID?
    public private(set) var title: String?
    public private(set) var feeRegime: FeeRegime?
    public private(set) var targetGroups: [String] = []
    /// The first day of the programme.
    public private(set) var effectiveFrom: LocalDate?
    /// The last day the resolutions set, inclusive; an earlier `endDate` cuts it short.
    public private(set) var effectiveTo: LocalDate?
    /// Every version in order; the last is current.
    public private(set) var versions: [Version] = []
    public private(set) var services: [String: Service] = [:]
    /// The current version of each fee rule, by `feeRuleId`.
    public private(set) var feeRules: [String: FeeRuleDefined] = [:]
    /// Every version of each fee rule, oldest first: a month is charged under the version in force for it.
    public private(set) var feeRuleVersions: [String: [FeeRuleDefined]] = [:]
    public private(set) var countyAgreements: [AgreementID: CountyAgreement] = [:]
    /// The last day of an ended programme, inclusive.
    public private(set) var endDate: LocalDate?

    public init() {}

    public var isAdopted: Bool { programmeId != nil }
    public var isEnded: Bool { endDate != nil }
    /// Adopted and not ended: commands are accepted and providers may be engaged.
    public var isActive: Bool { isAdopted && !isEnded }
    /// 0 before adoption.
    public var currentVersion: UInt64 { versions.last?.programmeVersion ?? 0 }

    /// The days the programme runs: from `effectiveFrom` through `effectiveTo`, or through `endDate` if earlier.
    /// Nil before adoption or when ended before it began.
    public var activePeriod: ClosedRange<LocalDate>? {
        guard let effectiveFrom, let effectiveTo else { return nil }
        let lastDay = endDate.map { min($0, effectiveTo) } ?? effectiveTo
        guard effectiveFrom <= lastDay else { return nil }
        return effectiveFrom...lastDay
    }

    /// The programme version in force on `date` (decision events record it), or nil outside the programme.
    public func version(inForceOn date: LocalDate) -> UInt64? {
        guard let activePeriod, activePeriod.contains(date) else { return nil }
        return versions.last { $0.effectiveFrom <= date }?.programmeVersion ?? versions.first?.programmeVersion
    }

    /// The fee rule of `serviceId`, its current version: the one the service names, else one that lists the service.
    public func feeRule(forService serviceId: String) -> FeeRuleDefined? {
        if let feeRuleId = services[serviceId]?.feeRuleId, let rule = feeRules[feeRuleId] { return rule }
        return feeRules.values.sorted { $0.feeRuleId < $1.feeRuleId }.first { $0.serviceIds.contains(serviceId) }
    }

    /// The version of `serviceId`'s fee rule that charges the month `firstDay ... lastDay`: of the versions in force
    /// on some day of it, the newest in force on its first day (a redefinition applies from its `effectiveFrom` on,
    /// never to months before), else the newest starting within the month. Nil when none is in force in the month.
    public func feeRule(forService serviceId: String, from firstDay: LocalDate, through lastDay: LocalDate)
        -> FeeRuleDefined?
    {
        guard let current = feeRule(forService: serviceId) else { return nil }
        let inMonth = (feeRuleVersions[current.feeRuleId] ?? [current]).filter {
            $0.effectiveFrom <= lastDay && ($0.effectiveTo.map { $0 >= firstDay } ?? true)
        }
        return inMonth.last { $0.effectiveFrom <= firstDay } ?? inMonth.last
    }

    /// An agreement that lets the centre carry out `serviceId` on every day of `from ... through` (L3).
    public func agreement(coveringService serviceId: String, from: LocalDate, through: LocalDate) -> CountyAgreement? {
        countyAgreements.values.sorted { $0.agreementId < $1.agreementId }
            .first { $0.covers(serviceId: serviceId, from: from, through: through) }
    }

    /// Folds one event of this programme's stream; events of other types or programmes change nothing.
    func applying(_ event: DomainEvent) -> ProgrammeState {
        var state = self
        switch event {
        case .programmeAdopted(let adopted) where programmeId == nil:
            state.programmeId = adopted.programmeId
            state.title = adopted.title
            state.feeRegime = adopted.feeRegime
            state.targetGroups = adopted.targetGroups
            state.effectiveFrom = adopted.effectiveFrom
            state.effectiveTo = adopted.effectiveTo
            state.versions = [
                Version(
                    programmeVersion: adopted.programmeVersion, resolutionRef: adopted.resolutionRef,
                    effectiveFrom: adopted.effectiveFrom)
            ]
        case .programmeServiceDefined(let defined) where defined.programmeId == programmeId:
            state.services[defined.serviceId] = Service(definition: defined, definedInVersion: currentVersion)
        case .feeRuleDefined(let defined) where defined.programmeId == programmeId:
            state.feeRules[defined.feeRuleId] = defined
            state.feeRuleVersions[defined.feeRuleId, default: []].append(defined)
        case .countyAgreementRecorded(let recorded) where recorded.programmeId == programmeId:
            state.countyAgreements[recorded.agreementId] = CountyAgreement(
                agreementId: recorded.agreementId, agreementRef: recorded.agreementRef, county: recorded.county,
                serviceIds: Set(recorded.serviceIds), validFrom: recorded.validFrom, validTo: recorded.validTo)
        case .programmeAmended(let amended) where amended.programmeId == programmeId:
            state.effectiveTo = amended.effectiveTo
            state.versions.append(
                Version(
                    programmeVersion: amended.programmeVersion, resolutionRef: amended.resolutionRef,
                    effectiveFrom: amended.effectiveFrom))
        case .programmeEnded(let ended) where ended.programmeId == programmeId:
            state.endDate = ended.endDate
        default:
            break
        }
        return state
    }
}
