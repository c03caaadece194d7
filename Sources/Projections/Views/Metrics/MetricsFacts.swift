public import Domain

/// What the indicators of one programme are computed from, as at a cutoff: effective events only (corrected
/// values, reversed deliveries and cancelled charges out, domain.md §6.1), with business dates.
public struct MetricsFacts: Sendable {
    /// One effective delivery report: the corrected units and date when corrected; absent when reversed.
    public struct Delivery: Sendable, Hashable {
        public var personRef: PersonRef
        public var date: LocalDate
        public var serviceId: String
        public var unit: String
        public var area: String
        public var units: Int64
        /// The authorisation it was delivered under (D1, V2); nil in facts built by hand without one.
        public var authorisationId: AuthorisationID?

        public init(
            personRef: PersonRef, date: LocalDate, serviceId: String, unit: String, area: String, units: Int64,
            authorisationId: AuthorisationID? = nil
        ) {
            self.authorisationId = authorisationId
            self.personRef = personRef
            self.date = date
            self.serviceId = serviceId
            self.unit = unit
            self.area = area
            self.units = units
        }
    }

    /// A `ServiceNotDelivered` report.
    public struct Missed: Sendable, Hashable {
        public var date: LocalDate
        public var serviceId: String
        public var reason: String

        public init(date: LocalDate, serviceId: String, reason: String) {
            self.date = date
            self.serviceId = serviceId
            self.reason = reason
        }
    }

    /// An application's first qualification decision.
    /// Any decision on an application in the programme, first or not (A6's rate).
    public struct Ruling: Sendable, Hashable {
        public var decidedOn: LocalDate
        public var granted: Bool

        public init(decidedOn: LocalDate, granted: Bool) {
            self.decidedOn = decidedOn
            self.granted = granted
        }
    }

    /// The first decision on an application in the programme (A1).
    public struct Decision: Sendable, Hashable {
        public var personRef: PersonRef
        public var filedAt: LocalDate
        public var decidedOn: LocalDate
        public var granted: Bool

        public init(personRef: PersonRef, filedAt: LocalDate, decidedOn: LocalDate, granted: Bool) {
            self.personRef = personRef
            self.filedAt = filedAt
            self.decidedOn = decidedOn
            self.granted = granted
        }
    }

    /// How a plan ended.
    public enum PlanEnd: Sendable, Hashable {
        case completed
        case terminatedEarly(reason: String)
    }

    /// An IPUS: when its application was filed, drafted and approved, the deadline of the rule set in force at
    /// `filedAt`, whether its length was within the programme's months, how and when it ended, and whether its
    /// summary was recorded by the cutoff.
    public struct Plan: Sendable, Hashable {
        public var personRef: PersonRef
        public var filedAt: LocalDate
        public var draftedOn: LocalDate?
        public var approvedOn: LocalDate?
        /// The planned period of the latest version (an early end cuts it at `endedOn`).
        public var plannedStart: LocalDate?
        public var plannedEnd: LocalDate?
        public var deadlineDays: Int
        public var lengthWithinMonths: Bool?
        public var endedOn: LocalDate?
        public var end: PlanEnd?
        public var summaryRecorded: Bool
        /// Whether the plan has at least one supportingActivity item (P8).
        public var hasSupportingActivity: Bool
        /// The plan, so authorisations ordered under it find it (D1 c); nil in facts built by hand without one.
        public var id: PlanID?
        /// The latest version's service items' `unitsPlanned`, summed per service (D1 c).
        public var unitsPlanned: [String: Int64]
        /// Its suspensions: a suspended day is not an active one (domain.md §6.1).
        public var suspensions: [PlanState.Suspension]
        /// Its summary once recorded (O1–O3).
        public var summary: Summary?

        public init(
            personRef: PersonRef, filedAt: LocalDate, draftedOn: LocalDate? = nil, approvedOn: LocalDate? = nil,
            plannedStart: LocalDate? = nil, plannedEnd: LocalDate? = nil, deadlineDays: Int,
            lengthWithinMonths: Bool? = nil, endedOn: LocalDate? = nil, end: PlanEnd? = nil,
            summaryRecorded: Bool = false, hasSupportingActivity: Bool = false, id: PlanID? = nil,
            unitsPlanned: [String: Int64] = [:], suspensions: [PlanState.Suspension] = [], summary: Summary? = nil
        ) {
            self.summary = summary
            self.id = id
            self.unitsPlanned = unitsPlanned
            self.suspensions = suspensions
            self.personRef = personRef
            self.filedAt = filedAt
            self.draftedOn = draftedOn
            self.approvedOn = approvedOn
            self.plannedStart = plannedStart
            self.plannedEnd = plannedEnd
            self.deadlineDays = deadlineDays
            self.lengthWithinMonths = lengthWithinMonths
            self.endedOn = endedOn
            self.end = end
            self.summaryRecorded = summaryRecorded
            self.hasSupportingActivity = hasSupportingActivity
        }

