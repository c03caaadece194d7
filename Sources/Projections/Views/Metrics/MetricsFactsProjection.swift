import Domain
import Ledger

/// MetricsFacts (domain.md §6): per programme the facts the M&E indicators are computed from, stored as events
/// give them; everything relative to a period or a rule set is computed when read (`MetricsFactsView`).
///
/// - Deliveries: the `DeliveryTracker`'s reports, of which those not superseded (corrected values, reversals
///   out) are the facts, joined when read to their authorisation (programme, person, service) and the
///   programme's service definition (unit, area).
/// - Missed sessions (`ServiceNotDelivered`), by their authorisation.
/// - Each application's first qualification decision per programme, with the application's `filedAt`.
/// - Plans: filedAt, drafted (business day of the first draft), approved, planned start and end, the latest
///   version's unitsPlanned per service, suspensions, how and when they ended, and whether the summary is
///   recorded. The reason of an early end is sealed: the outcome dimension holds it.
/// - Refusals appealed, and the appeals' outcomes.
/// - Provider engagements for the programme's services with their capacity changes (ProviderWorkload's tables
///   and logic under the names `providerServices` and `engagements`).
/// - Fees: FeeLedgerView's own tables and logic (charges by chargePeriod with what settled them), and each
///   payment allocation and write-off dated (`settlements`), so outstanding can be taken at any day.
public struct MetricsFactsProjection: Projection {
    public static let name = "MetricsFacts"
    /// 2: authorisations' planId, plans' unitsPlanned, suspensions and summary day and goals set, settlements,
    /// appeals, engagements. 3: delivery reports inserted once, superseded ones listed apart (ADR 0016). 4: every
    /// decision kept for A6 (`decisionEvents`), an appeal counted under the programme of the refusal it contests
    /// (by `decisionRef`), a resolution closing the earliest pending appeal as the decider does. 5: a correction or
    /// reversal naming a report already corrected supersedes the report in force.
    public static let version: UInt32 = 5
    /// µs per event of a rebuild beyond the shared scan, as `cus-bench projections` measured it.
    public static let rebuildCost = 1.1
    public static let tables =
        [
            "services", "authorisations", "applications", "missed", "decisions", "plans", "waitlist", "households",
            "qualifications", "settlements", "appeals", "decisionEvents", providerServices, engagements,
            DeliveryTracker.table, DeliveryTracker.supersededTable,
        ]
        + FeeLedgerProjection.tables
    static let providerServices = "providerServices"
    static let engagements = "engagements"
    public static let eventTypes: Set<String> = DeliveryTracker.eventTypes.union(FeeLedgerProjection.eventTypes)
        .union([
            ProgrammeServiceDefined.eventType, ServiceAuthorised.eventType, ServiceAuthorisationChanged.eventType,
            ServiceAuthorisationCancelled.eventType, ServiceNotDelivered.eventType,
            ApplicationSubmitted.eventType, QualificationGranted.eventType, QualificationRefused.eventType,
            PlanDrafted.eventType, PlanApproved.eventType, PlanUpdated.eventType, PlanCompleted.eventType,
            PlanTerminatedEarly.eventType, PlanSummaryRecorded.eventType, ApplicantWaitlisted.eventType,
            WaitlistPromoted.eventType, ApplicationWithdrawn.eventType, HouseholdMembershipRecorded.eventType,
            HouseholdMembershipEnded.eventType, PlanSuspended.eventType, PlanResumed.eventType,
            RefusalAppealed.eventType, AppealResolved.eventType, ProviderEngaged.eventType,
            ProviderEngagementAmended.eventType, ProviderEngagementEnded.eventType, ProviderCapacityChanged.eventType,
        ])

    public init() {}

