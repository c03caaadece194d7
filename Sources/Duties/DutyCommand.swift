internal import Commands
public import Domain
public import Ledger

/// One command a policy decided to issue, with the (policy, subject, period) its command id is derived from
/// (ledger.md G4's third row): the same subject and period always give the same id, so issuing it again after a
/// crash, from a second process or in a later run is a no-op at the ledger.
public struct DutyCommand: Hashable, Sendable {
    public enum Action: Hashable, Sendable {
        /// Promote the waitlisted application in the programme (L10).
        case promote(ApplicationID, programme: ProgrammeID, validFrom: LocalDate)
        /// Assess one month of one service on a fee account (L24).
        case assess(PersonRef, programme: ProgrammeID, AssessFee)
        /// Erase the person's personal data: the retention period has passed (L28).
        case erase(PersonRef, retentionYears: Int)
    }

    public var policy: DutyKind
    /// The entity the command is about, as text: an application, `account/service`, a person.
    public var subject: String
    public var period: ClosedRange<LocalDate>
    public var action: Action

    public init(policy: DutyKind, subject: String, period: ClosedRange<LocalDate>, action: Action) {
        self.policy = policy
        self.subject = subject
        self.period = period
        self.action = action
    }

    public var commandID: UUID128 {
        NaturalKeyCommandID.duty(policy: policy.rawValue, subject: subject, period: period)
    }

    /// A second id from the same tuple, for the entity the command creates (a qualification, a charge), so a
    /// rerun builds the identical request and G4 recognises it.
    static func derivedEntityID(policy: DutyKind, subject: String, period: ClosedRange<LocalDate>) -> UUID128 {
        NaturalKeyCommandID.duty(policy: policy.rawValue + "/entity", subject: subject, period: period)
    }

    /// The request's non-personal text (event 0 records its hash): the same on every rerun.
    public var fingerprint: String { "\(policy) \(subject) \(period.lowerBound)...\(period.upperBound)" }
}

/// A subject a policy looked at and left for a person, with the reason.
public struct DutyLeftOver: Hashable, Sendable, CustomStringConvertible {
    public var subject: String
    public var reason: String

    public var description: String { "\(subject): \(reason)" }
}
