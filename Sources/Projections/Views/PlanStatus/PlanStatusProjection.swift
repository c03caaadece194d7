import Domain

/// PlanStatusView (domain.md §5): one row per IPUS with its items, built from the plan stream, the
/// application's filing date, and the authorisations and deliveries against the plan's items.
public struct PlanStatusProjection: Projection {
    public static let name = "PlanStatusView"
    /// 2: corrections read the report they name from the ledger; deliveries no longer store a row (ADR 0016).
    /// 3: units delivered per authorisation kept in the plan's item, so a delivery no longer rewrites its link.
    /// 4: a correction or reversal naming a report already corrected applies to the report in force.
    /// 5: `overDelivery` clears once the authorisation's delivered units are within those authorised again.
    /// 6: a correction that takes them past the total raises `overDelivery`, as a report over it does.
    public static let version: UInt32 = 6
    /// µs per event of a rebuild beyond the shared scan, as `cus-bench projections` measured it.
    public static let rebuildCost = 0.55
    public static let tables = ["plans", "applications", "authorisations", DeliveryTracker.supersededTable]
    public static let eventTypes: Set<String> = DeliveryTracker.eventTypes.union([
        ApplicationSubmitted.eventType, CoordinatorAssigned.eventType, CoordinatorReassigned.eventType,
        PlanDrafted.eventType, PlanAgreed.eventType, PlanApproved.eventType, PlanUpdated.eventType,
        PlanReviewed.eventType, PlanSuspended.eventType, PlanResumed.eventType, PlanCompleted.eventType,
        PlanTerminatedEarly.eventType, PlanSummaryRecorded.eventType, ServiceAuthorised.eventType,
        ServiceAuthorisationChanged.eventType, ServiceAuthorisationCancelled.eventType,
        ServiceNotDelivered.eventType,
    ])

    public init() {}

    public func apply(_ event: ProjectedEvent, to rows: RowBatch) throws(ProjectionError) {
        let plans = try rows.table("plans", of: PlanStatusRow.self)
        switch event.event {
        case .applicationSubmitted(let submitted):
            try rows.table("applications", of: LocalDate.self).put(
                .uuid(submitted.applicationId.uuid), submitted.filedAt)
        case .coordinatorAssigned(let assigned):
            try update(assigned.planId, plans) { plan throws(ProjectionError) in
                plan.coordinatorId = assigned.coordinatorId
                plan.personRef = assigned.personRef
                try link(&plan, to: assigned.applicationId, rows)
            }
        case .coordinatorReassigned(let reassigned):
            try update(reassigned.planId, plans) { $0.coordinatorId = reassigned.coordinatorId }
        case .planDrafted(let drafted):
            try update(drafted.planId, plans) { plan throws(ProjectionError) in
                plan.personRef = drafted.personRef
                plan.householdRef = drafted.householdRef
                plan.planVersion = drafted.planVersion
                plan.status = .draft
                plan.start = drafted.start
                plan.end = drafted.end
                plan.items = Self.merge(drafted.items, into: plan.items)
                try link(&plan, to: drafted.applicationId, rows)
            }
        case .planAgreed(let agreed):
            try update(agreed.planId, plans) { $0.status = .agreed }
        case .planApproved(let approved):
            try update(approved.planId, plans) { plan in
                plan.status = .active
                plan.approvedAt = approved.approvedOn
                plan.applicationFiledAt = approved.applicationFiledAt
                plan.daysToPlan = approved.daysToPlan
                plan.late = approved.late
                plan.within30Days = !approved.late
                plan.lateReasonRecorded = event.hasSealedPart
                plan.start = approved.start
                plan.end = approved.end
            }
        case .planUpdated(let updated):
            try update(updated.planId, plans) { plan in
                plan.planVersion = updated.planVersion
                plan.start = updated.start
                plan.end = updated.end
                plan.items = Self.merge(updated.items, into: plan.items)
            }
        case .planReviewed(let reviewed):
            try update(reviewed.planId, plans) { $0.lastReviewAt = reviewed.reviewedOn }
        case .planSuspended(let suspended):
            try update(suspended.planId, plans) { $0.status = .suspended }
        case .planResumed(let resumed):
            try update(resumed.planId, plans) { $0.status = .active }
        case .planCompleted(let completed):
            try update(completed.planId, plans) { plan in
                plan.status = plan.summaryRecorded ? .closed : .completed
                plan.endedOn = completed.endDate
            }
        case .planTerminatedEarly(let terminated):
            try update(terminated.planId, plans) { plan in
                plan.status = plan.summaryRecorded ? .closed : .terminatedEarly
                plan.endedOn = terminated.endDate
            }
        case .planSummaryRecorded(let summary):
            try update(summary.planId, plans) { plan in
                plan.summaryRecorded = true
                plan.goalsSet = summary.goalsSet
                if plan.status == .completed || plan.status == .terminatedEarly { plan.status = .closed }
            }
        default:
            try applyService(event, plans: plans, rows: rows)
        }
    }

