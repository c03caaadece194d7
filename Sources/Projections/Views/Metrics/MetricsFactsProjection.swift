import Domain

/// MetricsFacts (domain.md §6): per programme the facts the M&E indicators are computed from, stored as events
/// give them; everything relative to a period or a rule set is computed when read (`MetricsFactsView`).
///
/// - Deliveries: the `DeliveryTracker`'s reports, of which the effective ones (corrected values, reversals
///   out) are the facts, joined when read to their authorisation (programme, person, service) and the
///   programme's service definition (unit, area).
/// - Missed sessions (`ServiceNotDelivered`), by their authorisation.
/// - Each application's first qualification decision per programme, with the application's `filedAt`.
/// - Plans: filedAt, drafted (business day of the first draft), approved, planned start and end, how and when
///   they ended, and whether the summary is recorded. The reason of an early end is sealed: P4 counts it in the
///   "not available" bucket.
/// - Fees: FeeLedgerView's own tables and logic (charges by chargePeriod with what settled them).
public struct MetricsFactsProjection: Projection {
    public static let name = "MetricsFacts"
    public static let version: UInt32 = 1
    public static let tables =
        [
            "services", "authorisations", "applications", "missed", "decisions", "plans", "waitlist", "households",
            "qualifications",
            DeliveryTracker.table,
        ]
        + FeeLedgerProjection.tables
    public static let eventTypes: Set<String> = DeliveryTracker.eventTypes.union(FeeLedgerProjection.eventTypes)
        .union([
            ProgrammeServiceDefined.eventType, ServiceAuthorised.eventType, ServiceAuthorisationChanged.eventType,
            ServiceAuthorisationCancelled.eventType, ServiceNotDelivered.eventType,
            ApplicationSubmitted.eventType, QualificationGranted.eventType, QualificationRefused.eventType,
            PlanDrafted.eventType, PlanApproved.eventType, PlanUpdated.eventType, PlanCompleted.eventType,
            PlanTerminatedEarly.eventType, PlanSummaryRecorded.eventType, ApplicantWaitlisted.eventType,
            WaitlistPromoted.eventType, ApplicationWithdrawn.eventType, HouseholdMembershipRecorded.eventType,
            HouseholdMembershipEnded.eventType,
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
                        from: authorised.start, through: authorised.end)))
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
            try leaveWaitlist(granted.applicationId, granted.programmeId, on: day, rows)
            try rows.table("qualifications", of: MetricsQualification.self).put(
                RowKey.uuid(granted.programmeId.uuid).appending(granted.qualificationId.uuid),
                MetricsQualification(
                    personRef: granted.personRef, validFrom: granted.validFrom, validTo: granted.validTo))
        case .qualificationRefused(let refused):
            try decide(
                refused.programmeId, refused.applicationId, refused.personRef, on: refused.decisionDate,
                granted: false, rows)
            try leaveWaitlist(refused.applicationId, refused.programmeId, on: refused.decisionDate, rows)
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
        case .planDrafted, .planApproved, .planUpdated, .planCompleted, .planTerminatedEarly, .planSummaryRecorded:
            try applyPlan(event, on: day, rows)
        case .feeAssessed, .feeExemptionGranted, .feeExemptionRevoked, .paymentReceived, .chargeCancelled,
            .chargeWrittenOff:
            try FeeLedgerProjection().apply(event, to: rows)
        default:
            _ = try DeliveryTracker.changes(for: event, in: rows)
        }
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
            try plans.update(.uuid(summary.planId.uuid)) { $0?.summaryRecorded = true }
        default:
            return
        }
    }
}

/// A programme service's unit and area.
struct MetricsService: PayloadCodable, Hashable, Sendable {
    var unit: String
    var area: String

    init(unit: String, area: String) {
        self.unit = unit
        self.area = area
    }

    static func key(_ programme: ProgrammeID, _ service: String) -> RowKey {
        RowKey.uuid(programme.uuid).appending(service)
    }

    func encode(to writer: inout PayloadWriter) {
        writer.write(unit)
        writer.write(area)
    }

    init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        unit = try reader.read()
        area = try reader.read()
    }
}

/// Whose service an authorisation orders, in which programme, from which provider, and its units (in total and
/// per month, spread as ProviderWorkload spreads them).
struct MetricsAuthorisation: PayloadCodable, Hashable, Sendable {
    var programmeId: ProgrammeID
    var personRef: PersonRef
    var serviceId: String
    var providerId: ProviderID
    var unitsAuthorised: UInt64
    var end: LocalDate
    var allocation: [MonthlyUnits]

    init(
        programmeId: ProgrammeID, personRef: PersonRef, serviceId: String, providerId: ProviderID,
        unitsAuthorised: UInt64, end: LocalDate, allocation: [MonthlyUnits]
    ) {
        self.programmeId = programmeId
        self.personRef = personRef
        self.serviceId = serviceId
        self.providerId = providerId
        self.unitsAuthorised = unitsAuthorised
        self.end = end
        self.allocation = allocation
    }

    func encode(to writer: inout PayloadWriter) {
        writer.write(programmeId)
        writer.write(personRef)
        writer.write(serviceId)
        writer.write(providerId)
        writer.write(unitsAuthorised)
        writer.write(end)
        writer.writeArray(allocation)
    }

    init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        programmeId = try reader.read()
        personRef = try reader.read()
        serviceId = try reader.read()
        providerId = try reader.read()
        unitsAuthorised = try reader.read()
        end = try reader.read()
        allocation = try reader.readArray()
    }
}

/// A `ServiceNotDelivered` report.
struct MetricsMissed: PayloadCodable, Hashable, Sendable {
    var authorisationId: AuthorisationID
    var date: LocalDate
    var reason: String

