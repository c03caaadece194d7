/// What may happen on an application's stream (`application-<ApplicationID>`, wniosek; domain.md §4.5). Where a
/// command's event has no derived field it carries the event itself; facts from other streams (the resident,
/// programmes, staff, the filing order) come alongside as folded states, so the decider stays pure.
public enum ApplicationCommand: Sendable, Hashable {
    case signalNeed(NeedSignalled)
    case submit(SubmitApplication)
    case forward(ForwardApplication)
    case scheduleAssessment(ScheduleAssessment)
    case conductAssessment(ConductAssessment)
    case grantQualification(GrantQualification)
    case waitlist(WaitlistApplicant)
    case promoteFromWaitlist(PromoteFromWaitlist)
    case refuseQualification(RefuseQualification)
    case appealRefusal(RefusalAppealed)
    case resolveAppeal(ResolveAppeal)
    case withdraw(ApplicationWithdrawn)
}

/// File an application (L9) for services of programmes active on `filedAt`.
public struct SubmitApplication: Sendable, Hashable {
    public var application: ApplicationSubmitted
    /// The resident's stream, folded: registration and representatives (L9).
    public var person: PersonState
    /// Every programme the application names, folded from its stream.
    public var programmes: [ProgrammeFacts]

    public init(application: ApplicationSubmitted, person: PersonState, programmes: [ProgrammeFacts]) {
        self.application = application
        self.person = person
        self.programmes = programmes
    }
}

/// Forward the application to another unit under the resident's consent (L13).
public struct ForwardApplication: Sendable, Hashable {
    public var forwarded: ApplicationForwarded
    public var person: PersonState

    public init(forwarded: ApplicationForwarded, person: PersonState) {
        self.forwarded = forwarded
        self.person = person
    }
}

/// Plan a needs assessment (L12); `assessor` is the assessor's staff stream, folded.
public struct ScheduleAssessment: Sendable, Hashable {
    public var scheduled: NeedsAssessmentScheduled
    public var assessor: StaffState

    public init(scheduled: NeedsAssessmentScheduled, assessor: StaffState) {
        self.scheduled = scheduled
        self.assessor = assessor
    }
}

/// Record a needs assessment held (L12).
public struct ConductAssessment: Sendable, Hashable {
    public var conducted: NeedsAssessmentConducted
    public var assessor: StaffState

    public init(conducted: NeedsAssessmentConducted, assessor: StaffState) {
        self.conducted = conducted
        self.assessor = assessor
    }
}

/// Qualify for services of one programme in filing order within its limits (L10).
public struct GrantQualification: Sendable, Hashable {
    public var qualificationId: QualificationID
    public var programmeId: ProgrammeID
    public var serviceIds: [String]
    public var validFrom: LocalDate
    public var validTo: LocalDate?
    public var groupMatched: [TargetGroupAttribute]
    public var programme: ProgrammeFacts
    public var queue: QualificationQueue

    public init(
        qualificationId: QualificationID, programmeId: ProgrammeID, serviceIds: [String], validFrom: LocalDate,
        validTo: LocalDate?, groupMatched: [TargetGroupAttribute], programme: ProgrammeFacts,
        queue: QualificationQueue
    ) {
        self.qualificationId = qualificationId
        self.programmeId = programmeId
        self.serviceIds = serviceIds
        self.validFrom = validFrom
        self.validTo = validTo
        self.groupMatched = groupMatched
        self.programme = programme
        self.queue = queue
    }
}

/// Put an eligible applicant on the waiting list because a limit or an earlier applicant stands in the way (L10).
public struct WaitlistApplicant: Sendable, Hashable {
    public var programmeId: ProgrammeID
    public var serviceIds: [String]
    public var programme: ProgrammeFacts
    public var queue: QualificationQueue

    public init(programmeId: ProgrammeID, serviceIds: [String], programme: ProgrammeFacts, queue: QualificationQueue) {
        self.programmeId = programmeId
        self.serviceIds = serviceIds
        self.programme = programme
        self.queue = queue
    }
}

/// Qualify a waitlisted applicant once a place is free and nobody filed earlier waits (L10).
public struct PromoteFromWaitlist: Sendable, Hashable {
    public var qualificationId: QualificationID
    public var programmeId: ProgrammeID
    public var validFrom: LocalDate
    public var validTo: LocalDate?
    public var groupMatched: [TargetGroupAttribute]
    public var programme: ProgrammeFacts
    public var queue: QualificationQueue

    public init(
        qualificationId: QualificationID, programmeId: ProgrammeID, validFrom: LocalDate, validTo: LocalDate?,
        groupMatched: [TargetGroupAttribute], programme: ProgrammeFacts, queue: QualificationQueue
    ) {
        self.qualificationId = qualificationId
        self.programmeId = programmeId
        self.validFrom = validFrom
        self.validTo = validTo
        self.groupMatched = groupMatched
        self.programme = programme
        self.queue = queue
    }
}

/// Refuse qualification by administrative decision (decyzja administracyjna, L11). The signer is the actor;
/// `signer` is the actor's staff stream, folded, for a delegated `signRefusals`.
public struct RefuseQualification: Sendable, Hashable {
    public var programmeId: ProgrammeID
    public var decisionRef: String
    public var decisionDate: LocalDate
    public var legalBasis: String
    public var appealInstruction: String
    public var reasons: String
    public var signer: StaffState

    public init(
        programmeId: ProgrammeID, decisionRef: String, decisionDate: LocalDate, legalBasis: String,
        appealInstruction: String, reasons: String, signer: StaffState
    ) {
        self.programmeId = programmeId
        self.decisionRef = decisionRef
        self.decisionDate = decisionDate
        self.legalBasis = legalBasis
        self.appealInstruction = appealInstruction
        self.reasons = reasons
        self.signer = signer
    }
}

/// Record the appeal body's decision on the appeal against refusal `decisionRef`.
public struct ResolveAppeal: Sendable, Hashable {
    public var decisionRef: String
    public var appealBody: String
    public var outcome: AppealOutcome
    public var appealDecisionRef: String
    public var resolvedOn: LocalDate

    public init(
        decisionRef: String, appealBody: String, outcome: AppealOutcome, appealDecisionRef: String,
        resolvedOn: LocalDate
    ) {
        self.decisionRef = decisionRef
        self.appealBody = appealBody
        self.outcome = outcome
        self.appealDecisionRef = appealDecisionRef
        self.resolvedOn = resolvedOn
    }
}
