import Domain
import Foundation
import Ledger

/// ComplianceAlerts (domain.md §5): accepted but flagged facts ("Alert" enforcement), one row per alert, raised by
/// the Domain's pure `ComplianceAlert` functions so a rebuild raises the same alerts again.
///
/// **Raised by an event, stored when it applies** (`raisedAt` is the event's business date, `ruleSetVersion` the
/// one it was decided under, `alertId` is `<kind>/<subjectRef>/<position of the raising event>`):
/// - `backdatedApplication` (L15): filed earlier than recorded by more than `application.backdatingAlertDays`.
///   Stays open: the gap is a fact to review, which no later event changes.
/// - `planLate` (L15): approved after the deadline. Stays open for the same reason. Its `lateReasonRecorded`
///   parameter says whether the sealed reason exists; "late without reason" cannot be decided (the reason is
///   Hard), so it would only show there, from old or imported data.
/// - `durationOutOfRange` (L16): the plan's length at approval or update is outside `plan.monthsAllowed` of the
///   event's rule set. The decider refuses it (Hard), so only old or imported data raise it; a later update back
///   in range resolves it.
/// - `overDelivery` (§4.7): a report took the authorisation's delivered units over its total. Resolved by the
///   reversal of that report (or of the correction that carries it), or by any correction, reversal or change of
///   the authorisation after which delivered units are within the authorised total.
/// - `endedProgrammeWithOpenPlans` (§4.2): one per approved, unended plan of the ending programme that runs past
///   its last day. Resolved when the plan ends, or an update brings its end within the programme.
/// - `endedProviderWithOpenAuthorisations` (§4.3): one per authorisation of the provider (of the engagement,
///   when an engagement ended) with days on which the provider may not serve. Resolved by a cancellation or
///   change after which it has none.
/// - `coordinationWithoutPlan` (L14, threshold `plan.coordinationThresholdMonths`): checked again on every
///   authorisation, change or cancellation of the resident outside a plan; resolved when the condition clears.
///
/// **Computed when read** from stored facts for `--today` (domain.md §4.12: clocks are derived), so they appear and
/// disappear with the day and never make a rebuild differ (`alertId` is `<kind>/<subjectRef>`): see
/// `ComplianceAlertsView` for `unapprovedAfterDeadline` and `summaryMissing`.
///
/// **Not implemented**, and why:
/// - stale diagnosis (L7): `DiagnosisPublished` is a Later event, not in the catalogue yet.
/// - exemption without a rule (L24, L25): `FeeExemptionGranted.exemptionRuleId` is required and the fee decider
///   refuses a rule its programme's fee rule does not define, so events cannot carry one; checking imported
///   data against `FeeRuleDefined` comes later.
/// - coordinator without art. 30 evidence (L21): `StaffQualified` is refused without all the evidence and a
///   coordinator is assigned only while qualified, so decided events cannot carry one; the evidence itself is
///   sealed staff data. A check of imported data against `StaffQualified.evidencedRequirements` comes later.
/// - unauthorised approver (L17): the plan decider refuses an approver without the role or a delegation valid
///   on the day; checking imported data needs the delegation history (`AuthorityDelegated`/`Revoked`), later.
/// - status `acknowledged`: the catalogue has no acknowledgement event, so an alert is `open` or `resolved`.
public struct ComplianceAlertsProjection: Projection {
    public static let name = "ComplianceAlerts"
    /// 2: corrections read the report they name from the ledger; deliveries no longer store a row (ADR 0016).
    /// 3: a correction or reversal naming a report already corrected applies to the report in force, and moves or
    /// resolves its over-delivery alert. 4: a correction that takes the deliveries past the total raises one.
    /// 5: L16's minimum and L14's threshold count whole months (`LocalDate.wholeMonths`), not a last part month.
    public static let version: UInt32 = 5
    /// µs per event of a rebuild beyond the shared scan, as `cus-bench projections` measured it.
    public static let rebuildCost = 0.7
    public static let tables = [
        "alerts", "plans", "applications", "programmes", "authorisations", "providers", "coordination", "rulesets",
        DeliveryTracker.supersededTable,
    ]
    public static let eventTypes: Set<String> = DeliveryTracker.eventTypes.union([
        RuleSetPublished.eventType, ApplicationSubmitted.eventType, ApplicationWithdrawn.eventType,
        CoordinatorAssigned.eventType,
        PlanDrafted.eventType, PlanApproved.eventType, PlanUpdated.eventType, PlanCompleted.eventType,
        PlanTerminatedEarly.eventType, PlanSummaryRecorded.eventType, ProgrammeEnded.eventType,
        ServiceAuthorised.eventType, ServiceAuthorisationChanged.eventType, ServiceAuthorisationCancelled.eventType,
        ProviderEngagementEnded.eventType, ProviderSuspended.eventType,
    ])

    public init() {}