    init(authorisationId: AuthorisationID, date: LocalDate, reason: String) {
        self.authorisationId = authorisationId
        self.date = date
        self.reason = reason
    }

    func encode(to writer: inout PayloadWriter) {
        writer.write(authorisationId)
        writer.write(date)
        writer.write(reason)
    }

    init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        authorisationId = try reader.read()
        date = try reader.read()
        reason = try reader.read()
    }
}

/// An application's first qualification decision in a programme.
struct MetricsDecision: PayloadCodable, Hashable, Sendable {
    var personRef: PersonRef
    var filedAt: LocalDate?
    var decidedOn: LocalDate
    var granted: Bool

    init(personRef: PersonRef, filedAt: LocalDate?, decidedOn: LocalDate, granted: Bool) {
        self.personRef = personRef
        self.filedAt = filedAt
        self.decidedOn = decidedOn
        self.granted = granted
    }

    func encode(to writer: inout PayloadWriter) {
        writer.write(personRef)
        writer.writeOptional(filedAt)
        writer.write(decidedOn)
        writer.write(granted)
    }

    init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        personRef = try reader.read()
        filedAt = try reader.readOptional()
        decidedOn = try reader.read()
        granted = try reader.read()
    }
}

/// An IPUS as the indicators need it.
struct MetricsPlan: PayloadCodable, Hashable, Sendable {
    static let open: UInt64 = 0
    static let completed: UInt64 = 1
    static let terminatedEarly: UInt64 = 2

    var programmeId: ProgrammeID
    var personRef: PersonRef
    var filedAt: LocalDate?
    var draftedOn: LocalDate
    var approvedOn: LocalDate?
    var start: LocalDate?
    var end: LocalDate?
    var endedOn: LocalDate?
    var ending: UInt64 = Self.open
    var summaryRecorded = false
    /// Whether the latest version has a supportingActivity item (P8).
    var supportingActivity = false

    init(programmeId: ProgrammeID, personRef: PersonRef, draftedOn: LocalDate) {
        self.programmeId = programmeId
        self.personRef = personRef
        self.draftedOn = draftedOn
    }

    func encode(to writer: inout PayloadWriter) {
        writer.write(programmeId)
        writer.write(personRef)
        writer.writeOptional(filedAt)
        writer.write(draftedOn)
        writer.writeOptional(approvedOn)
        writer.writeOptional(start)
        writer.writeOptional(end)
        writer.writeOptional(endedOn)
        writer.write(ending)
        writer.write(summaryRecorded)
        writer.write(supportingActivity)
    }

    init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        programmeId = try reader.read()
        personRef = try reader.read()
        filedAt = try reader.readOptional()
        draftedOn = try reader.read()
        approvedOn = try reader.readOptional()
        start = try reader.readOptional()
        end = try reader.readOptional()
        endedOn = try reader.readOptional()
        ending = try reader.read()
        summaryRecorded = try reader.read()
        supportingActivity = try reader.read()
    }
}

/// An application's waiting-list spells, one per programme it waited for: from ApplicantWaitlisted's business
/// date to its promotion, qualification or withdrawal (business date) or refusal (decision date).
struct MetricsWaitlist: PayloadCodable, Hashable, Sendable {
    struct Spell: PayloadCodable, Hashable, Sendable {
        var programmeId: ProgrammeID
        var personRef: PersonRef
        var enteredOn: LocalDate
        var leftOn: LocalDate?

        init(programmeId: ProgrammeID, personRef: PersonRef, enteredOn: LocalDate) {
            self.programmeId = programmeId
            self.personRef = personRef
            self.enteredOn = enteredOn
        }

        func encode(to writer: inout PayloadWriter) {
            writer.write(programmeId)
            writer.write(personRef)
            writer.write(enteredOn)
            writer.writeOptional(leftOn)
        }

        init(from reader: inout PayloadReader) throws(PayloadCodingError) {
            programmeId = try reader.read()
            personRef = try reader.read()
            enteredOn = try reader.read()
            leftOn = try reader.readOptional()
        }
    }

    var spells: [Spell] = []

    init() {}

    func encode(to writer: inout PayloadWriter) { writer.writeArray(spells) }

    init(from reader: inout PayloadReader) throws(PayloadCodingError) { spells = try reader.readArray() }
}

/// A person's household memberships, as recorded and ended.
struct MetricsMemberships: PayloadCodable, Hashable, Sendable {
    var memberships: [MetricsFacts.Membership] = []

    init() {}

    func encode(to writer: inout PayloadWriter) {
        writer.write(unsigned: UInt64(memberships.count))
        for membership in memberships {
            writer.write(membership.householdRef)
            writer.write(membership.validFrom)
            writer.writeOptional(membership.validTo)
        }
    }

    init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        let count = try reader.readUnsigned()
        for _ in 0..<count {
            var membership = MetricsFacts.Membership(householdRef: try reader.read(), validFrom: try reader.read())
            membership.validTo = try reader.readOptional()
            memberships.append(membership)
        }
    }
}

/// A granted qualification's person and validity (P1).
struct MetricsQualification: PayloadCodable, Hashable, Sendable {
    var personRef: PersonRef
    var validFrom: LocalDate
    var validTo: LocalDate?

    init(personRef: PersonRef, validFrom: LocalDate, validTo: LocalDate?) {
        self.personRef = personRef
        self.validFrom = validFrom
        self.validTo = validTo
    }

    func encode(to writer: inout PayloadWriter) {
        writer.write(personRef)
        writer.write(validFrom)
        writer.writeOptional(validTo)
    }

    init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        personRef = try reader.read()
        validFrom = try reader.read()
        validTo = try reader.readOptional()
    }
}
