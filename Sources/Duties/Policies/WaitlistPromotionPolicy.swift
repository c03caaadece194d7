public import Domain

/// L10: when places free up in a programme service, the waitlisted applicants are promoted in filing order, as many
/// as there are free places. An application waitlisted in several services is promoted only when each of them can
/// take it. The decider checks the same against the ledger, so a queue projection that lags only delays a
/// promotion; it never promotes out of order.
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
        /// What the entry means for those filed after it (L10, `QualificationQueue`).
        public enum Standing: Hashable, Sendable {
            /// On the waiting list: nobody filed later is promoted past it.
            case waitlisted
            /// Filed, not decided yet: it keeps a claim on a place.
            case undecided
            /// Qualified, refused, forwarded or withdrawn: no claim.
            case decided
        }

        public var applicationId: ApplicationID
        public var personRef: PersonRef
        public var filedAt: LocalDate
        public var standing: Standing

        public init(applicationId: ApplicationID, personRef: PersonRef, filedAt: LocalDate, standing: Standing) {
            self.applicationId = applicationId
            self.personRef = personRef
            self.filedAt = filedAt
            self.standing = standing
        }
    }

    /// The promotions due on `today`, per programme in filing order (ties in the projection's order, which is the
    /// ledger's). The decider's rules (L10) are applied in advance, so a promotion proposed is one it accepts unless
    /// the ledger moved on: in each service the promoted form a prefix of the waiting list (nobody passes an
    /// applicant who waits earlier, even one who cannot move because another of their services is full), and
    /// earlier undecided applications keep their claims on the free places.
    /// An applicant in `erased` (personal data erased) cannot be promoted (the qualification has sealed fields) but
    /// still waits, so it is listed for a person to withdraw, and nobody passes it.
    public static func commands(_ services: [Service], today: LocalDate, erased: Set<PersonRef> = [])
        -> (commands: [DutyCommand], leftOver: [DutyLeftOver])
    {
        struct Key: Hashable {
            var programme: ProgrammeID
            var application: ApplicationID
        }
        var rank: [Key: (LocalDate, Int)] = [:]
        var leftOver: Set<DutyLeftOver> = []
        for service in services {
            for (index, entry) in service.entries.enumerated() where entry.standing == .waitlisted {
                let key = Key(programme: service.programmeId, application: entry.applicationId)
                if erased.contains(entry.personRef) {
                    leftOver.insert(
                        DutyLeftOver(
                            subject: "\(entry.applicationId)/\(service.programmeId)",
                            reason: "waitlisted, but the person's data was erased: withdraw the application"))
                    continue
                }
                if let known = rank[key], known <= (entry.filedAt, index) { continue }
                rank[key] = (entry.filedAt, index)
            }
        }
        // Start from every waitlisted applicant, then drop whoever some service cannot take, until nothing changes.
        var promotable = Set(rank.keys)
        var changed = true
        while changed {
            changed = false
            for service in services {
                var claims: UInt64 = 0
                var promoted: UInt64 = 0
                var blocked = false
                for entry in service.entries {
                    switch entry.standing {
                    case .decided: continue
                    case .undecided: claims += 1
                    case .waitlisted:
                        let key = Key(programme: service.programmeId, application: entry.applicationId)
                        let placeLeft =
                            service.maxPersons.map { service.currentPersons + promoted + claims < $0 } ?? true
                        if !blocked && placeLeft && promotable.contains(key) {
                            promoted += 1
                        } else {
                            blocked = true
                            if promotable.remove(key) != nil { changed = true }
                        }
                    }
                }
            }
        }
        func order(_ key: Key) -> (ProgrammeID, LocalDate, Int) {
            (key.programme, rank[key]?.0 ?? today, rank[key]?.1 ?? 0)
        }
        let commands = promotable.sorted { order($0) < order($1) }
            .map { key in
                DutyCommand(
                    policy: .waitlistPromotion, subject: "\(key.application)/\(key.programme)", period: today...today,
                    action: .promote(key.application, programme: key.programme, validFrom: today))
            }
        return (commands, leftOver.sorted { $0.subject < $1.subject })
    }
}
