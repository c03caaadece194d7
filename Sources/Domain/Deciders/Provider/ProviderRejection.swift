/// Why `ProviderDecider` refused a command: the rule of domain.md §3.2 and its parameters, or a state or input
/// error. Messages never echo registry numbers or contact persons.
public enum ProviderRejection: DomainRejection {
    case notPermitted(role: ActorRole)
    /// The command names another provider than the stream it was decided on.
    case wrongProvider
    case notRegistered
    case alreadyRegistered
    case invalidFields([FieldViolation])
    case invalidKRS
    case invalidREGON
    case invalidNIP

    case providerSuspended
    case alreadySuspended
    /// The programme is not adopted or has ended.
    case programmeNotActive
    /// The programme passed in is not the one the engagement belongs to.
    case wrongProgramme
    case noServices
    case serviceNotInProgramme(serviceId: String)
    case periodEndsBeforeStart(from: LocalDate, to: LocalDate)
    case outsideProgrammePeriod(from: LocalDate, to: LocalDate?)
    case negativeUnitRate(unitRate: Int64)
    case engagementAlreadyExists(engagementId: EngagementID)
    case unknownEngagement(engagementId: EngagementID)
    case engagementAlreadyEnded(engagementId: EngagementID)
    case engagementNotActive(engagementId: EngagementID, on: LocalDate)
    case serviceNotInEngagement(serviceId: String)
    case nothingToAmend

    /// L3: a county task, or a county-agreement engagement, without an agreement covering the whole period.
    case countyTaskWithoutAgreement(serviceId: String)
    /// L3: the agreement named is not recorded on the programme.
    case unknownAgreement(agreementId: AgreementID)

    public var rule: String? {
        switch self {
        case .countyTaskWithoutAgreement, .unknownAgreement: "L3"
        default: nil
        }
    }

    public var code: String {
        switch self {
        case .notPermitted: "not-permitted"
        case .wrongProvider: "wrong-provider"
        case .notRegistered: "provider-not-registered"
        case .alreadyRegistered: "provider-already-registered"
        case .invalidFields: "invalid-fields"
        case .invalidKRS: "invalid-krs"
        case .invalidREGON: "invalid-regon"
        case .invalidNIP: "invalid-nip"
        case .providerSuspended: "provider-suspended"
        case .alreadySuspended: "provider-already-suspended"
        case .programmeNotActive: "programme-not-active"
        case .wrongProgramme: "wrong-programme"
        case .noServices: "no-services"
        case .serviceNotInProgramme: "service-not-in-programme"
        case .periodEndsBeforeStart: "period-ends-before-start"
        case .outsideProgrammePeriod: "outside-programme-period"
        case .negativeUnitRate: "negative-unit-rate"
        case .engagementAlreadyExists: "engagement-already-exists"
        case .unknownEngagement: "unknown-engagement"
        case .engagementAlreadyEnded: "engagement-already-ended"
        case .engagementNotActive: "engagement-not-active"
        case .serviceNotInEngagement: "service-not-in-engagement"
        case .nothingToAmend: "nothing-to-amend"
        case .countyTaskWithoutAgreement: "county-task-without-agreement"
        case .unknownAgreement: "unknown-agreement"
        }
    }

    public var description: String {
        let reason =
            switch self {
            case .notPermitted(let role): "the \(role.rawValue) role may not record provider acts"
            case .wrongProvider: "the command names another provider than its stream"
            case .notRegistered: "the provider is not registered"
            case .alreadyRegistered: "the provider is already registered"
            case .invalidFields(let violations): RejectionText.invalidFields(violations)
            case .invalidKRS: "a KRS number has 10 digits"
            case .invalidREGON: "a REGON number has 9 or 14 digits"
            case .invalidNIP: "a NIP number has 10 digits and a valid check digit"
            case .providerSuspended: "the provider is suspended during the period"
            case .alreadySuspended: "the provider is already suspended then"
            case .programmeNotActive: "the programme is not adopted or has ended"
            case .wrongProgramme: "the programme given is not the engagement's"
            case .noServices: "an engagement must name at least one service"
            case .serviceNotInProgramme(let id): "service \(id) is not defined in the programme"
            case .periodEndsBeforeStart(let from, let to): "the period from \(from) to \(to) ends too early"
            case .outsideProgrammePeriod(let from, let to):
                "the period from \(from) to \(to.map(\.description) ?? "open end") is not within the programme"
            case .negativeUnitRate(let rate): "the unit rate cannot be negative (\(rate))"
            case .engagementAlreadyExists(let id): "engagement \(id) already exists"
            case .unknownEngagement(let id): "engagement \(id) does not exist"
            case .engagementAlreadyEnded(let id): "engagement \(id) has ended"
            case .engagementNotActive(let id, let date): "engagement \(id) does not run on \(date)"
            case .serviceNotInEngagement(let id): "service \(id) is not part of the engagement"
            case .nothingToAmend: "an amendment changes the unit rate, the last day or both"
            case .countyTaskWithoutAgreement(let id):
                "service \(id) needs a county agreement covering the whole engagement"
            case .unknownAgreement(let id): "agreement \(id) is not recorded on the programme"
            }
        return rule.map { "\($0): \(reason)" } ?? reason
    }
}
