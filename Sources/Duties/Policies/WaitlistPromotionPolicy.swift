public import Domain

/// L10: when places free up in a programme service, the waitlisted applicants are promoted in filing order, as many
/// as there are free places. An application waitlisted in several services is promoted only when it is among the
/// first waiting in each of them. The decider checks the same against the ledger, so a queue projection that lags
/// only delays a promotion; it never promotes out of order.
public enum WaitlistPromotionPolicy {
    /// One programme service's queue as the ApplicationQueue projection holds it.
    public struct Service: Hashable, Sendable {
        public var programmeId: ProgrammeID
        public var serviceId: String
        /// Nil: no person limit.
        public var maxPersons: UInt64?
        public var currentPersons: UInt64
        /// In filing order.
        public var entries: [Entry]

        public init(
            programmeId: ProgrammeID, serviceId: String, maxPersons: UInt64?, currentPersons: UInt64, entries: [Entry]
        ) {
            self.programmeId = programmeId
            self.serviceId = serviceId
            self.maxPersons = maxPersons
            self.currentPersons = currentPersons
            self.entries = entries
        }
    }

    public struct Entry: Hashable, Sendable {
        public var applicationId: ApplicationID
        public var filedAt: LocalDate
        public var isWaitlisted: Bool

        public init(applicationId: ApplicationID, filedAt: LocalDate, isWaitlisted: Bool) {
            self.applicationId = applicationId
            self.filedAt = filedAt
            self.isWaitlisted = isWaitlisted
        }
    }

    /// The promotions due on `today`, per programme in filing order.
    public static func commands(_ services: [Service], today: LocalDate) -> [DutyCommand] {
        struct Candidate {
            var filedAt: LocalDate
            var waitingIn = 0
            var freeIn = 0
        }
        var candidates: [ProgrammeID: [ApplicationID: Candidate]] = [:]
        for service in services {
            let waiting = service.entries.filter(\.isWaitlisted)
            let free = service.maxPersons.map { $0 > service.currentPersons ? Int($0 - service.currentPersons) : 0 }
            for (index, entry) in waiting.enumerated() {
                var candidate =
                    candidates[service.programmeId]?[entry.applicationId] ?? Candidate(filedAt: entry.filedAt)
                candidate.waitingIn += 1
                if free.map({ index < $0 }) ?? true { candidate.freeIn += 1 }
                candidates[service.programmeId, default: [:]][entry.applicationId] = candidate
            }
        }
        var commands: [DutyCommand] = []
        for programme in candidates.keys.sorted() {
            let due = (candidates[programme] ?? [:]).filter { $0.value.freeIn == $0.value.waitingIn }
            for (application, _) in due.sorted(by: { ($0.value.filedAt, $0.key) < ($1.value.filedAt, $1.key) }) {
                commands.append(
                    DutyCommand(
                        policy: .waitlistPromotion, subject: "\(application)/\(programme)", period: today...today,
                        action: .promote(application, programme: programme, validFrom: today)))
            }
        }
        return commands
    }
}
