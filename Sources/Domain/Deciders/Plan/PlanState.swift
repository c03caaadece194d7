/// An IPUS's clear facts as folded from `plan-<PlanID>` (domain.md §4.6): who coordinates it, which version is
/// current and agreed, when and by whom it was approved against the 30-day clock (L15), its period (L16), its
/// suspensions and how it ended. Personal parts (goals, reasons, ratings) arrive sealed, so the state keeps only
/// what the decisions and `PlanStatusView` need in the clear; the goal ids are known only when the draft was
/// folded opened.
public struct PlanState: Sendable, Hashable {
    /// The lifecycle of domain.md §5 (PlanStatusView): drafted → agreed → active (⇄ suspended) → completed or
    /// terminatedEarly → closed once the summary interview is recorded (L19).
    public enum Status: String, Sendable, Hashable, CaseIterable {
        case draft, agreed, active, suspended, completed, terminatedEarly, closed

        /// The plan has ended (completed or terminated), with or without its summary.
        public var hasEnded: Bool { self == .completed || self == .terminatedEarly || self == .closed }
    }

    /// How and when the plan was approved (L15–L17).
    public struct Approval: Sendable, Hashable {
        public var approverId: StaffID
        public var approverRole: StaffRole
        public var delegationId: DelegationID?
        public var approvedOn: LocalDate
        public var applicationFiledAt: LocalDate
        public var daysToPlan: UInt64
        public var late: Bool
    }

    /// A pause of an active plan: from its first day until the resumption day (exclusive), or through the
    /// planned last day while no resumption is recorded.
    public struct Suspension: Sendable, Hashable {
        public var from: LocalDate
        public var plannedTo: LocalDate?
        public var resumedOn: LocalDate?

        public init(from: LocalDate, plannedTo: LocalDate? = nil, resumedOn: LocalDate? = nil) {
            self.from = from
            self.plannedTo = plannedTo
            self.resumedOn = resumedOn
        }

        public func contains(_ date: LocalDate) -> Bool {
            guard from <= date else { return false }
            if let resumedOn { return date < resumedOn }
            if let plannedTo { return date <= plannedTo }
            return true
        }
    }

    public internal(set) var planId: PlanID?
    /// Nil until the plan is first drafted (a coordinator may be assigned before).
    public internal(set) var status: Status?
    /// The current version: 1 from the first draft, +1 for each redraft or update (L18).
    public internal(set) var planVersion: UInt64 = 0
    public internal(set) var coordinatorId: StaffID?
    public internal(set) var coordinatorFrom: LocalDate?
    public internal(set) var personRef: PersonRef?
    public internal(set) var householdRef: HouseholdRef?
    public internal(set) var applicationId: ApplicationID?
    public internal(set) var qualificationId: QualificationID?
    public internal(set) var programmeId: ProgrammeID?
    /// The plan's first and last day (inclusive), as of the current version.
    public internal(set) var period: ClosedRange<LocalDate>?
    /// The items of the current version, in plan order.
    public internal(set) var items: [PlanItem] = []
    /// The goal ids of the current version; nil when the draft was folded sealed.
    public internal(set) var goalIds: [String]?
    /// The version the resident (or a representative) agreed, and when.
    public internal(set) var agreedVersion: UInt64?
    public internal(set) var agreedOn: LocalDate?
    public internal(set) var approval: Approval?
    public internal(set) var lastReviewedOn: LocalDate?
    public internal(set) var suspensions: [Suspension] = []
    /// The last day of a completed or terminated plan.
    public internal(set) var endedOn: LocalDate?
    public internal(set) var summaryRecordedOn: LocalDate?

    public init() {}

    public var approvedAt: LocalDate? { approval?.approvedOn }
    public var daysToPlan: UInt64? { approval?.daysToPlan }
    public var late: Bool { approval?.late ?? false }
    public var summaryRecorded: Bool { summaryRecordedOn != nil }
    /// L16: the plan's length in months, counted as `LocalDate.months(through:)` does.
    public var durationMonths: Int? { period.map { $0.lowerBound.months(through: $0.upperBound) } }

    public func item(_ itemId: String) -> PlanItem? { items.first { $0.itemId == itemId } }

    /// Whether services under the plan may run on `date`: approved, inside the period, before any end and
    /// outside every suspension (domain.md §6.1 "active in P").
    public func isActive(on date: LocalDate) -> Bool {
        guard approval != nil, let period, period.contains(date) else { return false }
        if let endedOn, date > endedOn { return false }
        return !suspensions.contains { $0.contains(date) }
    }
}
