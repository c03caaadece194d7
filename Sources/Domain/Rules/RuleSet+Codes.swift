// The closed sets of the rule-set file are plain codes here, because their domain types (`ServiceArea`, roles, …)
// belong to other parts of `Domain`; `validate()` checks each code against the vocabulary below, which mirrors the
// enums of `Schemas/rules/rule-set.schema.json`.
extension RuleSet {
    /// A `ServiceArea` code of domain.md §2, e.g. `socialAssistance`.
    public typealias ServiceAreaCode = String
    /// `self`, `legalRepresentative` or `deFactoGuardian` (L9).
    public typealias ApplicantRoleCode = String
    /// `centre` or `placeOfStay` (L12).
    public typealias AssessmentPlaceCode = String
    /// A staff role code of domain.md §1, e.g. `director`.
    public typealias StaffRoleCode = String
    /// One of the four art. 30 requirements (L21), e.g. `ipusTraining`.
    public typealias CoordinatorEvidenceCode = String
    /// `partial` or `total` (L24).
    public typealias FeeExemptionKindCode = String
    /// An event type name of domain.md §4, e.g. `PlanApproved`.
    public typealias EventTypeName = String

    /// The 14 areas of art. 2 ust. 1, in statutory order.
    public static let knownServiceAreaCodes: [ServiceAreaCode] = [
        "proFamilyPolicy", "familySupport", "fosterCare", "socialAssistance", "healthPromotion", "disabilitySupport",
        "publicEducation", "unemploymentPrevention", "culture", "sportAndTourism", "civicActivation", "housing",
        "environmentalProtection", "socialAndVocationalReintegration",
    ]

    public static let knownApplicantRoleCodes: [ApplicantRoleCode] = ["self", "legalRepresentative", "deFactoGuardian"]

    public static let knownAssessmentPlaceCodes: [AssessmentPlaceCode] = ["centre", "placeOfStay"]

    public static let knownStaffRoleCodes: [StaffRoleCode] = [
        "intakeClerk", "coordinator", "servicesOrganiser", "communityOrganiser", "director", "providerStaff",
        "financeOfficer", "auditor", "evaluator", "operator", "system",
    ]

    public static let knownCoordinatorEvidenceCodes: [CoordinatorEvidenceCode] = [
        "socialWorkQualification", "socialWorkExperience", "ipusTraining", "noConvictionStatement",
    ]

    public static let knownFeeExemptionKindCodes: [FeeExemptionKindCode] = ["partial", "total"]
}
