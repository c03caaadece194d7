import Domain
import Foundation

/// ProviderWorkload (domain.md §5, §6.2 V1–V2): per provider, service and calendar month the units authorised
/// (each authorisation spread over months by `MonthlyAllocation.spread`, the domain's own spreading), delivered
/// and missed, the persons served, the wait from an authorisation decision to its first effective delivery, and
/// over-deliveries; beside them each provider service's engagement terms and each programme service's waiting
/// list, joined when read.
///
/// - A change of an authorisation replaces its allocation; a cancellation takes back the allocation of the
///   months that begin on or after its `effectiveFrom` (a month it falls in keeps what was ordered for it).
/// - Corrections move delivered units to the corrected date's month, reversals take them back
///   (`DeliveryTracker`); an over-delivery counts while its report is in force, in its month.
/// - A waiting spell runs from ApplicantWaitlisted's business date (`occurredAt`) to the day the application leaves
///   the list: the business date of its promotion or qualification, the refusal's decision date, or the date it
///   was withdrawn.
public struct ProviderWorkloadProjection: Projection {
    public static let name = "ProviderWorkload"
    /// 3: corrections read the report they name from the ledger; deliveries no longer store a row (ADR 0016).
    /// 4: a correction or reversal naming a report already corrected applies to the report in force, and moves its
    /// over-delivery mark.
    public static let version: UInt32 = 4
    /// µs per event of a rebuild beyond the shared scan, as `cus-bench projections` measured it.
    public static let rebuildCost = 0.9
    public static let tables = [
        "months", "services", "engagements", "authorisations", "overDeliveries", "waiting", "waitlisted",
        DeliveryTracker.supersededTable,
    ]
    public static let eventTypes: Set<String> = DeliveryTracker.eventTypes.union([
        ProviderEngaged.eventType, ProviderEngagementAmended.eventType, ProviderEngagementEnded.eventType,
        ProviderCapacityChanged.eventType, ServiceAuthorised.eventType, ServiceAuthorisationChanged.eventType,
        ServiceAuthorisationCancelled.eventType, ServiceNotDelivered.eventType, ApplicantWaitlisted.eventType,
        WaitlistPromoted.eventType, QualificationGranted.eventType, QualificationRefused.eventType,
        ApplicationWithdrawn.eventType,
    ])

    public init() {}

    public func apply(_ event: ProjectedEvent, to rows: RowBatch) throws(ProjectionError) {
        switch event.event {
        case .providerEngaged, .providerEngagementAmended, .providerEngagementEnded, .providerCapacityChanged:
            try EngagementTables(rows).apply(event.event)
        case .applicantWaitlisted, .waitlistPromoted, .qualificationGranted, .qualificationRefused,
            .applicationWithdrawn:
            try applyWaitingList(event, rows: rows)
        default:
            try applyAuthorisation(event, rows: rows)
        }
    }

    private func applyAuthorisation(_ event: ProjectedEvent, rows: RowBatch) throws(ProjectionError) {
        let workload = try WorkloadTables(rows)
        switch event.event {
        case .serviceAuthorised(let authorised):
            try workload.authorise(authorised, on: event.context.occurredAt.localDate)
        case .serviceAuthorisationChanged(let changed):
            let allocation = WorkloadAuthorisation.spread(
                units: changed.unitsAuthorised, allocation: changed.monthlyAllocation, from: changed.start,
                through: changed.end)
            try workload.update(changed.authorisationId) { work throws(ProjectionError) in
                try workload.reallocate(&work, to: allocation)
            }
        case .serviceAuthorisationCancelled(let cancelled):
            try workload.update(cancelled.authorisationId) { work throws(ProjectionError) in
                let kept = work.allocation.filter {
                    MonthSpan($0.month).map { $0.firstDay < cancelled.effectiveFrom } ?? true
                }
                try workload.reallocate(&work, to: kept)
            }
        case .serviceNotDelivered(let missed):
            guard let work = try workload.authorisations.get(.uuid(missed.authorisationId.uuid)) else { return }
            try workload.updateMonth(work, MonthlyAllocation.month(of: missed.date)) {
                $0.unitsMissed += missed.unitsPlanned
            }
        default:
            let changes = try DeliveryTracker.changes(for: event, in: rows, reports: .notKept)
            for change in changes { try workload.record(change) }
            try workload.countOverDelivery(event, replacing: changes.replacedReport)
        }
    }

