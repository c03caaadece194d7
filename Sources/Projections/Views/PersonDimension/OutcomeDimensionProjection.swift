public import Domain
import Ledger

/// The outcome dimension (ledger.md §4.4, ADR 0012): per plan the sealed fields O1–O3 and P4 by reason need —
/// an early end's reason, and the summary's goal results, goal attainment scaling, self-assessment and
/// satisfaction — decrypted once through the Vault's system path (`StatisticalAttributeSource`); never the
/// narrative or free-text details. `PersonalDataErased` clears the person's outcome fields for good (the
/// receipt's position is kept), so their ratings drop out (domain.md §6.4); a rebuild, where the erased key no
/// longer opens the sealed parts, gives the same rows. Only M&E reads it.
public struct OutcomeDimensionProjection: Projection {
    public static let name = "OutcomeDimension"
    public static let version: UInt32 = 1
    /// µs per event of a rebuild beyond the shared scan, as `cus projections rebuild NAME` measured it.
    public static let rebuildCost = 0.1
    public static let tables = ["plans", "persons"]
    public static let eventTypes: Set<String> = [
        PlanTerminatedEarly.eventType, PlanSummaryRecorded.eventType, PersonalDataErased.eventType,
    ]

    let source: StatisticalAttributeSource

    public init(source: StatisticalAttributeSource) { self.source = source }

    public func apply(_ event: ProjectedEvent, to rows: RowBatch) throws(ProjectionError) {
        switch event.event {
        case .planTerminatedEarly(let terminated):
            let sealed = try source.outcome(at: event.position)
            try record(terminated.planId, terminated.personRef, rows) {
                $0.terminationReason = sealed?.terminationReason
            }
        case .planSummaryRecorded(let summary):
            let sealed = try source.outcome(at: event.position)
            try record(summary.planId, summary.personRef, rows) { $0.ratings = sealed?.ratings }
        case .personalDataErased(let erased):
            guard let person = try rows.table("persons", of: OutcomePlans.self).get(.uuid(erased.personRef.uuid))
            else { return }
            let plans = try rows.table("plans", of: PlanOutcome.self)
            for plan in person.planIds {
                try plans.update(.uuid(plan.uuid)) { row in
                    row?.terminationReason = nil
                    row?.ratings = nil
                    row?.erasedAt = event.position.rawValue
                }
            }
        default:
            return
        }
    }

    /// Changes the plan's outcome row unless its person's data was erased, and lists the plan under its person.
    private func record(
        _ plan: PlanID, _ person: PersonRef, _ rows: RowBatch, _ body: (inout PlanOutcome) -> Void
    ) throws(ProjectionError) {
        try rows.table("plans", of: PlanOutcome.self).update(
            .uuid(plan.uuid), orInsert: { PlanOutcome(personRef: person) }
        ) { row in
            if row.erasedAt == nil { body(&row) }
        }
        try rows.table("persons", of: OutcomePlans.self).update(.uuid(person.uuid), orInsert: { OutcomePlans() }) {
            if !$0.planIds.contains(plan) { $0.planIds.append(plan) }
        }
    }

    /// Every plan's outcome row.
    public static func outcomes(_ reader: RowReader) throws(ProjectionError) -> [PlanID: PlanOutcome] {
        var outcomes: [PlanID: PlanOutcome] = [:]
        for (key, row) in try reader.rows("plans", as: PlanOutcome.self) {
            outcomes[PlanID(uuid: MetricsFactsView.uuid(key))] = row
        }
        return outcomes
    }
}

/// One plan's sealed outcome fields (statistical only), or the erasure receipt's position once they are gone.
public struct PlanOutcome: PayloadCodable, Hashable, Sendable {
    /// What the system path keeps of one sealed part.
    public struct Sealed: Sendable, Hashable {
        public var terminationReason: PlanEndReason?
        public var ratings: SummaryRatings?

        public init(terminationReason: PlanEndReason? = nil, ratings: SummaryRatings? = nil) {
            self.terminationReason = terminationReason
            self.ratings = ratings
        }
    }

    public var personRef: PersonRef
    public var terminationReason: PlanEndReason?
    public var ratings: SummaryRatings?
    public var erasedAt: UInt64?

    public init(
        personRef: PersonRef, terminationReason: PlanEndReason? = nil, ratings: SummaryRatings? = nil,
        erasedAt: UInt64? = nil
    ) {
        self.personRef = personRef
        self.terminationReason = terminationReason
        self.ratings = ratings
        self.erasedAt = erasedAt
    }

    public func encode(to writer: inout PayloadWriter) {
        writer.write(personRef)
        writer.writeOptional(terminationReason)
        writer.writeOptional(ratings)
        writer.writeOptional(erasedAt)
    }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        personRef = try reader.read()
        terminationReason = try reader.readOptional()
        ratings = try reader.readOptional()
        erasedAt = try reader.readOptional()
    }
}

/// A summary's results as O1–O3 count them: goals by result, the goal attainment scaling scores given (−2…+2),
/// self-assessment and satisfaction (1–5).
public struct SummaryRatings: PayloadCodable, Hashable, Sendable {
    public var achieved: UInt64
    public var partly: UInt64
    public var notAchieved: UInt64
    public var attainmentScales: [Int64]
    public var selfAssessment: UInt64
    public var satisfaction: UInt64

    public init(
        achieved: UInt64, partly: UInt64, notAchieved: UInt64 = 0, attainmentScales: [Int64] = [],
        selfAssessment: UInt64, satisfaction: UInt64
    ) {
        self.achieved = achieved
        self.partly = partly
        self.notAchieved = notAchieved
        self.attainmentScales = attainmentScales
        self.selfAssessment = selfAssessment
        self.satisfaction = satisfaction
    }

    init(_ personal: PlanSummaryRecorded.Personal) {
        let results = personal.goalAttainment.map(\.result)
        self.init(
            achieved: UInt64(results.filter { $0 == .achieved }.count),
            partly: UInt64(results.filter { $0 == .partly }.count),
            notAchieved: UInt64(results.filter { $0 == .notAchieved }.count),
            attainmentScales: personal.goalAttainment.compactMap(\.attainmentScale),
            selfAssessment: personal.selfAssessment, satisfaction: personal.satisfaction)
    }

    public func encode(to writer: inout PayloadWriter) {
        writer.write(achieved)
        writer.write(partly)
        writer.write(notAchieved)
        writer.writeArray(attainmentScales)
        writer.write(selfAssessment)
        writer.write(satisfaction)
    }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        achieved = try reader.read()
        partly = try reader.read()
        notAchieved = try reader.read()
        attainmentScales = try reader.readArray()
        selfAssessment = try reader.read()
        satisfaction = try reader.read()
    }
}

/// The plans a person's outcome rows belong to, so an erasure receipt finds them.
struct OutcomePlans: PayloadCodable, Hashable, Sendable {
    var planIds: [PlanID] = []

    init() {}

    func encode(to writer: inout PayloadWriter) { writer.writeArray(planIds) }

    init(from reader: inout PayloadReader) throws(PayloadCodingError) { planIds = try reader.readArray() }
}
