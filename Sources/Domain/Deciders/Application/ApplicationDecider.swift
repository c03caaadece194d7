/// Decisions on one application (`application-<ApplicationID>`; wniosek, domain.md §4.5): from a need signal
/// (zgłoszenie potrzeby) through filing (L9), forwarding (L13), the needs assessment (L12), qualification in
/// filing order within limits or the waiting list (L10), and the refusal as an appealable administrative
/// decision (L11), to withdrawal, after which nothing more happens.
public enum ApplicationDecider: Decider {
    public typealias Command = ApplicationCommand
    public typealias State = ApplicationState
    public typealias Rejection = ApplicationRejection

    public static var initialState: ApplicationState { ApplicationState() }

    public static func decide(
        _ command: ApplicationCommand, state: ApplicationState, rules: RuleContext
    ) throws(ApplicationRejection) -> [DomainEvent] {
        try checkActor(command, role: rules.actor.role)
        guard !state.withdrawn else { throw .withdrawn }
        let events = try decideCommand(command, state: state, rules: rules)
        let violations = events.flatMap(\.fieldViolations)
        guard violations.isEmpty else { throw .invalidFields(violations) }
        return events
    }

    private static func decideCommand(
        _ command: ApplicationCommand, state: ApplicationState, rules: RuleContext
    ) throws(ApplicationRejection) -> [DomainEvent] {
        switch command {
        case .signalNeed(let signalled):
            guard state.applicationId == nil else { throw .alreadySubmitted }
            return [.needSignalled(signalled)]
        case .submit(let submit):
            return [try decideSubmission(submit, state: state, rules: rules)]
        case .forward(let forward):
            return [try decideForwarding(forward, state: state, today: rules.today)]
        case .scheduleAssessment(let schedule):
            let scheduled = schedule.scheduled
            try checkSubmitted(state, applicationId: scheduled.applicationId, personRef: scheduled.personRef)
            try checkAssessment(
                place: scheduled.place, assessorId: scheduled.assessorId, on: scheduled.scheduledOn,
                assessor: schedule.assessor, rules: rules)
            return [.needsAssessmentScheduled(scheduled)]
        case .conductAssessment(let conduct):
            let conducted = conduct.conducted
            try checkSubmitted(state, applicationId: conducted.applicationId, personRef: conducted.personRef)
            try checkAssessment(
                place: conducted.place, assessorId: conducted.assessorId, on: conducted.conductedOn,
                assessor: conduct.assessor, rules: rules)
            return [.needsAssessmentConducted(conducted)]
        case .grantQualification(let grant):
            return [try decideGrant(grant, state: state)]
        case .waitlist(let waitlist):
            return [try decideWaitlist(waitlist, state: state, rules: rules)]
        case .promoteFromWaitlist(let promote):
            return try decidePromotion(promote, state: state)
        case .refuseQualification(let refuse):
            return [try decideRefusal(refuse, state: state, rules: rules)]
        case .appealRefusal(let appealed):
            try checkSubmitted(state, applicationId: appealed.applicationId, personRef: appealed.personRef)
            guard state.refusals.contains(where: { $0.decisionRef == appealed.decisionRef && !$0.appealed }) else {
                throw .noRefusalToAppeal(decisionRef: appealed.decisionRef)
            }
            return [.refusalAppealed(appealed)]
        case .resolveAppeal(let resolve):
            return [try decideAppealResolution(resolve, state: state)]
        case .withdraw(let withdrawn):
            guard let applicationId = state.applicationId, let personRef = state.personRef else {
                throw .notSubmitted
            }
            guard withdrawn.applicationId == applicationId, withdrawn.personRef == personRef else {
                throw .factsMismatch("application")
            }
            return [.applicationWithdrawn(withdrawn)]
        }
    }

    /// Who may issue each command (domain.md §1, §4.5). The waiting list is kept by the system's duty or a
    /// coordinator; a refusal's signer is checked against the director role or a delegation in `decideRefusal`.
    private static func checkActor(_ command: ApplicationCommand, role: ActorRole) throws(ApplicationRejection) {
        let allowed: Set<ActorRole> =
            switch command {
            case .waitlist, .promoteFromWaitlist: [.system, .coordinator]
            case .refuseQualification: Set(ActorRole.allCases).subtracting([.system])
            default: [.intakeClerk, .coordinator]
            }
        guard allowed.contains(role) else { throw .notPermitted(role: role) }
    }