    private func applyWaitingList(_ event: ProjectedEvent, rows: RowBatch) throws(ProjectionError) {
        let waiting = try WaitingListTables(rows)
        let day = event.context.occurredAt.localDate
        switch event.event {
        case .applicantWaitlisted(let waitlisted):
            try waiting.enter(waitlisted, on: day)
        case .waitlistPromoted(let promoted):
            try waiting.leave(
                promoted.applicationId, programme: promoted.programmeId, services: promoted.serviceIds, on: day)
        case .qualificationGranted(let granted):
            try waiting.leave(
                granted.applicationId, programme: granted.programmeId, services: granted.serviceIds, on: day)
        case .qualificationRefused(let refused):
            try waiting.leave(refused.applicationId, programme: refused.programmeId, on: refused.decisionDate)
        case .applicationWithdrawn(let withdrawn):
            try waiting.leave(withdrawn.applicationId, on: withdrawn.withdrawnOn)
        default:
            return
        }
    }
}

/// Engagement terms per provider service, and which services each engagement covers.
struct EngagementTables {
    let services: RowTable<WorkloadService>
    let scopes: RowTable<EngagementScope>

    /// Over `services` (terms per provider service) and `scopes` (each engagement's services): MetricsFacts
    /// keeps the same tables under its own names.
    init(_ rows: RowBatch, services: String = "services", scopes: String = "engagements") throws(ProjectionError) {
        self.services = try rows.table(services)
        self.scopes = try rows.table(scopes)
    }

    /// Applies an engagement event: engaged, amended (a new end), ended, or a service's capacity changed.
    func apply(_ event: DomainEvent) throws(ProjectionError) {
        switch event {
        case .providerEngaged(let engaged):
            try engage(engaged)
        case .providerEngagementAmended(let amended):
            guard let validTo = amended.validTo else { return }
            try update(amended.engagementId) { $0.validTo = validTo }
        case .providerEngagementEnded(let ended):
            try update(ended.engagementId) { $0.endedFrom = ended.effectiveFrom }
        case .providerCapacityChanged(let changed):
            let change = EngagementCapacityChange(effectiveFrom: changed.effectiveFrom, capacity: changed.capacity)
            try update(changed.engagementId, service: changed.serviceId) { $0.capacityChanges.append(change) }
        default:
            return
        }
    }

    func engage(_ engaged: ProviderEngaged) throws(ProjectionError) {
        scopes.put(
            .uuid(engaged.engagementId.uuid),
            EngagementScope(providerId: engaged.providerId, serviceIds: engaged.serviceIds))
        let terms = EngagementTerms(engaged)
        for serviceId in engaged.serviceIds {
            try services.update(WorkloadService.key(engaged.providerId, serviceId), orInsert: WorkloadService.init) {
                $0.engagements.removeAll { $0.engagementId == engaged.engagementId }
                $0.engagements.append(terms)
            }
        }
    }

    /// Changes the engagement's terms for every service it covers, or for `service` alone.
    func update(_ engagementId: EngagementID, service: String? = nil, _ body: (inout EngagementTerms) -> Void)
        throws(ProjectionError)
    {
        guard let scope = try scopes.get(.uuid(engagementId.uuid)) else { return }
        for serviceId in scope.serviceIds where service.map({ $0 == serviceId }) ?? true {
            try services.update(WorkloadService.key(scope.providerId, serviceId)) { stored in
                guard var service = stored,
                    let index = service.engagements.firstIndex(where: { $0.engagementId == engagementId })
                else { return }
                body(&service.engagements[index])
                stored = service
            }
        }
    }
}

