/// A provider as its stream tells it, folded by `ProviderDecider.evolve`. Authorisation and workload decisions read
/// its engagements (services, period, capacity on a date) and suspensions, so everything here is public and
/// read-only. Dates are inclusive unless named `effectiveFrom` of an ending, which is the first day without.
public struct ProviderState: Hashable, Sendable {
    /// A capacity in force from a day on, until a later change.
    public struct CapacityChange: Hashable, Sendable {
        public let effectiveFrom: LocalDate
        public let capacity: Capacity
    }

    /// One engagement for services of a programme.
    public struct Engagement: Hashable, Sendable {
        public enum Status: String, Hashable, Sendable {
            case active, ended
        }

        public let engagementId: EngagementID
        public let programmeId: ProgrammeID
        public let mode: EngagementMode
        public let serviceIds: [String]
        public fileprivate(set) var unitRate: Int64
        /// The capacity engaged, for each service until a change.
        public let capacity: Capacity
        /// Changes by service, in the order recorded.
        public fileprivate(set) var capacityChanges: [String: [CapacityChange]] = [:]
        public let validFrom: LocalDate
        /// The last day, inclusive; nil while the programme runs.
        public fileprivate(set) var validTo: LocalDate?
        /// The first day the engagement no longer runs, once ended.
        public fileprivate(set) var endedFrom: LocalDate?
        public let procurementRef: String?
        public let agreementId: AgreementID?

        public var status: Status { endedFrom == nil ? .active : .ended }

        /// Whether the provider delivers under this engagement on `date`.
        public func isActive(on date: LocalDate) -> Bool {
            guard validFrom <= date else { return false }
            if let validTo, date > validTo { return false }
            if let endedFrom, date >= endedFrom { return false }
            return true
        }

        /// The capacity for `serviceId` in force on `date`, or nil if the engagement does not cover it then.
        public func capacity(forService serviceId: String, on date: LocalDate) -> Capacity? {
            guard serviceIds.contains(serviceId), isActive(on: date) else { return nil }
            // The latest change in force wins; of two from the same day, the one recorded later.
            var current: CapacityChange?
            for change in capacityChanges[serviceId] ?? [] where change.effectiveFrom <= date {
                if current.map({ $0.effectiveFrom <= change.effectiveFrom }) ?? true { current = change }
            }
            return current?.capacity ?? capacity
        }
    }

    /// A suspension from `effectiveFrom` through `until` (inclusive), or indefinite.
    public struct Suspension: Hashable, Sendable {
        public let effectiveFrom: LocalDate
        public let until: LocalDate?

        /// Whether the suspension covers any day of `from` through `through` (nil: no end).
        public func overlaps(from: LocalDate, through: LocalDate?) -> Bool {
            if let through, through < effectiveFrom { return false }
            if let until, until < from { return false }
            return true
        }
    }

    public private(set) var providerId: ProviderID?
    public private(set) var name: String?
    public private(set) var providerType: ProviderType?
    public private(set) var krs: String?
    public private(set) var regon: String?
    public private(set) var nip: String?
    public private(set) var engagements: [EngagementID: Engagement] = [:]
    public private(set) var suspensions: [Suspension] = []

    public init() {}

    public var isRegistered: Bool { providerId != nil }

    public func isSuspended(on date: LocalDate) -> Bool {
        suspensions.contains { $0.overlaps(from: date, through: date) }
    }

    /// Engagements that run on `date` and cover `serviceId`, for authorising deliveries.
    public func engagements(forService serviceId: String, on date: LocalDate) -> [Engagement] {
        engagements.values.filter { $0.serviceIds.contains(serviceId) && $0.isActive(on: date) }
            .sorted { $0.engagementId < $1.engagementId }
    }

    /// Folds one event of this provider's stream; events of other types or providers change nothing.
    func applying(_ event: DomainEvent) -> ProviderState {
        var state = self
        switch event {
        case .providerRegistered(let registered) where providerId == nil:
            state.providerId = registered.providerId
            state.name = registered.name
            state.providerType = registered.providerType
            state.krs = registered.krs
            state.regon = registered.regon
            state.nip = registered.nip
        case .providerEngaged(let engaged) where engaged.providerId == providerId:
            state.engagements[engaged.engagementId] = Engagement(
                engagementId: engaged.engagementId, programmeId: engaged.programmeId, mode: engaged.mode,
                serviceIds: engaged.serviceIds, unitRate: engaged.unitRate, capacity: engaged.capacity,
                validFrom: engaged.validFrom, validTo: engaged.validTo, procurementRef: engaged.procurementRef,
                agreementId: engaged.agreementId)
        case .providerCapacityChanged(let changed) where changed.providerId == providerId:
            let change = CapacityChange(effectiveFrom: changed.effectiveFrom, capacity: changed.capacity)
            state.engagements[changed.engagementId]?.capacityChanges[changed.serviceId, default: []].append(change)
        case .providerEngagementAmended(let amended) where amended.providerId == providerId:
            if let unitRate = amended.unitRate { state.engagements[amended.engagementId]?.unitRate = unitRate }
            if let validTo = amended.validTo { state.engagements[amended.engagementId]?.validTo = validTo }
        case .providerEngagementEnded(let ended) where ended.providerId == providerId:
            state.engagements[ended.engagementId]?.endedFrom = ended.effectiveFrom
        case .providerSuspended(let suspended) where suspended.providerId == providerId:
            state.suspensions.append(Suspension(effectiveFrom: suspended.effectiveFrom, until: suspended.until))
        default:
            break
        }
        return state
    }
}