    public func apply(_ event: ProjectedEvent, to rows: RowBatch) throws(ProjectionError) {
        let day = event.context.occurredAt.localDate
        switch event.event {
        case .programmeServiceDefined(let defined):
            try rows.table("services", of: MetricsService.self).put(
                MetricsService.key(defined.programmeId, defined.serviceId),
                MetricsService(unit: defined.unit.rawValue, area: defined.area.rawValue))
        case .serviceAuthorised(let authorised):
            try rows.table("authorisations", of: MetricsAuthorisation.self).put(
                .uuid(authorised.authorisationId.uuid),
                MetricsAuthorisation(
                    programmeId: authorised.programmeId, personRef: authorised.personRef,
                    serviceId: authorised.serviceId, providerId: authorised.providerId,
                    unitsAuthorised: authorised.unitsAuthorised, end: authorised.end,
                    allocation: WorkloadAuthorisation.spread(
                        units: authorised.unitsAuthorised, allocation: authorised.monthlyAllocation,
                        from: authorised.start, through: authorised.end),
                    planId: authorised.planId))
        case .serviceAuthorisationChanged(let changed):
            try rows.table("authorisations", of: MetricsAuthorisation.self).update(
                .uuid(changed.authorisationId.uuid)
            ) { authorisation in
                authorisation?.unitsAuthorised = changed.unitsAuthorised
                authorisation?.end = changed.end
                authorisation?.allocation = WorkloadAuthorisation.spread(
                    units: changed.unitsAuthorised, allocation: changed.monthlyAllocation, from: changed.start,
                    through: changed.end)
            }
        case .serviceAuthorisationCancelled(let cancelled):
            // As ProviderWorkload: months beginning on or after effectiveFrom lose their allocation.
            try rows.table("authorisations", of: MetricsAuthorisation.self).update(
                .uuid(cancelled.authorisationId.uuid)
            ) { authorisation in
                guard var current = authorisation else { return }
                current.allocation = current.allocation.filter {
                    MonthSpan($0.month).map { $0.firstDay < cancelled.effectiveFrom } ?? true
                }
                current.unitsAuthorised = current.allocation.reduce(0) { $0 + $1.units }
                current.end = Swift.min(current.end, cancelled.effectiveFrom.adding(days: -1))
                authorisation = current
            }
        case .serviceNotDelivered(let missed):
            try rows.table("missed", of: MetricsMissed.self).put(
                .uuid(event.eventUUID),
                MetricsMissed(
                    authorisationId: missed.authorisationId, date: missed.date, reason: missed.reason.rawValue))
        case .applicationSubmitted(let submitted):
            try rows.table("applications", of: LocalDate.self).put(
                .uuid(submitted.applicationId.uuid), submitted.filedAt)
        case .qualificationGranted(let granted):
            try decide(granted.programmeId, granted.applicationId, granted.personRef, on: day, granted: true, rows)
            try keepDecision(granted.programmeId, granted.personRef, on: day, granted: true, at: event.position, rows)
            try leaveWaitlist(granted.applicationId, granted.programmeId, on: day, rows)
            try rows.table("qualifications", of: MetricsQualification.self).put(
                RowKey.uuid(granted.programmeId.uuid).appending(granted.qualificationId.uuid),
                MetricsQualification(
                    personRef: granted.personRef, validFrom: granted.validFrom, validTo: granted.validTo))
        case .qualificationRefused(let refused):
            try decide(
                refused.programmeId, refused.applicationId, refused.personRef, on: refused.decisionDate,
                granted: false, rows)
            try keepDecision(
                refused.programmeId, refused.personRef, on: refused.decisionDate, granted: false, at: event.position,
                rows)
            try leaveWaitlist(refused.applicationId, refused.programmeId, on: refused.decisionDate, rows)
            try appeals(refused.applicationId, rows) { row in
                row.refusals.append(.init(decisionRef: refused.decisionRef, programmeId: refused.programmeId))
            }
        case .refusalAppealed(let appealed):
            try appeals(appealed.applicationId, rows) { row in
                let refusal = row.refusals.last { $0.decisionRef == appealed.decisionRef }
                row.appeals.append(.init(appealedOn: appealed.appealedOn, programmeId: refusal?.programmeId))
            }
        case .appealResolved(let resolved):
            // AppealResolved names no refusal: the decider resolves the earliest pending appeal, and so does this.
            try appeals(resolved.applicationId, rows) { row in
                guard let index = row.appeals.firstIndex(where: { $0.resolvedOn == nil }) else { return }
                row.appeals[index].resolvedOn = resolved.resolvedOn
                row.appeals[index].outcome = resolved.outcome.rawValue
            }
        case .providerEngaged, .providerEngagementAmended, .providerEngagementEnded, .providerCapacityChanged:
            try EngagementTables(rows, services: Self.providerServices, scopes: Self.engagements).apply(event.event)
        case .applicantWaitlisted(let waitlisted):
            try rows.table("waitlist", of: MetricsWaitlist.self).update(
                .uuid(waitlisted.applicationId.uuid), orInsert: { MetricsWaitlist() }
            ) { list in
                guard !list.spells.contains(where: { $0.programmeId == waitlisted.programmeId && $0.leftOn == nil })
                else { return }
                list.spells.append(
                    MetricsWaitlist.Spell(
                        programmeId: waitlisted.programmeId, personRef: waitlisted.personRef, enteredOn: day))
            }
        case .householdMembershipRecorded(let recorded):
            try rows.table("households", of: MetricsMemberships.self).update(
                .uuid(recorded.personRef.uuid), orInsert: { MetricsMemberships() }
            ) { row in
                row.memberships.append(
                    MetricsFacts.Membership(householdRef: recorded.householdRef, validFrom: recorded.validFrom))
            }
        case .householdMembershipEnded(let ended):
            try rows.table("households", of: MetricsMemberships.self).update(.uuid(ended.personRef.uuid)) { row in
                guard var current = row,
                    let index = current.memberships.lastIndex(where: {
                        $0.householdRef == ended.householdRef && $0.validTo == nil
                    })
                else { return }
                current.memberships[index].validTo = ended.validTo
                row = current
            }
        case .waitlistPromoted(let promoted):
            try leaveWaitlist(promoted.applicationId, promoted.programmeId, on: day, rows)
        case .applicationWithdrawn(let withdrawn):
            try leaveWaitlist(withdrawn.applicationId, nil, on: withdrawn.withdrawnOn, rows)
        case .planDrafted, .planApproved, .planUpdated, .planCompleted, .planTerminatedEarly, .planSummaryRecorded,
            .planSuspended, .planResumed:
            try applyPlan(event, on: day, rows)
        case .paymentReceived(let payment):
            for (chargeId, amount) in try FeeLedgerTables(rows).receive(payment) {
                try settled(chargeId, amount, on: payment.receivedOn, event, rows)
            }
        case .chargeWrittenOff(let writtenOff):
            let amount = try FeeLedgerTables(rows).settle(
                writtenOff.chargeId, amount: writtenOff.amount, as: \.writtenOff)
            try settled(writtenOff.chargeId, amount, on: day, event, rows)
        case .feeAssessed, .feeExemptionGranted, .feeExemptionRevoked, .chargeCancelled:
            try FeeLedgerProjection().apply(event, to: rows)
        default:
            _ = try DeliveryTracker.changes(for: event, in: rows, reports: .keptAsFacts)
        }
    }

