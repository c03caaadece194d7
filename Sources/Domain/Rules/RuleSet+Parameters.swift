extension RuleSet {
    /// The parameters of domain.md §3.1, grouped as in the rule-set file. Each field's rule number and status are in
    /// `Schemas/rules/rule-set.schema.json`.
    public struct Parameters: Codable, Hashable, Sendable {
        /// L1: the statutory service areas (art. 2 ust. 1).
        public var serviceAreas: [ServiceAreaCode]
        /// L9: who may apply.
        public var applicantRoles: [ApplicantRoleCode]
        public var qualification: Qualification
        public var assessment: Assessment
        public var plan: Plan
        public var coordinator: Coordinator
        public var fee: Fee
        public var diagnosis: Diagnosis
        public var transformedOps: TransformedOps
        public var reporting: Reporting
        public var privacy: Privacy
        public var application: Application
        public var retention: Retention

        public init(
            serviceAreas: [ServiceAreaCode], applicantRoles: [ApplicantRoleCode], qualification: Qualification,
            assessment: Assessment, plan: Plan, coordinator: Coordinator, fee: Fee, diagnosis: Diagnosis,
            transformedOps: TransformedOps, reporting: Reporting, privacy: Privacy, application: Application,
            retention: Retention
        ) {
            self.serviceAreas = serviceAreas
            self.applicantRoles = applicantRoles
            self.qualification = qualification
            self.assessment = assessment
            self.plan = plan
            self.coordinator = coordinator
            self.fee = fee
            self.diagnosis = diagnosis
            self.transformedOps = transformedOps
            self.reporting = reporting
            self.privacy = privacy
            self.application = application
            self.retention = retention
        }
    }

    /// L10, L11: how applicants are qualified and refused.
    public struct Qualification: Codable, Hashable, Sendable {
        /// L10: the order in which applications within programme limits are qualified.
        public enum Order: String, Codable, Hashable, Sendable {
            /// FIFO by `filedAt`, ties broken by ledger position; no decision.
            case filingOrder
        }

        /// L11: the legal form of a refusal.
        public enum RefusalForm: String, Codable, Hashable, Sendable {
            /// An appealable administrative decision.
            case administrativeDecision
        }

        public var order: Order
        public var refusalForm: RefusalForm

        public init(order: Order, refusalForm: RefusalForm) {
            self.order = order
            self.refusalForm = refusalForm
        }
    }

    /// L12: where the needs assessment may be held.
    public struct Assessment: Codable, Hashable, Sendable {
        public var places: [AssessmentPlaceCode]

        public init(places: [AssessmentPlaceCode]) { self.places = places }
    }

    /// L14–L17: when an IPUS is needed, its deadline, length and approval.
    public struct Plan: Codable, Hashable, Sendable {
        /// L14: coordination lasting at least this many months calls for a plan.
        public var coordinationThresholdMonths: Int
        /// L15: calendar days from `filedAt` until the plan is due.
        public var deadlineDays: Int
        /// L15 ❓: the event type that stops the deadline clock.
        public var deadlineStopEvent: EventTypeName
        /// L16: plan length bounds in months, inclusive.
        public var minMonths: Int
        public var maxMonths: Int
        /// L17: roles that may approve a plan.
        public var approverRoles: [StaffRoleCode]
        /// L17: the approver roles that need a delegation valid on the approval date.
        public var delegatedApproverRoles: [StaffRoleCode]

        public init(
            coordinationThresholdMonths: Int, deadlineDays: Int, deadlineStopEvent: EventTypeName, minMonths: Int,
            maxMonths: Int, approverRoles: [StaffRoleCode], delegatedApproverRoles: [StaffRoleCode]
        ) {
            self.coordinationThresholdMonths = coordinationThresholdMonths
            self.deadlineDays = deadlineDays
            self.deadlineStopEvent = deadlineStopEvent
            self.minMonths = minMonths
            self.maxMonths = maxMonths
            self.approverRoles = approverRoles
            self.delegatedApproverRoles = delegatedApproverRoles
        }

        /// L16: the allowed plan lengths in months.
        public var monthsAllowed: ClosedRange<Int> { minMonths...max(minMonths, maxMonths) }
    }

    /// L21 (art. 30): what an IPUS coordinator must have evidenced.
    public struct Coordinator: Codable, Hashable, Sendable {
        public var minExperienceYears: Int
        /// All of these are required before the role is granted.
        public var requiredEvidence: [CoordinatorEvidenceCode]

        public init(minExperienceYears: Int, requiredEvidence: [CoordinatorEvidenceCode]) {
            self.minExperienceYears = minExperienceYears
            self.requiredEvidence = requiredEvidence
        }
    }

    /// L24: fees follow the programme.
    public struct Fee: Codable, Hashable, Sendable {
        public var decisionRequired: Bool
        public var exemptionKinds: [FeeExemptionKindCode]

        public init(decisionRequired: Bool, exemptionKinds: [FeeExemptionKindCode]) {
            self.decisionRequired = decisionRequired
            self.exemptionKinds = exemptionKinds
        }
    }

    /// L7: how often the needs-and-potential diagnosis is redone.
    public struct Diagnosis: Codable, Hashable, Sendable {
        public var refreshYears: Int

        public init(refreshYears: Int) { self.refreshYears = refreshYears }
    }

    /// L27 🟡: what a CUS transformed from an OPS must run.
    public struct TransformedOps: Codable, Hashable, Sendable {
        public var minOtherServiceKinds: Int

        public init(minOtherServiceKinds: Int) { self.minOtherServiceKinds = minOtherServiceKinds }
    }

    /// L29 🟡: yearly due dates of the statutory reports.
    public struct Reporting: Codable, Hashable, Sendable {
        public var mrpips03Due: [MonthDay]
        public var ozpsDue: MonthDay

        public init(mrpips03Due: [MonthDay], ozpsDue: MonthDay) {
            self.mrpips03Due = mrpips03Due
            self.ozpsDue = ozpsDue
        }
    }

    /// L28, domain.md §6.3 ❓: small-cell suppression of published figures.
    public struct Privacy: Codable, Hashable, Sendable {
        /// Counts from 1 to this minus one are shown as `<k`.
        public var smallCellThreshold: Int

        public init(smallCellThreshold: Int) { self.smallCellThreshold = smallCellThreshold }
    }

    /// L10, domain.md §4.5 ❓: backdated applications.
    public struct Application: Codable, Hashable, Sendable {
        /// An application whose `filedAt` is more than this many days before its `occurredAt` is accepted with an
        /// alert and needs a reason; 0 flags any backdating.
        public var backdatingAlertDays: Int

        public init(backdatingAlertDays: Int) { self.backdatingAlertDays = backdatingAlertDays }
    }

    /// L28 ❓: how long personal data is kept; a placeholder until domain.md §8 question 9 is answered.
    public struct Retention: Codable, Hashable, Sendable {
        public var personalDataYears: Int

        public init(personalDataYears: Int) { self.personalDataYears = personalDataYears }
    }
}