    public func apply(_ event: ProjectedEvent, to rows: RowBatch) throws(ProjectionError) {
        let alerts = try AlertBook(event: event, rows: rows)
        switch event.event {
        case .ruleSetPublished(let published):
            // The canonical content is what replay must use (domain.md §3.1); the compiled-in sets are a fallback.
            if let ruleSet = try? RuleSet.decode(json: Array(published.canonicalContent.utf8)) {
                try rows.table("rulesets", of: AlertRules.self).put(
                    RowKey(bytes: Array(ruleSet.ruleSetVersion.description.utf8)), AlertRules(ruleSet))
            }
        case .applicationSubmitted(let submitted):
            try rows.table("applications", of: AlertApplication.self).put(
                .uuid(submitted.applicationId.uuid), AlertApplication(filedAt: submitted.filedAt))
            if let rules = try alerts.rules() {
                try alerts.raise(
                    ComplianceAlert.backdatedApplication(
                        submitted, recordedOn: event.context.occurredAt.localDate,
                        alertDays: Int(rules.backdatingAlertDays)))
            }
        case .applicationWithdrawn(let withdrawn):
            try rows.table("applications", of: AlertApplication.self).update(.uuid(withdrawn.applicationId.uuid)) {
                application in
                if application?.withdrawn == nil {
                    application?.withdrawn = Milestone(date: withdrawn.withdrawnOn, eventId: event.eventUUID)
                }
            }
        case .programmeEnded(let ended):
            try applyProgrammeEnded(ended, alerts, rows)
        case .providerEngagementEnded(let ended):
            try applyProviderStop(
                .engagementEnded, provider: ended.providerId, engagement: ended.engagementId, from: ended.effectiveFrom,
                through: nil, alerts, rows)
        case .providerSuspended(let suspended):
            try applyProviderStop(
                .suspended, provider: suspended.providerId, engagement: nil, from: suspended.effectiveFrom,
                through: suspended.until, alerts, rows)
        default:
            try applyPlan(event, alerts, rows)
            try applyAuthorisation(event, alerts, rows)
        }
    }

    private func applyProgrammeEnded(_ ended: ProgrammeEnded, _ alerts: AlertBook, _ rows: RowBatch)
        throws(ProjectionError)
    {
        let plans = try rows.table("plans", of: AlertPlan.self)
        let open =
            try rows.table("programmes", of: IdentifierList<PlanID>.self).get(.uuid(ended.programmeId.uuid))?.ids ?? []
        for planId in open {
            try plans.update(.uuid(planId.uuid)) { (plan: inout AlertPlan?) throws(ProjectionError) in
                guard let current = plan, current.isOpen, current.programmeAlert == nil, let end = current.end else {
                    return
                }
                let alert = ComplianceAlert.openPlanOfEndedProgramme(
                    ended.programmeId, endDate: ended.endDate, plan: planId, planEnd: end)
                plan?.programmeAlert = try alerts.raise(alert)
                plan?.programmeEndDate = ended.endDate
            }
        }
    }

    private func applyProviderStop(
        _ stop: ComplianceAlert.ProviderStop, provider: ProviderID, engagement: EngagementID?, from: LocalDate,
        through: LocalDate?, _ alerts: AlertBook, _ rows: RowBatch
    ) throws(ProjectionError) {
        let authorisations = try rows.table("authorisations", of: AlertAuthorisation.self)
        let ids = try rows.table("providers", of: IdentifierList<AuthorisationID>.self).get(.uuid(provider.uuid))?.ids
        for id in ids ?? [] {
            try authorisations.update(.uuid(id.uuid)) { (row: inout AlertAuthorisation?) throws(ProjectionError) in
                guard let current = row, engagement == nil || current.engagementId == engagement,
                    let runs = current.runs
                else { return }
                let alert = ComplianceAlert.openAuthorisationOfEndedProvider(
                    stop, provider: provider, from: from, through: through, authorisation: id, runs: runs)
                if let alertId = try alerts.raise(alert) {
                    row?.providerStops.append(
                        ProviderStopLink(alertId: alertId, stop: stop, from: from, through: through))
                }
            }
        }
    }
}

/// The alerts table as one event sees it: raises and resolves alerts under the event's position, business date
/// and rule set.
struct AlertBook {
    /// The event's position, id and context: what an alert records of it. Not the whole event, which every
    /// event's book would copy (retaining each of its strings and arrays) and destroy.
    let position: UInt64
    let eventID: EventID
    let context: EventContext.Summary
    let rows: RowBatch
    let table: RowTable<StoredAlert>

    init(event: ProjectedEvent, rows: RowBatch) throws(ProjectionError) {
        position = event.position.rawValue
        eventID = event.eventID
        context = event.context
        self.rows = rows
        table = try rows.table("alerts", of: StoredAlert.self)
    }

    static func key(_ alertId: String) -> RowKey { RowKey(bytes: Array(alertId.utf8)) }

    var date: LocalDate { context.occurredAt.localDate }

    /// The event's own id as a Foundation UUID.
    var eventUUID: UUID { eventID.rawValue.foundationUUID }

    /// Stores `alert` as raised by this event; returns its id, or nil when there is no alert.
    @discardableResult
    func raise(_ alert: ComplianceAlert?, adding extra: [String: String] = [:]) throws(ProjectionError) -> String? {
        guard var alert else { return nil }
        alert.parameters.merge(extra) { kept, _ in kept }
        let alertId = "\(alert.kind)/\(alert.subject)/\(position)"
        table.put(
            Self.key(alertId),
            StoredAlert(
                alert, id: alertId, raisedAt: date, raisedPosition: position, ruleSetVersion: context.ruleSetVersion))
        return alertId
    }

    /// Marks `alertId` resolved by this event (an alert resolves once: the first resolving event is kept).
    func resolve(_ alertId: String?) throws(ProjectionError) {
        guard let alertId else { return }
        try table.update(Self.key(alertId)) { (alert: inout StoredAlert?) in
            guard alert?.resolvingEventId == nil else { return }
            alert?.resolvingEventId = eventUUID
            alert?.resolvedAt = date
        }
    }

    /// The parameters of the rule set the event was decided under: as published in the ledger, else compiled in;
    /// nil for a version neither knows (its checks are skipped rather than guessed).
    func rules() throws(ProjectionError) -> AlertRules? {
        let version = context.ruleSetVersion
        if let published = try rows.table("rulesets", of: AlertRules.self).get(RowKey(bytes: Array(version.utf8))) {
            return published
        }
        guard let parsed = RuleSetVersion(version), let known = try? RuleBook.defaults.ruleSet(parsed) else {
            return nil
        }
        return AlertRules(known)
    }
}