    /// Keeps the amount that settled a charge on `day` (nothing when it settled nothing).
    private func settled(
        _ chargeId: ChargeID, _ amount: Int64, on day: LocalDate, _ event: ProjectedEvent, _ rows: RowBatch
    ) throws(ProjectionError) {
        guard amount > 0 else { return }
        try rows.table("settlements", of: MetricsSettlement.self).put(
            RowKey.uuid(chargeId.uuid).appending(event.position.rawValue), MetricsSettlement(date: day, amount: amount))
    }

    private func appeals(_ application: ApplicationID, _ rows: RowBatch, _ body: (inout MetricsAppeals) -> Void)
        throws(ProjectionError)
    {
        try rows.table("appeals", of: MetricsAppeals.self).update(
            .uuid(application.uuid), orInsert: { MetricsAppeals() }, body)
    }

    /// Every decision in a programme, in ledger order, for A6's rate (a decision after a quashed refusal counts too).
    private func keepDecision(
        _ programme: ProgrammeID, _ person: PersonRef, on day: LocalDate, granted: Bool, at position: Position,
        _ rows: RowBatch
    ) throws(ProjectionError) {
        try rows.table("decisionEvents", of: MetricsDecision.self).put(
            RowKey.uuid(programme.uuid).appending(position.rawValue),
            MetricsDecision(personRef: person, filedAt: nil, decidedOn: day, granted: granted))
    }

