/// Why a command on an application was refused. Parameters are ids, dates, counts and codes: no personal data.
public enum ApplicationRejection: DomainRejection {
    /// L9: the rule set does not list this applicant role.
    case applicantRoleNotAllowed(ApplicantRole)
    /// L9: a representative or guardian applies only with a matching, active `RepresentativeRecorded`.
    case representativeNotActive(role: ApplicantRole, on: LocalDate)
    /// The resident is not registered, or their data was erased.
    case personNotRegistered
    /// A named programme is not in force on the filing date.
    case programmeNotActive(ProgrammeID, on: LocalDate)
    /// A requested service is not defined by the application's programmes.
    case serviceNotOffered(serviceId: String)
    /// An application must name at least one programme and service.
    case nothingRequested
    /// An application cannot be filed after the day it is recorded.
    case filedInFuture(filedAt: LocalDate, recordedOn: LocalDate)
    /// L15: filed more than `alertDays` before it was recorded, without a reason.
    case backdatingReasonRequired(daysBackdated: Int64, alertDays: Int)
    /// L13: forwarding needs the consent named, active for `forwardApplication` on the day.
    case forwardingConsentMissing(ConsentID, on: LocalDate)
    /// A forwarding is recorded on or after the day it happened, never before.
    case forwardedInFuture(forwardedOn: LocalDate, recordedOn: LocalDate)
    /// L12: the assessment is held only at places the rule set lists.
    case assessmentPlaceNotAllowed(AssessmentPlace, allowed: [AssessmentPlace])
    /// L12: the assessor must hold the coordinator role on the assessment date.
    case assessorNotCoordinator(StaffID, on: LocalDate)
    /// Qualification or waitlisting follows a needs assessment.
    case notAssessed
    /// The programme is not one the application names.
    case programmeNotRequested(ProgrammeID)
    /// The service was not requested in this application, or is not in the programme.
    case serviceNotRequested(serviceId: String)
    /// L10: the service has as many qualified persons as the programme allows.
    case limitReached(serviceId: String, maxPersons: UInt64, qualified: Int)
    /// L10: an application filed earlier waits for the service; it is served first.
    case earlierApplicationWaiting(serviceId: String, earlierApplicationId: ApplicationID, filedAt: LocalDate)
    /// L10: a place is free and nobody filed earlier waits, so the applicant is qualified, not waitlisted.
    case placeAvailable(serviceId: String)
    /// The programme already has an outcome for this application.
    case alreadyDecided(ProgrammeID)
    /// Promotion applies only to an application on the programme's waiting list.
    case notWaitlisted(ProgrammeID)
    /// The filing-order facts do not contain this application.
    case notInQueue
    /// L11: a refusal needs a decision number, legal basis, reasons and appeal instruction.
    case refusalIncomplete(missing: [String])
    /// L11: only the director or a delegate with `signRefusals` on the decision date may sign.
    case signerNotAuthorised(on: LocalDate)
    /// A refusal is decided on or after the filing day, and not after the day it is recorded.
    case decisionDateOutOfRange(decisionDate: LocalDate, filedAt: LocalDate, recordedOn: LocalDate)
    /// L11: an appeal lies only against a refusal of this application not yet appealed.
    case noRefusalToAppeal(decisionRef: String)
    /// Only the oldest pending appeal may be resolved (AppealResolved names no refusal).
    case noPendingAppeal(decisionRef: String)
    case alreadySubmitted
    case notSubmitted
    /// The application was withdrawn; nothing more happens on it.
    case withdrawn
    /// The command names another application or person, or facts of another programme, person or staff member.
    case factsMismatch(String)
    case notPermitted(role: ActorRole)
    case invalidFields([FieldViolation])

    public var rule: String? {
        switch self {
        case .applicantRoleNotAllowed, .representativeNotActive: "L9"
        case .limitReached, .earlierApplicationWaiting, .placeAvailable: "L10"
        case .refusalIncomplete, .signerNotAuthorised, .noRefusalToAppeal: "L11"
        case .assessmentPlaceNotAllowed, .assessorNotCoordinator: "L12"
        case .forwardingConsentMissing: "L13"
        case .backdatingReasonRequired: "L15"
        default: nil
        }
    }