        public var daysToPlan: Int64? { approvedOn.map { filedAt.days(to: $0) } }

        /// Whether the plan is active on some day of [from, to) (domain.md §6.1): approved before `to`, its
        /// period (cut at an early end) overlaps, and at least one overlapping day is not suspended.
        public func isActive(from: LocalDate, to: LocalDate) -> Bool {
            guard let approvedOn, approvedOn < to, let start = plannedStart, let end = endedOn ?? plannedEnd else {
                return false
            }
            let first = Swift.max(start, from)
            let last = Swift.min(end, to.adding(days: -1))
            guard first <= last else { return false }
            guard !suspensions.isEmpty else { return true }
            var day = first
            while day <= last {
                if !suspensions.contains(where: { $0.contains(day) }) { return true }
                day = day.adding(days: 1)
            }
            return false
        }
    }

    /// A plan's summary interview: its business day, the goals set (clear), and its ratings from the outcome
    /// dimension — nil when not available (no Vault at hand, or the person's data erased: their ratings drop
    /// out, domain.md §6.4).
    public struct Summary: Sendable, Hashable {
        public var recordedOn: LocalDate
        public var goalsSet: Int64
        public var ratings: SummaryRatings?

        public init(recordedOn: LocalDate, goalsSet: Int64, ratings: SummaryRatings? = nil) {
            self.recordedOn = recordedOn
            self.goalsSet = goalsSet
            self.ratings = ratings
        }
    }

    /// A fee charge with what settled it (amounts in grosze), by its charge period "YYYY-MM".
    public struct Charge: Sendable, Hashable {
        public var personRef: PersonRef
        public var chargePeriod: String
        public var gross: Int64
        public var exemptedPartial: Int64
        public var exemptedTotal: Int64
        public var paid: Int64
        public var cancelled: Int64
        public var writtenOff: Int64
        /// The exemption rule its exempted amount was granted under (F3 by rule); nil without an exemption.
        public var exemptionRule: String?
        /// The dated parts of `paid` and `writtenOff`, so F5 can be taken at p₁.
        public var settlements: [Settlement]

        public init(
            personRef: PersonRef, chargePeriod: String, gross: Int64, exemptedPartial: Int64 = 0,
            exemptedTotal: Int64 = 0, paid: Int64 = 0, cancelled: Int64 = 0, writtenOff: Int64 = 0,
            exemptionRule: String? = nil, settlements: [Settlement] = []
        ) {
            self.exemptionRule = exemptionRule
            self.settlements = settlements
            self.personRef = personRef
            self.chargePeriod = chargePeriod
            self.gross = gross
            self.exemptedPartial = exemptedPartial
            self.exemptedTotal = exemptedTotal
            self.paid = paid
            self.cancelled = cancelled
            self.writtenOff = writtenOff
        }

        public var exempted: Int64 { exemptedPartial + exemptedTotal }
        /// Cancelled to the last grosz of its net due: the person no longer counts as charged.
        public var cancelledInFull: Bool { gross - exempted > 0 && cancelled >= gross - exempted }

        /// Paid and written off on days before `day`.
        public func settled(before day: LocalDate) -> Int64 {
            settlements.filter { $0.date < day }.reduce(0) { $0 + $1.amount }
        }
    }

    /// An amount that settled a charge on a business day: a payment's allocation (its `receivedOn`) or a
    /// write-off (its `occurredAt` day), as much as the charge's outstanding took.
    public struct Settlement: Sendable, Hashable {
        public var date: LocalDate
        public var amount: Int64

        public init(date: LocalDate, amount: Int64) {
            self.date = date
            self.amount = amount
        }
    }

    /// An appeal against a refusal in the programme: lodged on `appealedOn`, decided on `resolvedOn` with
    /// `outcome` (upheld, quashed, remitted).
    public struct Appeal: Sendable, Hashable {
        public var appealedOn: LocalDate
        public var resolvedOn: LocalDate?
        public var outcome: String?

        public init(appealedOn: LocalDate, resolvedOn: LocalDate? = nil, outcome: String? = nil) {
            self.appealedOn = appealedOn
            self.resolvedOn = resolvedOn
            self.outcome = outcome
        }
    }

    /// A provider's engagement for one service of the programme, with its capacity changes (V1).
    public struct Engagement: Sendable, Hashable {
        public var providerId: String
        public var serviceId: String
        public var terms: EngagementTerms