    /// The first decision on an application in a programme (a later one, after an appeal, does not move A1).
    private func decide(
        _ programme: ProgrammeID, _ application: ApplicationID, _ person: PersonRef, on day: LocalDate, granted: Bool,
        _ rows: RowBatch
    ) throws(ProjectionError) {
        let decisions = try rows.table("decisions", of: MetricsDecision.self)
        let key = RowKey.uuid(programme.uuid).appending(application.uuid)
        guard try decisions.get(key) == nil else { return }
        let filedAt = try rows.table("applications", of: LocalDate.self).get(.uuid(application.uuid))
        decisions.put(key, MetricsDecision(personRef: person, filedAt: filedAt, decidedOn: day, granted: granted))
    }

    /// Closes the application's open waiting spell in `programme` (every programme when nil).
    private func leaveWaitlist(
        _ application: ApplicationID, _ programme: ProgrammeID?, on day: LocalDate, _ rows: RowBatch
    ) throws(ProjectionError) {
        try rows.table("waitlist", of: MetricsWaitlist.self).update(.uuid(application.uuid)) { list in
            guard var current = list else { return }
            for index in current.spells.indices
            where current.spells[index].leftOn == nil
                && (programme.map { $0 == current.spells[index].programmeId } ?? true)
            {
                current.spells[index].leftOn = day
            }
            list = current
        }
    }

    private func applyPlan(_ event: ProjectedEvent, on day: LocalDate, _ rows: RowBatch) throws(ProjectionError) {
        let plans = try rows.table("plans", of: MetricsPlan.self)
        switch event.event {
        case .planDrafted(let drafted):
            let filedAt = try rows.table("applications", of: LocalDate.self).get(.uuid(drafted.applicationId.uuid))
            try plans.update(
                .uuid(drafted.planId.uuid),
                orInsert: {
                    MetricsPlan(programmeId: drafted.programmeId, personRef: drafted.personRef, draftedOn: day)
                }
            ) { plan in
                if plan.filedAt == nil { plan.filedAt = filedAt }
                plan.start = drafted.start
                plan.end = drafted.end
                plan.supportingActivity = drafted.items.contains { $0.kind == .supportingActivity }
                plan.unitsPlanned = MetricsPlan.unitsPlanned(drafted.items)
            }
        case .planApproved(let approved):
            try plans.update(.uuid(approved.planId.uuid)) { plan in
                if plan?.approvedOn == nil { plan?.approvedOn = approved.approvedOn }
                plan?.filedAt = approved.applicationFiledAt
                plan?.start = approved.start
                plan?.end = approved.end
            }
        case .planUpdated(let updated):
            try plans.update(.uuid(updated.planId.uuid)) { plan in
                plan?.start = updated.start
                plan?.end = updated.end
                plan?.supportingActivity = updated.items.contains { $0.kind == .supportingActivity }
                plan?.unitsPlanned = MetricsPlan.unitsPlanned(updated.items)
            }
        case .planSuspended(let suspended):
            try plans.update(.uuid(suspended.planId.uuid)) { plan in
                plan?.suspensions.append(MetricsSuspension(from: suspended.from, plannedTo: suspended.to))
            }
        case .planResumed(let resumed):
            try plans.update(.uuid(resumed.planId.uuid)) { plan in
                guard let index = plan?.suspensions.lastIndex(where: { $0.resumedOn == nil }) else { return }
                plan?.suspensions[index].resumedOn = resumed.resumedOn
            }
        case .planCompleted(let completed):
            try plans.update(.uuid(completed.planId.uuid)) { plan in
                plan?.endedOn = completed.endDate
                plan?.ending = MetricsPlan.completed
            }
        case .planTerminatedEarly(let terminated):
            try plans.update(.uuid(terminated.planId.uuid)) { plan in
                plan?.endedOn = terminated.endDate
                plan?.ending = MetricsPlan.terminatedEarly
            }
        case .planSummaryRecorded(let summary):
            try plans.update(.uuid(summary.planId.uuid)) { plan in
                plan?.summaryRecorded = true
                plan?.summaryRecordedOn = summary.recordedOn
                plan?.goalsSet = summary.goalsSet
            }
        default:
            return
        }
    }
}
