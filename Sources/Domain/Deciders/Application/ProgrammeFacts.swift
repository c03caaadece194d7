/// What intake needs to know about one programme (program usług społecznych): whether it is in force on a date,
/// its version (recorded by decisions, domain.md §3.1) and each service's limits (L6, L10). Commands folds it from
/// the `programme-` stream and passes it in, so the application decider never reads another stream.
public struct ProgrammeFacts: Sendable, Hashable {
    public var programmeId: ProgrammeID?
    public var programmeVersion: UInt64 = 0
    public var effectiveFrom: LocalDate?
    /// The last day in force, inclusive.
    public var effectiveTo: LocalDate?
    /// The last day in force after a `ProgrammeEnded`, inclusive.
    public var endedOn: LocalDate?
    public var services: [String: ServiceFacts] = [:]

    public init() {}

    /// A service's limits and whether it is delivered only under an IPUS.
    public struct ServiceFacts: Sendable, Hashable {
        public var limits: ServiceLimits
        public var requiresPlan: Bool

        public init(limits: ServiceLimits, requiresPlan: Bool) {
            self.limits = limits
            self.requiresPlan = requiresPlan
        }
    }

    public var ended: Bool { endedOn != nil }

    public func isActive(on date: LocalDate) -> Bool {
        guard let effectiveFrom, effectiveFrom <= date else { return false }
        if let effectiveTo, date > effectiveTo { return false }
        if let endedOn, date > endedOn { return false }
        return true
    }

    public static func fold(_ events: some Sequence<DomainEvent>) -> ProgrammeFacts {
        events.reduce(ProgrammeFacts()) { $0.applying($1) }
    }

    public func applying(_ event: DomainEvent) -> ProgrammeFacts {
        var facts = self
        switch event {
        case .programmeAdopted(let adopted):
            facts.programmeId = adopted.programmeId
            facts.programmeVersion = adopted.programmeVersion
            facts.effectiveFrom = adopted.effectiveFrom
            facts.effectiveTo = adopted.effectiveTo
        case .programmeServiceDefined(let defined):
            facts.services[defined.serviceId] = ServiceFacts(limits: defined.limits, requiresPlan: defined.requiresPlan)
        case .programmeAmended(let amended):
            // The amendment is a new version from its own date; the programme still began when first adopted.
            facts.programmeVersion = amended.programmeVersion
            facts.effectiveFrom = min(facts.effectiveFrom ?? amended.effectiveFrom, amended.effectiveFrom)
            facts.effectiveTo = amended.effectiveTo
        case .programmeEnded(let ended):
            facts.endedOn = ended.endDate
        default:
            break
        }
        return facts
    }
}
