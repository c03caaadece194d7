public import Commands
public import Domain

/// Why a duty or the duty configuration failed; `cus` maps these to exit codes.
public enum DutyError: Error, Sendable, CustomStringConvertible {
    /// The duty configuration file is unreadable or wrong; `path` names the field.
    case invalidConfiguration(path: String, reason: String)
    /// The duty-run record file is unreadable or wrong.
    case invalidRunRecord(path: String, reason: String)
    /// Writing the duty-run record failed.
    case runRecordNotWritten(path: String, reason: String)
    /// A command a policy issued failed for another reason than a rejection the policy expects.
    case command(CommandError)
    /// The projections the policies read could not be read.
    case projections(String)
    /// No rule set is in force on the day a duty needs one.
    case noRuleSet(LocalDate, String)
    /// A ledger duty (checkpoint, backup, reader check) failed.
    case maintenance(String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let path, let reason): "duty configuration: \(path): \(reason)"
        case .invalidRunRecord(let path, let reason): "duty-run record \(path): \(reason)"
        case .runRecordNotWritten(let path, let reason): "cannot write the duty-run record \(path): \(reason)"
        case .command(let error): "\(error)"
        case .projections(let reason): "projections: \(reason)"
        case .noRuleSet(let day, let reason): "no rule set in force on \(day): \(reason)"
        case .maintenance(let reason): reason
        }
    }
}
