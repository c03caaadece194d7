public import Domain

/// L28: a person's personal data is erased once the retention period of the rule set in force has passed since
/// their last activity (the last business date of an event naming them; reading their data is not activity). The
/// period of the command is the day retention ended, so the erasure has one id however often the duty looks.
public enum RetentionErasurePolicy {
    public struct Person: Hashable, Sendable {
        public var personRef: PersonRef
        public var lastActivity: LocalDate
        public var isErased: Bool

        public init(personRef: PersonRef, lastActivity: LocalDate, isErased: Bool) {
            self.personRef = personRef
            self.lastActivity = lastActivity
            self.isErased = isErased
        }
    }

    /// The first day the data of someone last active on `lastActivity` is past retention.
    public static func expiry(lastActivity: LocalDate, retentionYears: Int) -> LocalDate {
        lastActivity.adding(months: 12 * retentionYears).adding(days: 1)
    }

    public static func commands(_ persons: [Person], today: LocalDate, retentionYears: Int) -> [DutyCommand] {
        persons.sorted { $0.personRef < $1.personRef }.compactMap { person in
            let expiry = expiry(lastActivity: person.lastActivity, retentionYears: retentionYears)
            guard !person.isErased, expiry <= today else { return nil }
            return DutyCommand(
                policy: .retentionErasure, subject: "\(person.personRef)", period: expiry...expiry,
                action: .erase(person.personRef, retentionYears: retentionYears))
        }
    }
}
