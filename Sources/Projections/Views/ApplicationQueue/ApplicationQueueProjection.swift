import Domain

/// ApplicationQueue / WaitingList (domain.md §5): applications per programme service in filing order (L10),
/// with their status, and per service the limits against places taken and units authorised.
public struct ApplicationQueueProjection: Projection {
    public static let name = "ApplicationQueue"
    public static let version: UInt32 = 1
    /// µs per event of a rebuild beyond the shared scan, as `cus-bench projections` measured it.
    public static let rebuildCost = 0.4
    public static let tables = ["entries", "applications", "services", "authorisations"]
    public static let eventTypes: Set<String> = [
        ProgrammeServiceDefined.eventType, ApplicationSubmitted.eventType, NeedsAssessmentConducted.eventType,
        ApplicationForwarded.eventType, QualificationGranted.eventType, ApplicantWaitlisted.eventType,
        QualificationRefused.eventType, ApplicationWithdrawn.eventType, ServiceAuthorised.eventType,
        ServiceAuthorisationChanged.eventType, ServiceAuthorisationCancelled.eventType,
    ]

    public init() {}

    public func apply(_ event: ProjectedEvent, to rows: RowBatch) throws(ProjectionError) {
        let services = try rows.table("services", of: QueueHeader.self)
        switch event.event {
        case .programmeServiceDefined(let defined):
            let key = RowKey.uuid(defined.programmeId.uuid).appending(defined.serviceId)
            try services.update(key, orInsert: { QueueHeader(maxPersons: nil, maxUnits: nil) }) { header in
                header.maxPersons = defined.limits.maxPersons
                header.maxUnits = defined.limits.maxUnitsPerPeriod
            }
        case .applicationSubmitted(let submitted):
            try enqueue(submitted, rows: rows)
        case .needsAssessmentConducted(let assessed):
            try setStatus(assessed.applicationId, rows: rows) { entry in
                if entry.status == .new || entry.status == .forwarded { entry.status = .assessed }
            }
        case .applicationForwarded(let forwarded):
            try setStatus(forwarded.applicationId, rows: rows) { entry in
                if entry.status == .new || entry.status == .assessed { entry.status = .forwarded }
            }
        case .qualificationGranted(let granted):
            try decide(granted.applicationId, programme: granted.programmeId, services: granted.serviceIds, rows: rows)
            {
                $0.status = .qualified
                $0.decidedOn = granted.validFrom
            }
        case .applicantWaitlisted(let waitlisted):
            try decide(
                waitlisted.applicationId, programme: waitlisted.programmeId, services: waitlisted.serviceIds, rows: rows
            ) { $0.status = .waitlisted }
        case .qualificationRefused(let refused):
            try decide(refused.applicationId, programme: refused.programmeId, services: nil, rows: rows) {
                $0.status = .refused
                $0.decidedOn = refused.decisionDate
            }
        case .applicationWithdrawn(let withdrawn):
            try decide(withdrawn.applicationId, programme: nil, services: nil, rows: rows) {
                $0.status = .withdrawn
                $0.decidedOn = $0.decidedOn ?? withdrawn.withdrawnOn
            }
        default:
            try applyAuthorisation(event, services: services, rows: rows)
        }
    }

    private func enqueue(_ submitted: ApplicationSubmitted, rows: RowBatch) throws(ProjectionError) {
        let services = try rows.table("services", of: QueueHeader.self)
        var slots: [QueueSlot] = []
        for programme in submitted.programmeIds {
            for service in submitted.requestedServiceIds {
                let slot = QueueSlot(programmeId: programme, serviceId: service, filedAt: submitted.filedAt)
                if try services.get(slot.serviceKey) != nil { slots.append(slot) }
            }
        }
        let entries = try rows.table("entries", of: QueueEntry.self)
        for slot in slots {
            entries.put(
                slot.entryKey(submitted.applicationId),
                QueueEntry(
                    applicationId: submitted.applicationId, personRef: submitted.personRef,
                    filedAt: submitted.filedAt, status: .new))
        }
        try rows.table("applications", of: QueuedApplication.self).put(
            .uuid(submitted.applicationId.uuid), QueuedApplication(entries: slots))
    }

    private func setStatus(_ application: ApplicationID, rows: RowBatch, _ change: (inout QueueEntry) -> Void)
        throws(ProjectionError)
    {
        try decide(application, programme: nil, services: nil, rows: rows, change)
    }

    /// Changes the application's entries (of one programme, and of some services when given), keeping each
    /// service's count of places taken in step with entries entering or leaving `qualified`.
    private func decide(
        _ application: ApplicationID, programme: ProgrammeID?, services serviceIds: [String]?, rows: RowBatch,
        _ change: (inout QueueEntry) -> Void
    ) throws(ProjectionError) {
        guard let queued = try rows.table("applications", of: QueuedApplication.self).get(.uuid(application.uuid))
        else { return }
        let entries = try rows.table("entries", of: QueueEntry.self)
        let headers = try rows.table("services", of: QueueHeader.self)
        for slot in queued.entries
        where programme.map({ $0 == slot.programmeId }) ?? true
            && serviceIds.map({ $0.contains(slot.serviceId) }) ?? true
        {
            let key = slot.entryKey(application)
            guard var entry = try entries.get(key) else { continue }
            let wasQualified = entry.status == .qualified
            change(&entry)
            entries.put(key, entry)
            let isQualified = entry.status == .qualified
            guard wasQualified != isQualified else { continue }
            try headers.update(slot.serviceKey) { header in
                guard let current = header?.currentPersons else { return }
                header?.currentPersons = isQualified ? current + 1 : current - min(current, 1)
            }
        }
    }

    private func applyAuthorisation(_ event: ProjectedEvent, services: RowTable<QueueHeader>, rows: RowBatch)
        throws(ProjectionError)
    {
        let authorisations = try rows.table("authorisations", of: AuthorisedUnits.self)
        func adjust(_ units: AuthorisedUnits, by delta: Int64) throws(ProjectionError) {
            try services.update(RowKey.uuid(units.programmeId.uuid).appending(units.serviceId)) { header in
                guard let current = header?.unitsAuthorised else { return }
                header?.unitsAuthorised = UInt64(max(0, Int64(current) + delta))
            }
        }
        switch event.event {
        case .serviceAuthorised(let authorised):
            let units = AuthorisedUnits(
                programmeId: authorised.programmeId, serviceId: authorised.serviceId, units: authorised.unitsAuthorised)
            authorisations.put(.uuid(authorised.authorisationId.uuid), units)
            try adjust(units, by: Int64(clamping: units.units))
        case .serviceAuthorisationChanged(let changed):
            guard var units = try authorisations.get(.uuid(changed.authorisationId.uuid)) else { return }
            try adjust(units, by: Int64(clamping: changed.unitsAuthorised) - Int64(clamping: units.units))
            units.units = changed.unitsAuthorised
            authorisations.put(.uuid(changed.authorisationId.uuid), units)
        case .serviceAuthorisationCancelled(let cancelled):
            guard let units = try authorisations.get(.uuid(cancelled.authorisationId.uuid)) else { return }
            try adjust(units, by: -Int64(clamping: units.units))
            authorisations.delete(.uuid(cancelled.authorisationId.uuid))
        default:
            return
        }
    }
}
