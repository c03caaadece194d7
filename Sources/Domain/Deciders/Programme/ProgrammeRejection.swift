/// Why `ProgrammeDecider` refused a command: the rule of domain.md §3.2 and its parameters, or a state or input
/// error. Messages name services and rules by code only, never people.
public enum ProgrammeRejection: DomainRejection {
    /// Which part of the council's resolution is missing (L4).
    public enum ResolutionField: String, Hashable, Sendable {
        case resolutionRef, resolutionDate, journalRef
    }

    case notPermitted(role: ActorRole)
    /// The command names another programme than the stream it was decided on.
    case wrongProgramme
    case notAdopted
    case alreadyAdopted
    case alreadyEnded
    case invalidFields([FieldViolation])

    /// L4: the resolution's number, date or journal reference is missing.
    case resolutionMissing(ResolutionField)
    /// L4: a resolution dated after the day it is recorded.
    case resolutionDateInFuture(resolutionDate: LocalDate)
    /// L4: the programme must end after it starts.
    case invalidPeriod(from: LocalDate, to: LocalDate)
    /// L4: an amendment takes effect before the programme or its current version does.
    case amendmentTooEarly(effectiveFrom: LocalDate, earliest: LocalDate)
    /// L4: an end date after the programme's last day.
    case endAfterProgramme(endDate: LocalDate, effectiveTo: LocalDate)

    /// L1: the area is not one of the rule set's statutory areas.
    case areaNotInRuleSet(area: ServiceArea)
    /// L1: social services are non-material.
    case materialService(serviceId: String)
    /// L1: whom the service addresses is not given.
    case addresseeTypeMissing(serviceId: String)
    /// L2: the statute whose actions the service carries out is not named.
    case statutoryBasisMissing(serviceId: String)
    /// L3: a county task without an agreement covering it for the whole period.
    case countyTaskWithoutAgreement(serviceId: String)
    /// L3: an agreement that names no service.
    case agreementWithoutServices
    case agreementAlreadyRecorded(agreementId: AgreementID)
    /// Redefining a service needs an amendment since it was last defined.
    case serviceAlreadyDefined(serviceId: String)

    /// L26: a free programme has no fee rules.
    case feeRuleOnFreeProgramme
    case unknownService(serviceId: String)
    case unknownFeeRule(feeRuleId: String)
    case feeRuleWithoutServices
    /// L24: the rate per unit must be positive.
    case rateNotPositive(rate: Int64)
    /// L24: a tier must run from a non-negative income to a higher one and charge at most 100 %.
    case invalidIncomeTier(index: Int)
    /// L24: tiers must be ordered by income and disjoint; only the last may be open-ended.
    case incomeTiersOverlap(index: Int)
    /// L24: the rule set does not allow this exemption kind.
    case exemptionKindNotAllowed(kind: ExemptionKind)
    /// L25: an exemption rule without precise criteria.
    case exemptionCriteriaMissing(exemptionRuleId: String)
    /// L25: partial means 0 < percent < 100, total means 100.
    case exemptionPercentOutOfRange(kind: ExemptionKind, percent: UInt64)
    case duplicateExemptionRule(exemptionRuleId: String)
    /// A fee rule outside the programme's period.
    case outsideProgrammePeriod(from: LocalDate, to: LocalDate?)
    /// A fee rule or agreement whose last day is not after its first.
    case periodEndsBeforeStart(from: LocalDate, to: LocalDate)

    public var rule: String? {
        switch self {
        case .notPermitted, .wrongProgramme, .notAdopted, .alreadyAdopted, .alreadyEnded, .invalidFields,
            .agreementAlreadyRecorded, .serviceAlreadyDefined, .unknownService, .unknownFeeRule,
            .feeRuleWithoutServices, .duplicateExemptionRule, .outsideProgrammePeriod, .periodEndsBeforeStart:
            nil
        case .resolutionMissing, .resolutionDateInFuture, .invalidPeriod, .amendmentTooEarly, .endAfterProgramme:
            "L4"
        case .areaNotInRuleSet, .materialService, .addresseeTypeMissing: "L1"
        case .statutoryBasisMissing: "L2"
        case .countyTaskWithoutAgreement, .agreementWithoutServices: "L3"
        case .feeRuleOnFreeProgramme: "L26"
        case .rateNotPositive, .invalidIncomeTier, .incomeTiersOverlap, .exemptionKindNotAllowed: "L24"
        case .exemptionCriteriaMissing, .exemptionPercentOutOfRange: "L25"
        }
    }

