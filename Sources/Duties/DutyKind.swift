/// The scheduled duties (ledger.md G4's third row and §2.4–2.6): three policies that issue domain commands as the
/// `system` role, and three that keep the ledger healthy. The raw value is the policy name hashed into command ids
/// (`NaturalKeyCommandID.duty`), so it never changes once shipped.
public enum DutyKind: String, CaseIterable, Codable, Sendable, Hashable, CustomStringConvertible {
    /// L10: a waitlisted applicant is promoted in filing order when a place frees up.
    case waitlistPromotion
    /// L24: each month of delivered service in a charged programme is assessed once.
    case monthlyCharge
    /// L28: personal data is erased when the rule set's retention period has passed since the last activity.
    case retentionErasure
    /// ledger.md §3.3: a signed checkpoint when the tree grew.
    case checkpoint
    /// ledger.md §2.6: a compacting, verified copy of the ledger.
    case backup
    /// ledger.md §2.4: `mdb_reader_check`, clearing the reader slots of dead processes.
    case readerCheck

    public var description: String { rawValue }

    /// Whether the duty issues domain commands (and so reads the projections and the rule set).
    public var issuesCommands: Bool {
        switch self {
        case .waitlistPromotion, .monthlyCharge, .retentionErasure: true
        case .checkpoint, .backup, .readerCheck: false
        }
    }

    /// The `system` actor name the duty's events record (domain.md §2, role `system`).
    public var actorName: String {
        switch self {
        case .waitlistPromotion: "waitlist"
        case .monthlyCharge: "monthly-charges"
        case .retentionErasure: "retention"
        case .checkpoint, .backup, .readerCheck: "ledger-maintenance"
        }
    }
}