/// The month rows and the authorisations feeding them.
struct WorkloadTables {
    let months: RowTable<WorkloadMonthRow>
    let authorisations: RowTable<WorkloadAuthorisation>
    let overDeliveries: RowTable<LocalDate>

    init(_ rows: RowBatch) throws(ProjectionError) {
        months = try rows.table("months")
        authorisations = try rows.table("authorisations")
        overDeliveries = try rows.table("overDeliveries")
    }

    func authorise(_ authorised: ServiceAuthorised, on day: LocalDate) throws(ProjectionError) {
        let key = RowKey.uuid(authorised.authorisationId.uuid)
        guard try authorisations.get(key) == nil else { return }
        var work = WorkloadAuthorisation(authorised, on: day)
        try reallocate(
            &work,
            to: WorkloadAuthorisation.spread(
                units: authorised.unitsAuthorised, allocation: authorised.monthlyAllocation, from: authorised.start,
                through: authorised.end))
        authorisations.put(key, work)
    }

    /// Changes an authorisation, keeping the first-delivery wait of its month row in step with its first
    /// effective delivery.
    func update(_ id: AuthorisationID, _ body: (inout WorkloadAuthorisation) throws(ProjectionError) -> Void)
        throws(ProjectionError)
    {
        var moved: (first: LocalDate?, after: WorkloadAuthorisation)?
        try authorisations.update(.uuid(id.uuid)) { (stored: inout WorkloadAuthorisation?) throws(ProjectionError) in
            // Moved out of the cache while `body` runs, so its arrays change in place instead of being copied, and
            // moved back (not copied) after.
            guard var work = stored.take() else { return }
            let before = work.firstDelivery
            do throws(ProjectionError) { try body(&work) } catch {
                stored = consume work
                throw error
            }
            if before != work.firstDelivery { moved = (before, work) }
            stored = consume work
        }
        guard let moved else { return }
        try countFirstDelivery(of: moved.after, first: moved.first, by: -1)
        try countFirstDelivery(of: moved.after, first: moved.after.firstDelivery, by: 1)
    }

    /// Replaces the authorisation's month allocation, moving units between its month rows.
    func reallocate(_ work: inout WorkloadAuthorisation, to allocation: [MonthlyUnits]) throws(ProjectionError) {
        for (units, sign) in [(work.allocation, Int64(-1)), (allocation, 1)] {
            for month in units {
                try updateMonth(work, month.month) {
                    $0.unitsAuthorised = $0.unitsAuthorised.adding(sign * Int64(clamping: month.units))
                }
            }
        }
        work.allocation = allocation
    }

    /// Units delivered (or taken back) on a date: the month's total and person, and the authorisation's dates.
    func record(_ change: DeliveryTracker.Change) throws(ProjectionError) {
        try update(change.authorisationId) { work throws(ProjectionError) in
            work.deliveries.tally(change.units, for: change.date)
            try updateMonth(work, MonthlyAllocation.month(of: change.date)) { row in
                row.unitsDelivered = row.unitsDelivered.adding(change.units)
                row.persons.tally(change.units, for: work.personRef)
            }
        }
    }

    /// Counts (or with -1 takes back) a first delivery on `first` in the month row of `work`'s provider
    /// service, waited for since the authorisation decision.
    private func countFirstDelivery(of work: WorkloadAuthorisation, first: LocalDate?, by sign: Int64)
        throws(ProjectionError)
    {
        guard let first else { return }
        let days = max(0, work.authorisedOn.days(to: first))
        try updateMonth(work, MonthlyAllocation.month(of: first)) { row in
            row.firstDeliveryDays = row.firstDeliveryDays.adding(sign * days)
            row.firstDeliveries = row.firstDeliveries.adding(sign)
        }
    }