    public var code: String {
        switch self {
        case .notPermitted: "not-permitted"
        case .wrongProgramme: "wrong-programme"
        case .notAdopted: "programme-not-adopted"
        case .alreadyAdopted: "programme-already-adopted"
        case .alreadyEnded: "programme-already-ended"
        case .invalidFields: "invalid-fields"
        case .resolutionMissing: "resolution-missing"
        case .resolutionDateInFuture: "resolution-date-in-future"
        case .invalidPeriod: "invalid-period"
        case .amendmentTooEarly: "amendment-too-early"
        case .endAfterProgramme: "end-after-programme"
        case .areaNotInRuleSet: "area-not-in-rule-set"
        case .materialService: "material-service"
        case .addresseeTypeMissing: "addressee-type-missing"
        case .statutoryBasisMissing: "statutory-basis-missing"
        case .countyTaskWithoutAgreement: "county-task-without-agreement"
        case .agreementWithoutServices: "agreement-without-services"
        case .agreementAlreadyRecorded: "agreement-already-recorded"
        case .serviceAlreadyDefined: "service-already-defined"
        case .feeRuleOnFreeProgramme: "fee-rule-on-free-programme"
        case .unknownService: "unknown-service"
        case .unknownFeeRule: "unknown-fee-rule"
        case .feeRuleWithoutServices: "fee-rule-without-services"
        case .rateNotPositive: "rate-not-positive"
        case .invalidIncomeTier: "invalid-income-tier"
        case .incomeTiersOverlap: "income-tiers-overlap"
        case .exemptionKindNotAllowed: "exemption-kind-not-allowed"
        case .exemptionCriteriaMissing: "exemption-criteria-missing"
        case .exemptionPercentOutOfRange: "exemption-percent-out-of-range"
        case .duplicateExemptionRule: "duplicate-exemption-rule"
        case .outsideProgrammePeriod: "outside-programme-period"
        case .periodEndsBeforeStart: "period-ends-before-start"
        }
    }

    public var description: String {
        let reason =
            switch self {
            case .notPermitted(let role): "the \(role.rawValue) role may not record programme acts"
            case .wrongProgramme: "the command names another programme than its stream"
            case .notAdopted: "the programme has not been adopted"
            case .alreadyAdopted: "the programme has already been adopted"
            case .alreadyEnded: "the programme has ended"
            case .invalidFields(let violations): RejectionText.invalidFields(violations)
            case .resolutionMissing(let field): "the resolution's \(field.rawValue) is required"
            case .resolutionDateInFuture(let date): "the resolution date \(date) is after the day it is recorded"
            case .invalidPeriod(let from, let to): "the period must end after it starts (\(from) to \(to))"
            case .amendmentTooEarly(let from, let earliest): "an amendment from \(from) is before \(earliest)"
            case .endAfterProgramme(let end, let to): "the end date \(end) is after the programme's last day \(to)"
            case .areaNotInRuleSet(let area): "\(area.rawValue) is not a statutory service area of the rule set"
            case .materialService(let id): "service \(id) is material; social services are non-material"
            case .addresseeTypeMissing(let id): "service \(id) names no addressee type"
            case .statutoryBasisMissing(let id): "service \(id) names no statutory basis"
            case .countyTaskWithoutAgreement(let id):
                "service \(id) is a county task without a county agreement covering the whole period"
            case .agreementWithoutServices: "a county agreement must name at least one service"
            case .agreementAlreadyRecorded(let id): "agreement \(id) is already recorded"
            case .serviceAlreadyDefined(let id): "service \(id) is already defined; amend the programme first"
            case .feeRuleOnFreeProgramme: "a free programme has no fee rules"
            case .unknownService(let id): "service \(id) is not defined in the programme"
            case .unknownFeeRule(let id): "fee rule \(id) is not defined in the programme"
            case .feeRuleWithoutServices: "a fee rule must name at least one service"
            case .rateNotPositive(let rate): "the rate must be positive, not \(rate)"
            case .invalidIncomeTier(let index): "income tier \(index) is empty, negative or above 100 %"
            case .incomeTiersOverlap(let index): "income tier \(index) overlaps or precedes the one before it"
            case .exemptionKindNotAllowed(let kind): "the rule set does not allow \(kind.rawValue) exemptions"
            case .exemptionCriteriaMissing(let id): "exemption rule \(id) has no criteria"
            case .exemptionPercentOutOfRange(let kind, let percent):
                "a \(kind.rawValue) exemption cannot be \(percent) %"
            case .duplicateExemptionRule(let id): "exemption rule \(id) appears twice"
            case .outsideProgrammePeriod(let from, let to):
                "the period from \(from) to \(to.map(\.description) ?? "open end") is not within the programme"
            case .periodEndsBeforeStart(let from, let to): "the period must end after it starts (\(from) to \(to))"
            }
        return rule.map { "\($0): \(reason)" } ?? reason
    }
}
