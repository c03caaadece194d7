/// The filing order of one programme (L10, kolejność zgłoszeń): every application that asked for it, who holds a
/// place in each service, and who waits. Qualification needs no administrative decision, only this order within
/// the programme's limits, so Commands folds it from a category read of `application-` and hands it to the
/// decider. Order is `filedAt`, then ledger position, since two applications filed the same day are served in
/// the order they were recorded.
public struct QualificationQueue: Sendable, Hashable {
    public var programmeId: ProgrammeID
    public var applications: [ApplicationID: Entry] = [:]
    /// Applications holding a place, per service, with the person qualified.
    public var placesHeld: [String: [ApplicationID: PersonRef]] = [:]
    /// Waitlisted applications per service (unordered; `waitlist(for:)` orders them).
    public var waiting: [String: Set<ApplicationID>] = [:]

    /// Applications with an outcome for this programme (granted, waitlisted, refused) or withdrawn.
    public var decided: Set<ApplicationID> = []

    public init(programmeId: ProgrammeID) { self.programmeId = programmeId }

    /// One application's place in the filing order.
    public struct Entry: Sendable, Hashable {
        public var applicationId: ApplicationID
        public var personRef: PersonRef
        public var filedAt: LocalDate
        public var position: UInt64
        public var requestedServiceIds: [String]

        /// Filing order: earlier `filedAt` first, then earlier ledger position.
        public func isFiled(before other: Entry) -> Bool {
            (filedAt, position) < (other.filedAt, other.position)
        }
    }

    /// Distinct persons holding a place in `serviceId`, measured against `maxPersons`.
    public func qualifiedPersons(_ serviceId: String) -> Int {
        Set(placesHeld[serviceId, default: [:]].values).count
    }

    /// The waiting list of a service in filing order.
    public func waitlist(for serviceId: String) -> [Entry] {
        waiting[serviceId, default: []].compactMap { applications[$0] }.sorted { $0.isFiled(before: $1) }
    }

    /// 1-based rank of an application among all applications of the programme in filing order.
    public func rank(of applicationId: ApplicationID) -> UInt64? {
        guard let entry = applications[applicationId] else { return nil }
        return UInt64(applications.values.filter { $0.isFiled(before: entry) }.count + 1)
    }

    /// Applications for `serviceId` filed before `applicationId` that have no outcome yet, in filing order: each
    /// keeps a claim on a place until it is decided (L10, filing order).
    public func earlierUndecided(for serviceId: String, than applicationId: ApplicationID) -> [Entry] {
        guard let entry = applications[applicationId] else { return [] }
        return applications.values.filter {
            $0.applicationId != applicationId && !decided.contains($0.applicationId)
                && $0.requestedServiceIds.contains(serviceId) && $0.isFiled(before: entry)
        }.sorted { $0.isFiled(before: $1) }
    }

    /// The earliest waiting application for `serviceId` filed before `applicationId`, if any.
    public func earlierWaiting(for serviceId: String, than applicationId: ApplicationID) -> Entry? {
        guard let entry = applications[applicationId] else { return nil }
        return waitlist(for: serviceId).first { $0.applicationId != applicationId && $0.isFiled(before: entry) }
    }

    /// Folds application-category events, each with its ledger position; events of other programmes are ignored.
    public static func fold(
        programmeId: ProgrammeID, _ events: some Sequence<(position: UInt64, event: DomainEvent)>
    ) -> QualificationQueue {
        events.reduce(QualificationQueue(programmeId: programmeId)) { $0.applying($1.event, at: $1.position) }
    }

    public func applying(_ event: DomainEvent, at position: UInt64) -> QualificationQueue {
        var queue = self
        switch event {
        case .applicationSubmitted(let submitted) where submitted.programmeIds.contains(programmeId):
            queue.applications[submitted.applicationId] = Entry(
                applicationId: submitted.applicationId, personRef: submitted.personRef, filedAt: submitted.filedAt,
                position: position, requestedServiceIds: submitted.requestedServiceIds)
        case .qualificationGranted(let granted) where granted.programmeId == programmeId:
            queue.decided.insert(granted.applicationId)
            for serviceId in granted.serviceIds {
                queue.placesHeld[serviceId, default: [:]][granted.applicationId] = granted.personRef
                queue.waiting[serviceId]?.remove(granted.applicationId)
            }
        case .applicantWaitlisted(let waitlisted) where waitlisted.programmeId == programmeId:
            queue.decided.insert(waitlisted.applicationId)
            for serviceId in waitlisted.serviceIds {
                queue.waiting[serviceId, default: []].insert(waitlisted.applicationId)
            }
        case .waitlistPromoted(let promoted) where promoted.programmeId == programmeId:
            for serviceId in promoted.serviceIds { queue.waiting[serviceId]?.remove(promoted.applicationId) }
        case .qualificationRefused(let refused) where refused.programmeId == programmeId:
            queue.decided.insert(refused.applicationId)
            queue.removeFromWaiting(refused.applicationId)
        case .applicationWithdrawn(let withdrawn):
            queue.decided.insert(withdrawn.applicationId)
            queue.removeFromWaiting(withdrawn.applicationId)
            for serviceId in queue.placesHeld.keys { queue.placesHeld[serviceId]?[withdrawn.applicationId] = nil }
        default:
            break
        }
        return queue
    }

    private mutating func removeFromWaiting(_ applicationId: ApplicationID) {
        for serviceId in waiting.keys { waiting[serviceId]?.remove(applicationId) }
    }
}
