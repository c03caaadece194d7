/// Why `FeeAccountDecider` refused a command: L24 (fees follow the programme's rule; exemptions partial or total,
/// decided with authority), L25 (an exemption cites a precise rule of the programme; decision form per rule set),
/// L26 (a free programme charges nothing), or a state or input check (rule nil). Messages carry ids and amounts
/// only, never grounds or income.
public enum FeeAccountRejection: DomainRejection {
    case notPermitted(role: ActorRole)
    case invalidFields([FieldViolation])
    /// The command names another person or programme than the account's stream.
    case wrongAccount
    case reasonMissing
    case amountNotPositive(amount: Int64)
    case amountTooLarge(amount: Int64)

    case programmeFree
    case wrongProgramme
    case invalidChargePeriod(chargePeriod: String)
    case noUnits
    case noFeeRule(serviceId: String)
    case feeRuleNotInForce(feeRuleId: String, chargePeriod: String)
    case incomeTierMismatch
    case amountMismatch(field: String, expected: Int64, given: Int64)
    case exemptionMismatch(expected: ExemptionID?)
    case chargeExists(chargeId: ChargeID)
    case alreadyCharged(chargePeriod: String, serviceId: String)

    case notAuthorisedToDecide
    case exemptionExists(exemptionId: ExemptionID)
    case noServices
    case unknownExemptionRule(exemptionRuleId: String, serviceId: String)
    case exemptionDoesNotMatchRule(exemptionRuleId: String)
    case exemptionKindNotAllowed(kind: ExemptionKind)
    case exemptionPercentOutOfRange(kind: ExemptionKind, percent: UInt64)
    case periodEndsBeforeStart(from: LocalDate, to: LocalDate)
    case overlappingExemption(exemptionId: ExemptionID)
    case decisionRefRequired
    case noPendingRequest
    case unknownExemption(exemptionId: ExemptionID)
    case exemptionNotActive(exemptionId: ExemptionID)

    case referenceMissing
    case unknownCharge(chargeId: ChargeID)
    case exceedsOutstanding(chargeId: ChargeID, outstanding: Int64, amount: Int64)
    case allocationExceedsPayment(allocated: Int64, amount: Int64)

    public var rule: String? {
        switch self {
        case .programmeFree: "L26"
        case .noFeeRule, .feeRuleNotInForce, .incomeTierMismatch, .amountMismatch, .exemptionMismatch,
            .notAuthorisedToDecide, .exemptionKindNotAllowed, .exemptionPercentOutOfRange, .overlappingExemption:
            "L24"
        case .unknownExemptionRule, .exemptionDoesNotMatchRule, .decisionRefRequired: "L25"
        default: nil
        }
    }

    public var code: String {
        switch self {
        case .notPermitted: "not-permitted"
        case .invalidFields: "invalid-fields"
        case .wrongAccount: "wrong-account"
        case .reasonMissing: "reason-missing"
        case .amountNotPositive: "amount-not-positive"
        case .amountTooLarge: "amount-too-large"
        case .programmeFree: "programme-free"
        case .wrongProgramme: "wrong-programme"
        case .invalidChargePeriod: "invalid-charge-period"
        case .noUnits: "no-units"
        case .noFeeRule: "no-fee-rule"
        case .feeRuleNotInForce: "fee-rule-not-in-force"
        case .incomeTierMismatch: "income-tier-mismatch"
        case .amountMismatch: "amount-mismatch"
        case .exemptionMismatch: "exemption-mismatch"
        case .chargeExists: "charge-exists"
        case .alreadyCharged: "already-charged"
        case .notAuthorisedToDecide: "not-authorised-to-decide"
        case .exemptionExists: "exemption-exists"
        case .noServices: "no-services"
        case .unknownExemptionRule: "unknown-exemption-rule"
        case .exemptionDoesNotMatchRule: "exemption-does-not-match-rule"
        case .exemptionKindNotAllowed: "exemption-kind-not-allowed"
        case .exemptionPercentOutOfRange: "exemption-percent-out-of-range"
        case .periodEndsBeforeStart: "period-ends-before-start"
        case .overlappingExemption: "overlapping-exemption"
        case .decisionRefRequired: "decision-ref-required"
        case .noPendingRequest: "no-pending-request"
        case .unknownExemption: "unknown-exemption"
        case .exemptionNotActive: "exemption-not-active"
        case .referenceMissing: "reference-missing"
        case .unknownCharge: "unknown-charge"
        case .exceedsOutstanding: "exceeds-outstanding"
        case .allocationExceedsPayment: "allocation-exceeds-payment"
        }
    }

    public var description: String {
        let reason =
            switch self {
            case .notPermitted(let role): RejectionText.notPermitted(role)
            case .invalidFields(let violations): RejectionText.invalidFields(violations)
            case .wrongAccount: "the command names another fee account than its stream"
            case .reasonMissing: "a reason is required"
            case .amountNotPositive(let amount): "the amount must be positive (\(amount))"
            case .amountTooLarge(let amount): "the amount \(amount) is over the limit"
            case .programmeFree: "the programme charges no fees"
            case .wrongProgramme: "the programme given is not the account's"
            case .invalidChargePeriod(let period): "\(period) is not a month (YYYY-MM)"
            case .noUnits: "a charge needs units"
            case .noFeeRule(let id): "service \(id) has no fee rule"
            case .feeRuleNotInForce(let id, let period): "fee rule \(id) is not in force in \(period)"
            case .incomeTierMismatch: "the income tier does not fit the fee rule"
            case .amountMismatch(let field, let expected, let given): "\(field) is \(given), the rule gives \(expected)"
            case .exemptionMismatch(let expected):
                "the exemption applying is \(expected.map(\.description) ?? "none")"
            case .chargeExists(let id): "charge \(id) already exists"
            case .alreadyCharged(let period, let service): "\(service) is already charged for \(period)"
            case .notAuthorisedToDecide: "only the director or a delegate with this scope decides"
            case .exemptionExists(let id): "exemption \(id) already exists"
            case .noServices: "an exemption names at least one service"
            case .unknownExemptionRule(let rule, let service):
                "exemption rule \(rule) is not in the fee rule of service \(service)"
            case .exemptionDoesNotMatchRule(let rule): "the kind or percent differs from exemption rule \(rule)"
            case .exemptionKindNotAllowed(let kind): "the rule set does not allow \(kind.rawValue) exemptions"
            case .exemptionPercentOutOfRange(let kind, let percent):
                "a \(kind.rawValue) exemption cannot be \(percent) %"
            case .periodEndsBeforeStart(let from, let to): "the period from \(from) to \(to) ends before it starts"
            case .overlappingExemption(let id): "exemption \(id) already covers part of the period"
            case .decisionRefRequired: "the rule set requires a decision reference"
            case .noPendingRequest: "no exemption request is pending"
            case .unknownExemption(let id): "exemption \(id) does not exist"
            case .exemptionNotActive(let id): "exemption \(id) is not active then"
            case .referenceMissing: "a payment reference is required"
            case .unknownCharge(let id): "charge \(id) does not exist"
            case .exceedsOutstanding(let id, let outstanding, let amount):
                "\(amount) exceeds the \(outstanding) outstanding on charge \(id)"
            case .allocationExceedsPayment(let allocated, let amount):
                "allocations of \(allocated) exceed the payment of \(amount)"
            }
        return rule.map { "\($0): \(reason)" } ?? reason
    }
}
