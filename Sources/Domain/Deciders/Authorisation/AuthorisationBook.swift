/// Every authorisation of the centre in brief, folded from `authorisation-` events: what the authorise and
/// change commands need to know beyond their own stream — the units already ordered for a plan item (Σ ≤
/// unitsPlanned, domain.md §4.7) and a provider's units per month for a service (the capacity alert). A
/// cancelled authorisation no longer counts (its delivered units stay in its own stream).
public struct AuthorisationBook: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        public var planId: PlanID?
        public var planItemId: String?
        public var providerId: ProviderID
        public var serviceId: String
        public var unitsAuthorised: UInt64
        public var byMonth: [String: UInt64]
        public var cancelled: Bool
    }

    public private(set) var entries: [AuthorisationID: Entry] = [:]

    public init() {}

    /// Units authorised for a plan item by every other live authorisation.
    public func authorisedForItem(plan: PlanID, item: String, excluding: AuthorisationID? = nil) -> UInt64 {
        entries.filter {
            $0.key != excluding && !$0.value.cancelled && $0.value.planId == plan && $0.value.planItemId == item
        }
        .reduce(0) { $0 + $1.value.unitsAuthorised }
    }

    /// A provider's units for a service per month ("YYYY-MM") across every other live authorisation.
    public func providerAuthorisedByMonth(provider: ProviderID, service: String, excluding: AuthorisationID? = nil)
        -> [String: UInt64]
    {
        var months: [String: UInt64] = [:]
        for (id, entry) in entries
        where id != excluding && !entry.cancelled && entry.providerId == provider && entry.serviceId == service {
            months.merge(entry.byMonth, uniquingKeysWith: +)
        }
        return months
    }

    public static func fold(_ events: some Sequence<DomainEvent>) -> AuthorisationBook {
        events.reduce(AuthorisationBook()) { $0.applying($1) }
    }

    public func applying(_ event: DomainEvent) -> AuthorisationBook {
        var book = self
        switch event {
        case .serviceAuthorised(let authorised):
            book.entries[authorised.authorisationId] = Entry(
                planId: authorised.planId, planItemId: authorised.planItemId, providerId: authorised.providerId,
                serviceId: authorised.serviceId, unitsAuthorised: authorised.unitsAuthorised,
                byMonth: MonthlyAllocation.spread(
                    units: authorised.unitsAuthorised, allocation: authorised.monthlyAllocation,
                    from: authorised.start, through: authorised.end),
                cancelled: false)
        case .serviceAuthorisationChanged(let changed):
            guard var entry = book.entries[changed.authorisationId] else { break }
            entry.unitsAuthorised = changed.unitsAuthorised
            entry.byMonth = MonthlyAllocation.spread(
                units: changed.unitsAuthorised, allocation: changed.monthlyAllocation, from: changed.start,
                through: changed.end)
            book.entries[changed.authorisationId] = entry
        case .serviceAuthorisationCancelled(let cancelled):
            book.entries[cancelled.authorisationId]?.cancelled = true
        default:
            break
        }
        return book
    }
}