    /// Authorisations and deliveries reach a plan's item through the authorisation's link to it.
    private func applyService(_ event: ProjectedEvent, plans: RowTable<PlanStatusRow>, rows: RowBatch)
        throws(ProjectionError)
    {
        let links = try rows.table("authorisations", of: PlanItemLink.self)
        switch event.event {
        case .serviceAuthorised(let authorised):
            guard let planId = authorised.planId, let itemId = authorised.planItemId else { return }
            let link = PlanItemLink(planId: planId, itemId: itemId, unitsAuthorised: authorised.unitsAuthorised)
            links.put(.uuid(authorised.authorisationId.uuid), link)
            try updateItem(link, plans) { item in
                item.unitsAuthorised += authorised.unitsAuthorised
                item.providerId = authorised.providerId
            }
        case .serviceAuthorisationChanged(let changed):
            try links.update(.uuid(changed.authorisationId.uuid)) { link throws(ProjectionError) in
                guard let old = link else { return }
                link?.unitsAuthorised = changed.unitsAuthorised
                try updateItem(old, plans, recheck: (changed.authorisationId, changed.unitsAuthorised)) { item in
                    item.unitsAuthorised =
                        item.unitsAuthorised - min(item.unitsAuthorised, old.unitsAuthorised)
                        + changed.unitsAuthorised
                }
            }
        case .serviceAuthorisationCancelled(let cancelled):
            // Nothing more can be delivered: what was authorised and not delivered is no longer authorised.
            // An over-delivery stands through a cancellation, as ComplianceAlerts' alert does: the units ordered and
            // delivered are what they were.
            try links.update(.uuid(cancelled.authorisationId.uuid)) { link throws(ProjectionError) in
                guard let old = link else { return }
                try updateItem(old, plans) { item in
                    let delivered = item.delivered(under: cancelled.authorisationId)
                    let released = old.unitsAuthorised - min(old.unitsAuthorised, delivered)
                    item.unitsAuthorised -= min(item.unitsAuthorised, released)
                    link?.unitsAuthorised = delivered
                }
            }
        case .serviceNotDelivered(let missed):
            guard let link = try links.get(.uuid(missed.authorisationId.uuid)) else { return }
            try updateItem(link, plans) { $0.unitsMissed += missed.unitsPlanned }
        default:
            if case .serviceDelivered(let delivered) = event.event, delivered.overDelivery,
                let link = try links.get(.uuid(delivered.authorisationId.uuid))
            {
                try update(link.planId, plans) { plan in
                    if !plan.overDeliveredAuthorisations.contains(delivered.authorisationId) {
                        plan.overDeliveredAuthorisations.append(delivered.authorisationId)
                    }
                }
            }
            // A correction takes back, then adds: an over-delivery is rechecked after the last change only.
            let changes = try DeliveryTracker.changes(for: event, in: rows, reports: .notKept)
            for (index, change) in changes.enumerated() {
                guard let link = try links.get(.uuid(change.authorisationId.uuid)) else { continue }
                let recheck = index == changes.count - 1 ? (change.authorisationId, link.unitsAuthorised) : nil
                try updateItem(link, plans, recheck: recheck) { item in
                    item.record(units: change.units, on: change.date, under: change.authorisationId)
                }
            }
        }
    }

    private func update(
        _ planId: PlanID, _ plans: RowTable<PlanStatusRow>,
        _ body: (inout PlanStatusRow) throws(ProjectionError) -> Void
    ) throws(ProjectionError) {
        try plans.update(.uuid(planId.uuid), orInsert: { PlanStatusRow(planId: planId) }, body)
    }

    /// Changes the item `link` serves. With `recheck`, an authorisation and the units it now authorises: flags the
    /// plan's over-delivery by that authorisation while the item's units delivered under it exceed them (a
    /// correction can take them past the total, as a report can), and clears it once they are within them.
    private func updateItem(
        _ link: PlanItemLink, _ plans: RowTable<PlanStatusRow>,
        recheck: (authorisation: AuthorisationID, unitsAuthorised: UInt64)? = nil,
        _ body: (inout PlanItemStatus) -> Void
    ) throws(ProjectionError) {
        try update(link.planId, plans) { plan in
            guard let index = plan.items.firstIndex(where: { $0.itemId == link.itemId }) else { return }
            body(&plan.items[index])
            guard let recheck else { return }
            let over = plan.items[index].delivered(under: recheck.authorisation) > recheck.unitsAuthorised
            let flagged = plan.overDeliveredAuthorisations.contains(recheck.authorisation)
            if over && !flagged { plan.overDeliveredAuthorisations.append(recheck.authorisation) }
            if !over && flagged { plan.overDeliveredAuthorisations.removeAll { $0 == recheck.authorisation } }
        }
    }

    private func link(_ plan: inout PlanStatusRow, to application: ApplicationID, _ rows: RowBatch)
        throws(ProjectionError)
    {
        plan.applicationId = application
        if plan.applicationFiledAt == nil {
            plan.applicationFiledAt = try rows.table("applications", of: LocalDate.self).get(.uuid(application.uuid))
        }
    }

    /// A new version's items, keeping what was authorised, delivered and missed on items it keeps.
    static func merge(_ items: [PlanItem], into current: [PlanItemStatus]) -> [PlanItemStatus] {
        items.map { item in
            var status = PlanItemStatus(item: item)
            if let kept = current.first(where: { $0.itemId == item.itemId }) {
                status.unitsAuthorised = kept.unitsAuthorised
                status.unitsDelivered = kept.unitsDelivered
                status.unitsMissed = kept.unitsMissed
                status.deliveryDates = kept.deliveryDates
                status.deliveredPerAuthorisation = kept.deliveredPerAuthorisation
                status.providerId = kept.providerId ?? item.preferredProviderId
            }
            return status
        }
    }
}

/// Which plan item an authorisation serves, and its units, so deliveries reach the item.
struct PlanItemLink: PayloadCodable, Hashable, Sendable {
    var planId: PlanID
    var itemId: String
    var unitsAuthorised: UInt64

    init(planId: PlanID, itemId: String, unitsAuthorised: UInt64) {
        self.planId = planId
        self.itemId = itemId
        self.unitsAuthorised = unitsAuthorised
    }

    func encode(to writer: inout PayloadWriter) {
        writer.write(planId)
        writer.write(itemId)
        writer.write(unitsAuthorised)
    }

    init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        planId = try reader.read()
        itemId = try reader.read()
        unitsAuthorised = try reader.read()
    }
}
