public import Domain
public import Ledger

/// How PlanStatusView reads: its stored rows plus the columns computed from `today` and the rule set in force
/// when the plan was approved (ledger.md §5.3: never stored, so a rebuild is byte-identical to the live view).
public enum PlanStatusView {
    public static let columns = [
        "planId", "personRef", "householdRef", "coordinatorId", "status", "planVersion", "applicationFiledAt",
        "approvedAt", "daysToPlan", "within30Days", "start", "end", "durationMonths", "durationValid", "goalsSet",
        "nextReviewDue", "lastReviewAt", "flags", "items",
    ]

    public static func rows(_ reader: RowReader, key: PlanID?, context: ViewContext) throws(ProjectionError)
        -> [ViewRow]
    {
        let stored: [PlanStatusRow]
        if let key {
            stored = try reader.get("plans", .uuid(key.uuid), as: PlanStatusRow.self).map { [$0] } ?? []
        } else {
            stored = try reader.rows("plans", as: PlanStatusRow.self).map(\.row)
        }
        return stored.map { row(for: $0, context: context) }
    }

    static func row(for plan: PlanStatusRow, context: ViewContext) -> ViewRow {
        let duration = plan.start.flatMap { start in plan.end.map { start.months(through: $0) } }
        let rules = try? context.ruleBook.ruleSet(inForceOn: plan.approvedAt ?? plan.start ?? context.today)
        let durationValid = plan.start.flatMap { start in
            plan.end.flatMap { end in rules.map { start.spans(months: $0.parameters.plan.monthsAllowed, through: end) }
            }
        }
        let open = plan.status == .active || plan.status == .suspended
        let lastDelivery = plan.items.compactMap(\.lastDeliveryAt).max()
        let flags = ViewRow([
            ("overDelivery", .bool(plan.overDelivery)),
            (
                "noDelivery14d",
                .bool(
                    plan.status == .active && plan.items.contains { $0.unitsAuthorised > 0 }
                        && (lastDelivery.map { $0.days(to: context.today) > 14 } ?? true))
            ),
            ("endingIn30d", .bool(open && plan.end.map { (0...30).contains(context.today.days(to: $0)) } == true)),
            ("summaryMissing", .bool(plan.status == .completed || plan.status == .terminatedEarly)),
            ("lateWithoutReason", .bool(plan.late && !plan.lateReasonRecorded)),
        ])
        return ViewRow([
            ("planId", .id(plan.planId)), ("personRef", .id(plan.personRef)), ("householdRef", .id(plan.householdRef)),
            ("coordinatorId", .id(plan.coordinatorId)), ("status", .string(plan.status.rawValue)),
            ("planVersion", .uint(plan.planVersion)), ("applicationFiledAt", .date(plan.applicationFiledAt)),
            ("approvedAt", .date(plan.approvedAt)), ("daysToPlan", .uint(plan.daysToPlan)),
            ("within30Days", plan.within30Days.map(ViewValue.bool) ?? .null), ("start", .date(plan.start)),
            ("end", .date(plan.end)), ("durationMonths", duration.map { .int(Int64($0)) } ?? .null),
            ("durationValid", durationValid.map(ViewValue.bool) ?? .null), ("goalsSet", .uint(plan.goalsSet)),
            // ❓ The rule set has no review interval yet (domain.md §8): no due date is invented.
            ("nextReviewDue", .null), ("lastReviewAt", .date(plan.lastReviewAt)), ("flags", .rows([flags])),
            ("items", .rows(plan.items.map(itemRow))),
        ])
    }

    static func itemRow(_ item: PlanItemStatus) -> ViewRow {
        ViewRow([
            ("itemId", .string(item.itemId)), ("kind", .string(item.kind.rawValue)),
            ("serviceId", .text(item.serviceId)),
            ("providerId", .id(item.providerId)), ("unitsPlanned", .uint(item.unitsPlanned)),
            ("unitsAuthorised", .uint(item.unitsAuthorised)), ("unitsDelivered", .uint(item.unitsDelivered)),
            ("unitsMissed", .uint(item.unitsMissed)),
            ("deliveryRatio", .ratio(item.unitsDelivered, item.unitsAuthorised)),
            ("lastDeliveryAt", .date(item.lastDeliveryAt)),
        ])
    }
}

/// What read-time columns depend on: the day they are computed for and the legal parameters.
public struct ViewContext: Sendable {
    public var today: LocalDate
    public var ruleBook: RuleBook
    /// The ledger the projections were built from, for a view that reads events from it (ResidentTimeline keeps
    /// only their positions, ADR 0025); the other views never read it.
    public var ledger: Ledger?

    public init(today: LocalDate, ruleBook: RuleBook = .defaults, ledger: Ledger? = nil) {
        self.today = today
        self.ruleBook = ruleBook
        self.ledger = ledger
    }
}
