/// What an authorisation needs to know about an IPUS (indywidualny plan usług społecznych): whether it is approved
/// and running, its approved period, suspensions and the units planned per item. The command layer fills it from the
/// `plan-` stream, so the authorisation decider never folds plan events itself.
public struct PlanFacts: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        /// Drafted or agreed, not yet approved.
        case notApproved
        case active
        case suspended
        /// Completed, terminated early or closed.
        case ended
    }

    /// One plan item that orders a service.
    public struct Item: Sendable, Hashable {
        public var itemId: String
        public var serviceId: String?
        public var unitsPlanned: UInt64

        public init(itemId: String, serviceId: String?, unitsPlanned: UInt64) {
            self.itemId = itemId
            self.serviceId = serviceId
            self.unitsPlanned = unitsPlanned
        }
    }

    /// A suspension from `from` through `to` (inclusive), or open-ended.
    public struct Suspension: Sendable, Hashable {
        public var from: LocalDate
        public var to: LocalDate?

        public init(from: LocalDate, to: LocalDate? = nil) {
            self.from = from
            self.to = to
        }

        public func covers(_ date: LocalDate) -> Bool { from <= date && to.map { date <= $0 } ?? true }
    }

    public var planId: PlanID
    public var status: Status
    /// The approved period, inclusive; nil before approval.
    public var period: ClosedRange<LocalDate>?
    public var items: [Item]
    public var suspensions: [Suspension]

    public init(
        planId: PlanID, status: Status, period: ClosedRange<LocalDate>?, items: [Item],
        suspensions: [Suspension] = []
    ) {
        self.planId = planId
        self.status = status
        self.period = period
        self.items = items
        self.suspensions = suspensions
    }

    public func item(_ itemId: String) -> Item? { items.first { $0.itemId == itemId } }

    /// Whether services may be delivered under the plan on `date`: approved, not ended, inside the approved period
    /// and not suspended that day (PlanSuspended "pauses authorisations", domain.md §4.6).
    public func isActive(on date: LocalDate) -> Bool {
        guard status == .active || status == .suspended, let period, period.contains(date) else { return false }
        return !suspensions.contains { $0.covers(date) }
    }
}
