/// An application's clear facts as folded from `application-<ApplicationID>`: whether and when it was filed,
/// assessed and decided per programme, refusals with their appeals, and whether it was withdrawn.
public struct ApplicationState: Sendable, Hashable {
    public var applicationId: ApplicationID?
    public var personRef: PersonRef?
    public var signalled = false
    public var submission: Submission?
    public var forwardedTo: [String] = []
    public var scheduledAssessments: [AssessmentID: LocalDate] = [:]
    public var lastAssessedOn: LocalDate?
    public var outcomes: [ProgrammeID: ProgrammeOutcome] = [:]
    /// Refusals in the order issued, with their appeals.
    public var refusals: [Refusal] = []
    public var withdrawn = false

    public init() {}

    /// The clear part of the filing.
    public struct Submission: Sendable, Hashable {
        public var filedAt: LocalDate
        public var applicantRole: ApplicantRole
        public var programmeIds: [ProgrammeID]
        public var requestedServiceIds: [String]
    }

    /// Where the application stands in one programme.
    public enum ProgrammeOutcome: Sendable, Hashable {
        case qualified(QualificationID, serviceIds: [String], queuePosition: UInt64)
        case waitlisted(serviceIds: [String], position: UInt64)
        case refused(decisionRef: String)
    }

    /// An administrative refusal and its appeal.
    public struct Refusal: Sendable, Hashable {
        public var decisionRef: String
        public var programmeId: ProgrammeID
        public var appealed = false
        public var resolution: AppealOutcome?
    }

    public var isSubmitted: Bool { submission != nil }

    /// The refusal whose appeal waits longest for the appeal body.
    public var earliestPendingAppeal: Refusal? { refusals.first { $0.appealed && $0.resolution == nil } }
}
