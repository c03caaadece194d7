import Domain
import Foundation

/// How ComplianceAlerts reads: the stored alerts, plus the deadline alerts computed for `today` from the stored plan
/// facts (ledger.md §5.3: never stored), ordered by `raisedAt`, then the raising event's position (the clock's
/// alerts after the day's events), then `alertId`.
///
/// - `unapprovedAfterDeadline` (L15): more than `plan.deadlineDays` of the rule set in force at filing have passed
///   without approval. Open while the plan is neither approved nor ended and its application not withdrawn
///   (which stops the clocks, domain.md §4.5); once one of these happens, the alert shows as resolved by that
///   event if the deadline had passed first. Raised on the first day past the deadline.
/// - `summaryMissing` (L19): the plan ended before `today` without a summary interview; resolved by
///   `PlanSummaryRecorded` when that came after the end day. Raised on the day after the end.
///
/// A deadline alert appears only once `today` reaches its `raisedAt`, and its `ruleSetVersion` is the set in force
/// at filing (the deadline) or on `raisedAt` (the summary).
public enum ComplianceAlertsView {
    public static let columns = [
        "alertId", "kind", "subjectRef", "raisedAt", "rule", "ruleSetVersion", "status", "resolvingEventId",
        "resolvedAt", "parameters",
    ]

    /// `key` selects by `alertId` or by `subjectRef` (`plan-<id>`, `authorisation-<id>`, `person-<ref>`, …).
    public static func rows(_ reader: RowReader, key: String?, context: ViewContext) throws(ProjectionError)
        -> [ViewRow]
    {
        var alerts = try reader.rows("alerts", as: StoredAlert.self).map(\.row)
        for (_, plan) in try reader.rows("plans", as: AlertPlan.self) {
            let withdrawn = try plan.applicationId.flatMap { (application: ApplicationID) throws(ProjectionError) in
                try reader.get("applications", .uuid(application.uuid), as: AlertApplication.self)?.withdrawn
            }
            alerts += clockAlerts(plan, withdrawn: withdrawn, context: context)
        }
        return
            alerts
            .filter { key == nil || $0.alertId == key || $0.subjectRef == key }
            .sorted {
                ($0.raisedAt, $0.raisedPosition ?? .max, $0.alertId) < (
                    $1.raisedAt, $1.raisedPosition ?? .max, $1.alertId
                )
            }
            .map(row)
    }

    static func clockAlerts(_ plan: AlertPlan, withdrawn: Milestone?, context: ViewContext) -> [StoredAlert] {
        var alerts: [StoredAlert] = []
        if let filedAt = plan.applicationFiledAt, let ruleSet = try? context.ruleBook.ruleSet(inForceOn: filedAt) {
            let deadlineDays = ruleSet.parameters.plan.deadlineDays
            let stop = [plan.approval, plan.ended, withdrawn].compactMap { $0 }.min { $0.date < $1.date }
            let alert = ComplianceAlert.unapprovedAfterDeadline(
                plan: plan.planId, applicationFiledAt: filedAt, deadlineDays: deadlineDays,
                on: stop.map { min($0.date, context.today) } ?? context.today)
            let raisedAt = filedAt.adding(days: Int64(deadlineDays) + 1)
            alerts += clockAlert(alert, raisedAt: raisedAt, ruleSet: ruleSet, resolvedBy: stop, context: context)
        }
        if let ended = plan.ended {
            let alert = ComplianceAlert.summaryMissing(
                plan: plan.planId, endedOn: ended.date,
                on: plan.summary.map { min($0.date, context.today) } ?? context.today)
            let raisedAt = ended.date.adding(days: 1)
            let ruleSet = try? context.ruleBook.ruleSet(inForceOn: raisedAt)
            alerts += clockAlert(
                alert, raisedAt: raisedAt, ruleSet: ruleSet, resolvedBy: plan.summary, context: context)
        }
        return alerts
    }

    /// A deadline alert as of `today`: none before it is raised; resolved when the stopping event came by `today`.
    private static func clockAlert(
        _ alert: ComplianceAlert?, raisedAt: LocalDate, ruleSet: RuleSet?, resolvedBy stop: Milestone?,
        context: ViewContext
    ) -> [StoredAlert] {
        guard let alert, raisedAt <= context.today else { return [] }
        var stored = StoredAlert(
            alert, id: "\(alert.kind)/\(alert.subject)", raisedAt: raisedAt, raisedPosition: nil,
            ruleSetVersion: ruleSet?.ruleSetVersion.description)
        if let stop, stop.date <= context.today {
            stored.resolvingEventId = stop.eventId
            stored.resolvedAt = stop.date
        }
        return [stored]
    }

    static func row(_ alert: StoredAlert) -> ViewRow {
        ViewRow([
            ("alertId", .string(alert.alertId)), ("kind", .string(alert.kind)),
            ("subjectRef", .string(alert.subjectRef)), ("raisedAt", .date(alert.raisedAt)),
            ("rule", .string(alert.rule)), ("ruleSetVersion", .text(alert.ruleSetVersion)),
            ("status", .string(alert.resolvingEventId == nil ? "open" : "resolved")),
            ("resolvingEventId", .text(alert.resolvingEventId.map { $0.lowercasedText })),
            ("resolvedAt", .date(alert.resolvedAt)),
            ("parameters", .rows([ViewRow(alert.parameters.map { (column: $0.name, value: .string($0.value)) })])),
        ])
    }
}