    /// An over-delivery counts in the month of its report while the report is in force: a correction moves it
    /// with the corrected date, a reversal takes it back. `replaced` is the report in force that a correction or
    /// reversal replaced (`DeliveryTracker.Changes.replacedReport`), which may not be the one it names.
    func countOverDelivery(_ event: ProjectedEvent, replacing replaced: UUID?) throws(ProjectionError) {
        guard let move = try overDeliveryMove(event, replacing: replaced),
            let work = try authorisations.get(.uuid(move.authorisationId.uuid))
        else { return }
        for (date, sign) in [(move.from, Int64(-1)), (move.to, 1)] {
            guard let date else { continue }
            try updateMonth(work, MonthlyAllocation.month(of: date)) {
                $0.overDeliveryCount = $0.overDeliveryCount.adding(sign)
            }
        }
        if let date = move.to { overDeliveries.put(.uuid(event.eventUUID), date) }
    }

    /// Where an over-delivery's count moves: from the date of the report it replaces (if it was marked) to its
    /// own date (unless reversed). Marks are kept under the event id of the report in force.
    private func overDeliveryMove(_ event: ProjectedEvent, replacing replaced: UUID?) throws(ProjectionError)
        -> (authorisationId: AuthorisationID, from: LocalDate?, to: LocalDate?)?
    {
        switch event.event {
        case .serviceDelivered(let delivered) where delivered.overDelivery:
            return (delivered.authorisationId, nil, delivered.deliveredOn)
        case .deliveryCorrected(let correction):
            guard let replaced, let marked = try unmark(replaced) else { return nil }
            return (correction.authorisationId, marked, correction.deliveredOn)
        case .deliveryReversed(let reversal):
            guard let replaced, let marked = try unmark(replaced) else { return nil }
            return (reversal.authorisationId, marked, nil)
        default:
            return nil
        }
    }

    private func unmark(_ eventId: UUID) throws(ProjectionError) -> LocalDate? {
        guard let marked = try overDeliveries.get(.uuid(eventId)) else { return nil }
        overDeliveries.delete(.uuid(eventId))
        return marked
    }

    /// Changes the authorisation's provider service row for `month`; a row left with nothing counted goes.
    func updateMonth(_ work: WorkloadAuthorisation, _ month: String, _ body: (inout WorkloadMonthRow) -> Void)
        throws(ProjectionError)
    {
        try months.update(work.monthKey(month)) { stored in
            var row =
                stored ?? WorkloadMonthRow(providerId: work.providerId, serviceId: work.serviceId, month: month)
            stored = nil  // moved out of the cache, so the row's person list changes in place
            body(&row)
            stored = row.isEmpty ? nil : row
        }
    }
}

/// Waiting spells per programme service and application, and each application's waiting-list services.
struct WaitingListTables {
    let spells: RowTable<WaitingSpell>
    let applications: RowTable<WaitingApplication>

    init(_ rows: RowBatch) throws(ProjectionError) {
        spells = try rows.table("waiting")
        applications = try rows.table("waitlisted")
    }

    func enter(_ waitlisted: ApplicantWaitlisted, on day: LocalDate) throws(ProjectionError) {
        let slots = waitlisted.serviceIds.map { WaitingSlot(programmeId: waitlisted.programmeId, serviceId: $0) }
        for slot in slots {
            try spells.update(slot.key(waitlisted.applicationId)) { spell in
                // A spell still open keeps the day it began; a new one starts after an earlier one ended.
                let waiting = spell.map { $0.until == nil } ?? false
                if !waiting { spell = WaitingSpell(personRef: waitlisted.personRef, since: day) }
            }
        }
        try applications.update(.uuid(waitlisted.applicationId.uuid), orInsert: WaitingApplication.init) {
            application in
            application.slots += slots.filter { !application.slots.contains($0) }
        }
    }

    /// Ends the application's open spells (of one programme, and of some services, when given) on `day`.
    func leave(
        _ applicationId: ApplicationID, programme: ProgrammeID? = nil, services: [String]? = nil, on day: LocalDate
    ) throws(ProjectionError) {
        guard let application = try applications.get(.uuid(applicationId.uuid)) else { return }
        for slot in application.slots
        where programme.map({ $0 == slot.programmeId }) ?? true && services.map({ $0.contains(slot.serviceId) }) ?? true
        {
            try spells.update(slot.key(applicationId)) { spell in
                if spell?.until == nil { spell?.until = day }
            }
        }
    }
}
