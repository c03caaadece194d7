/// Why a command on a plan was refused. Parameters are ids, dates, counts and codes: no personal data.
public enum PlanRejection: DomainRejection {
    /// L15: approved more than `deadlineDays` after filing without a reason.
    case lateReasonRequired(daysToPlan: UInt64, deadlineDays: Int)
    /// L16: the plan's length in months is outside the rule set's bounds.
    case durationOutOfRange(months: Int, allowed: ClosedRange<Int>)
    /// L17: approval needs the resident's agreement to the current version.
    case notAgreed
    /// L17: the approver is neither a rule-set approver role needing no delegation, nor holds the role and an
    /// `approvePlans` delegation on the day.
    case approverNotAuthorised(role: ActorRole, on: LocalDate)
    /// L17: the agreement comes from the resident or a representative active on the day.
    case agreementNotByResident(on: LocalDate)
    /// L19: the summary interview follows completion or early termination.
    case summaryBeforeEnd
    /// L20: a service item names a service and no activity; a supporting activity names an activity and no
    /// service.
    case itemKindInvalid(itemId: String)
    /// L21: the coordinator does not hold the coordinator role on the day.
    case coordinatorNotQualified(on: LocalDate)
    /// The application holds no qualification (for the plan's programme).
    case applicationNotQualified
    /// A service item names a service the application is not qualified for.
    case serviceNotQualified(serviceId: String)
    /// A service item plans no units.
    case unitsPlannedMissing(itemId: String)
    /// An item's dates are reversed or fall outside the plan's period.
    case itemOutsidePeriod(itemId: String)
    case duplicateItem(itemId: String)
    case noItems
    case goalsMissing
    /// The period must start on or before its last day.
    case invalidPeriod(start: LocalDate, end: LocalDate)
    case coordinatorAlreadyAssigned
    case noCoordinator
    /// A reassignment must name the current coordinator and another one.
    case sameCoordinator
    /// Only the coordinator assigned to the plan may act on it.
    case notAssignedCoordinator
    /// The plan's current status does not allow the command.
    case invalidStatus(PlanState.Status?)
    /// An agreement names another version than the current one.
    case versionMismatch(current: UInt64, named: UInt64)
    /// A suspension starts on or after the plan's first day, and ends on or after it starts.
    case suspensionOutsidePeriod(start: LocalDate)
    /// Completing before the plan's last day needs `beforeEnd`.
    case completedBeforeEnd(end: LocalDate)
    /// A date lies after the decision's business date.
    case dateInFuture(LocalDate)
    /// A date lies before the earliest date the plan allows for it.
    case dateTooEarly(LocalDate, earliest: LocalDate)
    /// A summary rating is outside its scale (the rating itself is personal, so it is not echoed).
    case ratingOutOfRange(field: String, allowed: ClosedRange<Int64>)
    /// The summary must rate each of the plan's goals once.
    case goalsMismatch(goalsSet: UInt64, expected: Int)
    /// A sealed part the event needs is missing (termination reason, summary ratings).
    case personalPartMissing(field: String)
    case alreadySummarised
    /// The command names another plan, person or application, or facts of another stream.
    case factsMismatch(String)
    case notPermitted(role: ActorRole)
    case invalidFields([FieldViolation])

    public var rule: String? {
        switch self {
        case .lateReasonRequired: "L15"
        case .durationOutOfRange: "L16"
        case .notAgreed, .approverNotAuthorised, .agreementNotByResident: "L17"
        case .summaryBeforeEnd, .alreadySummarised: "L19"
        case .itemKindInvalid: "L20"
        case .coordinatorNotQualified: "L21"
        default: nil
        }
    }