    public var code: String {
        switch self {
        case .applicantRoleNotAllowed: "applicant-role-not-allowed"
        case .representativeNotActive: "representative-not-active"
        case .personNotRegistered: "person-not-registered"
        case .programmeNotActive: "programme-not-active"
        case .serviceNotOffered: "service-not-offered"
        case .nothingRequested: "nothing-requested"
        case .filedInFuture: "filed-in-future"
        case .forwardedInFuture: "forwarded-in-future"
        case .backdatingReasonRequired: "backdating-reason-required"
        case .forwardingConsentMissing: "forwarding-consent-missing"
        case .assessmentPlaceNotAllowed: "assessment-place-not-allowed"
        case .assessorNotCoordinator: "assessor-not-coordinator"
        case .notAssessed: "not-assessed"
        case .programmeNotRequested: "programme-not-requested"
        case .serviceNotRequested: "service-not-requested"
        case .limitReached: "limit-reached"
        case .earlierApplicationWaiting: "earlier-application-waiting"
        case .placeAvailable: "place-available"
        case .alreadyDecided: "already-decided"
        case .notWaitlisted: "not-waitlisted"
        case .notInQueue: "not-in-queue"
        case .refusalIncomplete: "refusal-incomplete"
        case .signerNotAuthorised: "signer-not-authorised"
        case .decisionDateOutOfRange: "decision-date-out-of-range"
        case .noRefusalToAppeal: "no-refusal-to-appeal"
        case .noPendingAppeal: "no-pending-appeal"
        case .alreadySubmitted: "already-submitted"
        case .notSubmitted: "not-submitted"
        case .withdrawn: "withdrawn"
        case .factsMismatch: "facts-mismatch"
        case .notPermitted: "not-permitted"
        case .invalidFields: "invalid-fields"
        }
    }

    public var description: String {
        switch self {
        case .applicantRoleNotAllowed(let role): "applicant role \(role.rawValue) is not allowed"
        case .representativeNotActive(let role, let date): "no active \(role.rawValue) recorded on \(date)"
        case .personNotRegistered: "the resident is not registered or was erased"
        case .programmeNotActive(let id, let date): "programme \(id) is not in force on \(date)"
        case .serviceNotOffered(let id): "service \(id) is not in the application's programmes"
        case .nothingRequested: "an application names at least one programme and service"
        case .filedInFuture(let filed, let today): "filed on \(filed), after the recording day \(today)"
        case .forwardedInFuture(let forwarded, let today): "forwarded on \(forwarded), after the recording day \(today)"
        case .backdatingReasonRequired(let days, let alert):
            "filed \(days) days before recording (over \(alert)); a backdating reason is required"
        case .forwardingConsentMissing(let id, let date): "consent \(id) to forward is not active on \(date)"
        case .assessmentPlaceNotAllowed(let place, let allowed):
            "assessment at \(place.rawValue) not allowed; allowed: " + allowed.map(\.rawValue).joined(separator: ", ")
        case .assessorNotCoordinator(let id, let date): "staff \(id) is not a coordinator on \(date)"
        case .notAssessed: "no needs assessment has been conducted"
        case .programmeNotRequested(let id): "programme \(id) is not named in the application"
        case .serviceNotRequested(let id): "service \(id) was not requested or is not in the programme"
        case .limitReached(let id, let max, let qualified): "service \(id) holds \(qualified) of \(max) persons"
        case .earlierApplicationWaiting(let id, let earlier, let filed):
            "application \(earlier) filed \(filed) waits earlier for service \(id)"
        case .placeAvailable(let id): "service \(id) has a free place and no earlier applicant waits"
        case .alreadyDecided(let id): "programme \(id) already has an outcome"
        case .notWaitlisted(let id): "the application is not waitlisted for programme \(id)"
        case .notInQueue: "the filing order does not contain this application"
        case .refusalIncomplete(let missing): "a refusal needs: " + missing.joined(separator: ", ")
        case .signerNotAuthorised(let date): "the signer may not sign refusals on \(date)"
        case .decisionDateOutOfRange(let decided, let filed, let today):
            "decided on \(decided), outside the filing day \(filed) through the recording day \(today)"
        case .noRefusalToAppeal(let ref): "no unappealed refusal \(ref)"
        case .noPendingAppeal(let ref): "refusal \(ref) has no appeal pending first in line"
        case .alreadySubmitted: "the application was already submitted"
        case .notSubmitted: "the application has not been submitted"
        case .withdrawn: "the application was withdrawn"
        case .factsMismatch(let what): "facts for another \(what)"
        case .notPermitted(let role): "\(role.rawValue) may not do this"
        case .invalidFields(let violations): "invalid fields: " + violations.map(\.path).joined(separator: ", ")
        }
    }
}