    private static func decideSubmission(
        _ submit: SubmitApplication, state: ApplicationState, rules: RuleContext
    ) throws(ApplicationRejection) -> DomainEvent {
        let application = submit.application
        guard !state.isSubmitted else { throw .alreadySubmitted }
        if let applicationId = state.applicationId {
            guard application.applicationId == applicationId, application.personRef == state.personRef else {
                throw .factsMismatch("application")
            }
        }
        guard submit.person.personRef == application.personRef, !submit.person.erased else {
            throw .personNotRegistered
        }
        try checkApplicant(application, person: submit.person, rules: rules)
        guard !application.programmeIds.isEmpty, !application.requestedServiceIds.isEmpty else {
            throw .nothingRequested
        }
        try checkFilingDate(application, rules: rules)
        var offered: Set<String> = []
        for programmeId in application.programmeIds {
            guard let facts = submit.programmes.first(where: { $0.programmeId == programmeId }),
                facts.isActive(on: application.filedAt)
            else { throw .programmeNotActive(programmeId, on: application.filedAt) }
            offered.formUnion(facts.services.keys)
        }
        for serviceId in application.requestedServiceIds where !offered.contains(serviceId) {
            throw .serviceNotOffered(serviceId: serviceId)
        }
        return .applicationSubmitted(application)
    }

    /// L9: the resident applies, or a legal representative or de facto guardian recorded on the resident's stream
    /// and active on the filing date.
    private static func checkApplicant(
        _ application: ApplicationSubmitted, person: PersonState, rules: RuleContext
    ) throws(ApplicationRejection) {
        let role = application.applicantRole
        guard rules.ruleSet.parameters.applicantRoles.contains(role.rawValue) else {
            throw .applicantRoleNotAllowed(role)
        }
        let kind: RepresentativeKind
        switch role {
        case .self: return
        case .legalRepresentative: kind = .legalRepresentative
        case .deFactoGuardian: kind = .deFactoGuardian
        }
        let active = person.activeRepresentatives(on: application.filedAt)
        guard let applicantRef = application.applicantRef,
            active.contains(where: { $0.representativeRef == applicantRef && $0.kind == kind })
        else { throw .representativeNotActive(role: role, on: application.filedAt) }
    }

    /// `filedAt` starts the 30-day plan clock (L15) and sets the filing order (L10): it may not lie in the
    /// future, and a paper application recorded late needs a reason beyond the rule set's alert threshold.
    private static func checkFilingDate(
        _ application: ApplicationSubmitted, rules: RuleContext
    ) throws(ApplicationRejection) {
        let daysBackdated = application.filedAt.days(to: rules.today)
        guard daysBackdated >= 0 else { throw .filedInFuture(filedAt: application.filedAt, recordedOn: rules.today) }
        let alertDays = rules.ruleSet.parameters.application.backdatingAlertDays
        if daysBackdated > Int64(alertDays), application.backdatingReason?.hasContent != true {
            throw .backdatingReasonRequired(daysBackdated: daysBackdated, alertDays: alertDays)
        }
    }

    /// L13: the consent must hold on the day of the forwarding and still on the day it is recorded (a forwarding
    /// dated back to before a withdrawal is not one the resident still agrees to).
    private static func decideForwarding(
        _ forward: ForwardApplication, state: ApplicationState, today: LocalDate
    ) throws(ApplicationRejection) -> DomainEvent {
        let forwarded = forward.forwarded
        try checkSubmitted(state, applicationId: forwarded.applicationId, personRef: forwarded.personRef)
        guard forward.person.personRef == forwarded.personRef else { throw .factsMismatch("person") }
        guard forwarded.forwardedOn <= today else {
            throw .forwardedInFuture(forwardedOn: forwarded.forwardedOn, recordedOn: today)
        }
        for day in [forwarded.forwardedOn, today]
        where !forward.person.activeConsents(for: .forwardApplication, on: day).contains(forwarded.consentId) {
            throw .forwardingConsentMissing(forwarded.consentId, on: day)
        }
        return .applicationForwarded(forwarded)
    }

    /// L12: at the centre or where the resident stays (as the rule set lists), by a coordinator on that date.
    private static func checkAssessment(
        place: AssessmentPlace, assessorId: StaffID, on date: LocalDate, assessor: StaffState, rules: RuleContext
    ) throws(ApplicationRejection) {
        let allowed = rules.ruleSet.parameters.assessment.places.compactMap(AssessmentPlace.init(rawValue:))
        guard allowed.contains(place) else { throw .assessmentPlaceNotAllowed(place, allowed: allowed) }
        guard assessor.staffId == assessorId else { throw .factsMismatch("staff member") }
        guard assessor.holdsRole(.coordinator, on: date) else { throw .assessorNotCoordinator(assessorId, on: date) }
    }

    static func checkSubmitted(
        _ state: ApplicationState, applicationId: ApplicationID, personRef: PersonRef
    ) throws(ApplicationRejection) {
        guard state.isSubmitted else { throw .notSubmitted }
        guard applicationId == state.applicationId, personRef == state.personRef else {
            throw .factsMismatch("application")
        }
    }
}