    public var code: String {
        switch self {
        case .lateReasonRequired: "late-reason-required"
        case .durationOutOfRange: "duration-out-of-range"
        case .notAgreed: "not-agreed"
        case .approverNotAuthorised: "approver-not-authorised"
        case .agreementNotByResident: "agreement-not-by-resident"
        case .summaryBeforeEnd: "summary-before-end"
        case .itemKindInvalid: "item-kind-invalid"
        case .coordinatorNotQualified: "coordinator-not-qualified"
        case .applicationNotQualified: "application-not-qualified"
        case .serviceNotQualified: "service-not-qualified"
        case .unitsPlannedMissing: "units-planned-missing"
        case .itemOutsidePeriod: "item-outside-period"
        case .duplicateItem: "duplicate-item"
        case .noItems: "no-items"
        case .goalsMissing: "goals-missing"
        case .invalidPeriod: "invalid-period"
        case .coordinatorAlreadyAssigned: "coordinator-already-assigned"
        case .noCoordinator: "no-coordinator"
        case .sameCoordinator: "same-coordinator"
        case .notAssignedCoordinator: "not-assigned-coordinator"
        case .invalidStatus: "invalid-status"
        case .versionMismatch: "version-mismatch"
        case .suspensionOutsidePeriod: "suspension-outside-period"
        case .completedBeforeEnd: "completed-before-end"
        case .dateInFuture: "date-in-future"
        case .dateTooEarly: "date-too-early"
        case .ratingOutOfRange: "rating-out-of-range"
        case .goalsMismatch: "goals-mismatch"
        case .personalPartMissing: "personal-part-missing"
        case .alreadySummarised: "already-summarised"
        case .factsMismatch: "facts-mismatch"
        case .notPermitted: "not-permitted"
        case .invalidFields: "invalid-fields"
        }
    }

    public var description: String {
        switch self {
        case .lateReasonRequired(let days, let deadline):
            "approved on day \(days), after the \(deadline)-day deadline; a late reason is required"
        case .durationOutOfRange(let months, let allowed):
            "a plan of \(months) months is outside \(allowed.lowerBound)–\(allowed.upperBound) months"
        case .notAgreed: "the current version has not been agreed"
        case .approverNotAuthorised(let role, let date): "\(role.rawValue) may not approve plans on \(date)"
        case .agreementNotByResident(let date): "not the resident or a representative active on \(date)"
        case .summaryBeforeEnd: "the summary follows the plan's completion or termination"
        case .itemKindInvalid(let id): "item \(id) does not match its kind"
        case .coordinatorNotQualified(let date): "not a qualified coordinator on \(date)"
        case .applicationNotQualified: "the application holds no qualification for the programme"
        case .serviceNotQualified(let id): "service \(id) is not among the qualified services"
        case .unitsPlannedMissing(let id): "item \(id) plans no units"
        case .itemOutsidePeriod(let id): "item \(id) falls outside the plan's period"
        case .duplicateItem(let id): "item \(id) appears twice"
        case .noItems: "a plan has at least one item"
        case .goalsMissing: "a plan has at least one goal"
        case .invalidPeriod(let start, let end): "the period \(start)–\(end) is reversed"
        case .coordinatorAlreadyAssigned: "a coordinator is already assigned; reassign instead"
        case .noCoordinator: "no coordinator is assigned"
        case .sameCoordinator: "a reassignment names the current coordinator and another one"
        case .notAssignedCoordinator: "only the assigned coordinator may do this"
        case .invalidStatus(let status): "not allowed while the plan is \(status?.rawValue ?? "not drafted")"
        case .versionMismatch(let current, let named): "version \(named) named; the current version is \(current)"
        case .suspensionOutsidePeriod(let start): "a suspension starts on or after \(start) and ends after it starts"
        case .completedBeforeEnd(let end): "the plan ends on \(end); completing earlier must be explicit"
        case .dateInFuture(let date): "\(date) lies after the decision date"
        case .dateTooEarly(let date, let earliest): "\(date) lies before \(earliest)"
        case .ratingOutOfRange(let field, let allowed):
            "\(field) is outside \(allowed.lowerBound)…\(allowed.upperBound)"
        case .goalsMismatch(let set, let expected): "\(set) goals rated; the plan has \(expected)"
        case .personalPartMissing(let field): "\(field) is required"
        case .alreadySummarised: "the summary is already recorded"
        case .factsMismatch(let what): "facts for another \(what)"
        case .notPermitted(let role): RejectionText.notPermitted(role)
        case .invalidFields(let violations): RejectionText.invalidFields(violations)
        }
    }
}