        public init(providerId: String, serviceId: String, terms: EngagementTerms) {
            self.providerId = providerId
            self.serviceId = serviceId
            self.terms = terms
        }
    }

    /// A waiting-list spell in the programme; `leftOn` nil while still waiting.
    public struct Waiting: Sendable, Hashable {
        public var personRef: PersonRef
        public var enteredOn: LocalDate
        public var leftOn: LocalDate?

        public init(personRef: PersonRef, enteredOn: LocalDate, leftOn: LocalDate? = nil) {
            self.personRef = personRef
            self.enteredOn = enteredOn
            self.leftOn = leftOn
        }
    }

    /// A household membership; `validTo` is its last day, nil while it lasts.
    public struct Membership: Sendable, Hashable {
        public var householdRef: HouseholdRef
        public var validFrom: LocalDate
        public var validTo: LocalDate?

        public init(householdRef: HouseholdRef, validFrom: LocalDate, validTo: LocalDate? = nil) {
            self.householdRef = householdRef
            self.validFrom = validFrom
            self.validTo = validTo
        }

        public func covers(_ date: LocalDate) -> Bool { validFrom <= date && (validTo.map { date <= $0 } ?? true) }
    }

    /// A granted qualification's validity; `validTo` is its last day, nil when open-ended.
    public struct Qualification: Sendable, Hashable {
        public var personRef: PersonRef
        public var validFrom: LocalDate
        public var validTo: LocalDate?

        public init(personRef: PersonRef, validFrom: LocalDate, validTo: LocalDate? = nil) {
            self.personRef = personRef
            self.validFrom = validFrom
            self.validTo = validTo
        }
    }

    /// An authorisation's provider, units and monthly allocation ("YYYY-MM" → units), as last changed.
    public struct Authorisation: Sendable, Hashable {
        public var id: AuthorisationID
        public var serviceId: String
        public var providerId: String
        public var unitsAuthorised: Int64
        public var end: LocalDate
        public var allocation: [String: Int64]
        /// The plan it was ordered under; nil for a single-service qualification authorised directly.
        public var planId: PlanID?

        public init(
            id: AuthorisationID, serviceId: String, providerId: String, unitsAuthorised: Int64, end: LocalDate,
            allocation: [String: Int64], planId: PlanID? = nil
        ) {
            self.planId = planId
            self.id = id
            self.serviceId = serviceId
            self.providerId = providerId
            self.unitsAuthorised = unitsAuthorised
            self.end = end
            self.allocation = allocation
        }
    }

    public var deliveries: [Delivery]
    public var missed: [Missed]
    public var decisions: [Decision]

    /// The authorisations by id (the first of a repeated id), for looking up a delivery's.
    var authorisationsByID: [AuthorisationID: Authorisation] {
        Dictionary(authorisations.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }
    /// Every decision; nil in facts made without them, where A6's rate falls back to the first decisions.
    public var rulings: [Ruling]? = nil
    public var plans: [Plan]
    public var charges: [Charge]
    public var waiting: [Waiting]
    public var authorisations: [Authorisation]
    public var qualifications: [Qualification]
    public var appeals: [Appeal]
    public var engagements: [Engagement]
    /// Every person's household memberships (households are not per programme).
    public var memberships: [PersonRef: [Membership]]
    /// The person dimension's statistical attributes (erased persons have `erasedAt` set and nothing else).
    public var attributes: [PersonRef: StatisticalAttributes]

    /// Joins the outcome dimension's rows: an early end's reason where it is known (otherwise "not available"),
    /// and the summaries' ratings.
    public mutating func attach(outcomes: [PlanID: PlanOutcome]) {
        for index in plans.indices {
            guard let id = plans[index].id, let outcome = outcomes[id] else { continue }
            if case .terminatedEarly = plans[index].end, let reason = outcome.terminationReason {
                plans[index].end = .terminatedEarly(reason: reason.rawValue)
            }
            plans[index].summary?.ratings = outcome.ratings
        }
    }

    public init(
        deliveries: [Delivery] = [], missed: [Missed] = [], decisions: [Decision] = [], plans: [Plan] = [],
        charges: [Charge] = [], waiting: [Waiting] = [], authorisations: [Authorisation] = [],
        qualifications: [Qualification] = [], appeals: [Appeal] = [], engagements: [Engagement] = [],
        memberships: [PersonRef: [Membership]] = [:], attributes: [PersonRef: StatisticalAttributes] = [:]
    ) {
        self.deliveries = deliveries
        self.missed = missed
        self.decisions = decisions
        self.plans = plans
        self.charges = charges
        self.waiting = waiting
        self.authorisations = authorisations
        self.qualifications = qualifications
        self.appeals = appeals
        self.engagements = engagements
        self.memberships = memberships
        self.attributes = attributes
    }
}
