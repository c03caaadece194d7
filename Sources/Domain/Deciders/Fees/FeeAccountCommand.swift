/// A command on one resident's fee account in one programme (`feeaccount-<v5(personRef, programmeId)>`, domain.md
/// §4.8): charges, exemptions, payments, cancellations and write-offs. Facts from other streams (the programme's fee
/// rules, the deciding staff member's delegations) travel in the action.
public struct FeeAccountCommand: Hashable, Sendable {
    public var personRef: PersonRef
    public var programmeId: ProgrammeID
    public var action: FeeAccountAction

    public init(personRef: PersonRef, programmeId: ProgrammeID, action: FeeAccountAction) {
        self.personRef = personRef
        self.programmeId = programmeId
        self.action = action
    }
}

public enum FeeAccountAction: Hashable, Sendable {
    case assess(AssessFee)
    case requestExemption(RequestFeeExemption)
    case grantExemption(GrantFeeExemption)
    case refuseExemption(RefuseFeeExemption)
    case revokeExemption(RevokeFeeExemption)
    case receivePayment(ReceivePayment)
    case cancelCharge(CancelCharge)
    case writeOffCharge(WriteOffCharge)
}

/// Charges a month's units of a service (L24: no decision, the fee follows the programme). The amounts are the
/// caller's computation; the decider recomputes them and refuses any difference.
public struct AssessFee: Hashable, Sendable {
    public var chargeId: ChargeID
    /// "YYYY-MM".
    public var chargePeriod: String
    public var serviceId: String
    public var units: UInt64
    /// Grosze per unit: the fee rule's rate, scaled by the income tier's percent when the rule has tiers.
    public var rate: Int64
    public var gross: Int64
    public var exemptionId: ExemptionID?
    public var exempted: Int64
    public var net: Int64
    /// The index of the fee rule's income tier the resident falls in; nil when the rule has no tiers.
    public var incomeTierIndex: Int?
    public var programme: ProgrammeState
    public var personal: FeeAssessed.Personal?

    public init(
        chargeId: ChargeID, chargePeriod: String, serviceId: String, units: UInt64, rate: Int64, gross: Int64,
        exemptionId: ExemptionID? = nil, exempted: Int64 = 0, net: Int64, incomeTierIndex: Int? = nil,
        programme: ProgrammeState, personal: FeeAssessed.Personal? = nil
    ) {
        self.chargeId = chargeId
        self.chargePeriod = chargePeriod
        self.serviceId = serviceId
        self.units = units
        self.rate = rate
        self.gross = gross
        self.exemptionId = exemptionId
        self.exempted = exempted
        self.net = net
        self.incomeTierIndex = incomeTierIndex
        self.programme = programme
        self.personal = personal
    }
}

/// The resident asks for a partial or total exemption (Record).
public struct RequestFeeExemption: Hashable, Sendable {
    public var requestedKind: ExemptionKind
    public var personal: FeeExemptionRequested.Personal?

    public init(requestedKind: ExemptionKind, personal: FeeExemptionRequested.Personal? = nil) {
        self.requestedKind = requestedKind
        self.personal = personal
    }
}

/// Grants an exemption under an exemption rule of the programme's fee rule (L24, L25).
public struct GrantFeeExemption: Hashable, Sendable {
    public var exemptionId: ExemptionID
    public var kind: ExemptionKind
    public var percent: UInt64
    public var validFrom: LocalDate
    /// The last day, inclusive; nil while the programme runs.
    public var validTo: LocalDate?
    public var serviceIds: [String]
    public var exemptionRuleId: String
    public var decisionRef: String?
    public var programme: ProgrammeState
    /// The deciding staff member's state, for a delegate's `decideFeeExemptions` (nil for a director).
    public var decider: StaffState?
    public var personal: FeeExemptionGranted.Personal?

    public init(
        exemptionId: ExemptionID, kind: ExemptionKind, percent: UInt64, validFrom: LocalDate, validTo: LocalDate?,
        serviceIds: [String], exemptionRuleId: String, decisionRef: String? = nil, programme: ProgrammeState,
        decider: StaffState? = nil, personal: FeeExemptionGranted.Personal? = nil
    ) {
        self.exemptionId = exemptionId
        self.kind = kind
        self.percent = percent
        self.validFrom = validFrom
        self.validTo = validTo
        self.serviceIds = serviceIds
        self.exemptionRuleId = exemptionRuleId
        self.decisionRef = decisionRef
        self.programme = programme
        self.decider = decider
        self.personal = personal
    }
}

/// Refuses the pending request.
public struct RefuseFeeExemption: Hashable, Sendable {
    public var decisionRef: String?
    public var decider: StaffState?
    public var personal: FeeExemptionRefused.Personal?

    public init(
        decisionRef: String? = nil, decider: StaffState? = nil, personal: FeeExemptionRefused.Personal? = nil
    ) {
        self.decisionRef = decisionRef
        self.decider = decider
        self.personal = personal
    }
}

/// Ends an active exemption from `effectiveFrom`, the first day without it.
public struct RevokeFeeExemption: Hashable, Sendable {
    public var exemptionId: ExemptionID
    public var effectiveFrom: LocalDate
    public var decisionRef: String?
    public var decider: StaffState?
    public var personal: FeeExemptionRevoked.Personal?

    public init(
        exemptionId: ExemptionID, effectiveFrom: LocalDate, decisionRef: String? = nil, decider: StaffState? = nil,
        personal: FeeExemptionRevoked.Personal? = nil
    ) {
        self.exemptionId = exemptionId
        self.effectiveFrom = effectiveFrom
        self.decisionRef = decisionRef
        self.decider = decider
        self.personal = personal
    }
}

/// A payment and how it is allocated to charges; whatever is not allocated becomes credit.
public struct ReceivePayment: Hashable, Sendable {
    public var paymentReference: String
    public var amount: Int64
    public var receivedOn: LocalDate
    public var method: PaymentMethod
    public var allocations: [PaymentAllocation]

    public init(
        paymentReference: String, amount: Int64, receivedOn: LocalDate, method: PaymentMethod,
        allocations: [PaymentAllocation]
    ) {
        self.paymentReference = paymentReference
        self.amount = amount
        self.receivedOn = receivedOn
        self.method = method
        self.allocations = allocations
    }
}

/// Cancels all or part of a charge's outstanding amount (e.g. before re-assessing under a retroactive exemption).
public struct CancelCharge: Hashable, Sendable {
    public var chargeId: ChargeID
    public var amount: Int64
    public var reason: String

    public init(chargeId: ChargeID, amount: Int64, reason: String) {
        self.chargeId = chargeId
        self.amount = amount
        self.reason = reason
    }
}

/// Writes off all or part of a charge's outstanding amount (director or a `writeOffCharges` delegate).
public struct WriteOffCharge: Hashable, Sendable {
    public var chargeId: ChargeID
    public var amount: Int64
    public var reason: String
    public var decisionRef: String?
    public var decider: StaffState?

    public init(
        chargeId: ChargeID, amount: Int64, reason: String, decisionRef: String? = nil, decider: StaffState? = nil
    ) {
        self.chargeId = chargeId
        self.amount = amount
        self.reason = reason
        self.decisionRef = decisionRef
        self.decider = decider
    }
}
