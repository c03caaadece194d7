/// Decides one resident's fees in one programme (domain.md §4.8) on `feeaccount-<v5(personRef, programmeId)>`:
/// monthly charges recomputed from the programme's fee rule and the exemption in force (L24, L26), exemptions
/// decided by the director or a delegate under a rule of the programme (L24, L25), payments allocated to charges with
/// the excess kept as credit, cancellations and write-offs never beyond what is outstanding.
///
/// A repeated payment reference decides no events: with the natural-key command id (ledger.md G4) a bank import
/// retried is a no-op.
public enum FeeAccountDecider: Decider {
    public typealias Command = FeeAccountCommand
    public typealias State = FeeAccountState
    public typealias Rejection = FeeAccountRejection

    public static let initialState = FeeAccountState()
    /// The largest amount one command may move, in grosze (PLN 10 million): far above any fee, and far from overflow.
    public static let amountMax: Int64 = 1_000_000_000

    public static func decide(
        _ command: FeeAccountCommand, state: FeeAccountState, rules: RuleContext
    ) throws(FeeAccountRejection) -> [DomainEvent] {
        if let personRef = state.personRef, personRef != command.personRef || state.programmeId != command.programmeId {
            throw .wrongAccount
        }
        let events: [DomainEvent]
        switch command.action {
        case .assess(let assess):
            try require(rules, [.system, .financeOfficer])
            events = try decideAssessment(assess, command: command, state: state)
        case .requestExemption(let request):
            try require(rules, [.intakeClerk, .coordinator, .financeOfficer, .director])
            events = try decideRequest(request, command: command, rules: rules)
        case .grantExemption(let grant):
            events = try decideGrant(grant, command: command, state: state, rules: rules)
        case .refuseExemption(let refusal):
            events = try decideRefusal(refusal, command: command, state: state, rules: rules)
        case .revokeExemption(let revocation):
            events = try decideRevocation(revocation, command: command, state: state, rules: rules)
        case .receivePayment(let payment):
            try require(rules, [.financeOfficer, .intakeClerk, .system])
            events = try decidePayment(payment, command: command, state: state)
        case .cancelCharge(let cancel):
            try require(rules, [.financeOfficer, .director, .system])
            events = try decideCancellation(cancel, command: command, state: state)
        case .writeOffCharge(let writeOff):
            events = try decideWriteOff(writeOff, command: command, state: state, rules: rules)
        }
        let violations = events.flatMap(\.fieldViolations)
        guard violations.isEmpty else { throw .invalidFields(violations) }
        return events
    }

    public static func evolve(_ state: FeeAccountState, _ event: DomainEvent) -> FeeAccountState {
        state.applying(event)
    }

    static func require(_ rules: RuleContext, _ roles: [ActorRole]) throws(FeeAccountRejection) {
        guard roles.contains(rules.actor.role) else { throw .notPermitted(role: rules.actor.role) }
    }

    /// The director decides; anyone else needs a delegation of `scope` on the day (L24: who decides is ❓, so the
    /// centre's delegations say it).
    static func requireAuthority(
        _ scope: DelegationScope, decider: StaffState?, rules: RuleContext
    ) throws(FeeAccountRejection) -> StaffID {
        guard let staffID = rules.actor.staffID else { throw .notAuthorisedToDecide }
        if rules.actor.role == .director { return staffID }
        guard let decider, decider.staffId == staffID, decider.hasDelegation(scope, on: rules.today) else {
            throw .notAuthorisedToDecide
        }
        return staffID
    }

    private static func decideAssessment(
        _ assess: AssessFee, command: FeeAccountCommand, state: FeeAccountState
    ) throws(FeeAccountRejection) -> [DomainEvent] {
        let programme = assess.programme
        guard programme.programmeId == command.programmeId else { throw .wrongProgramme }
        guard programme.feeRegime == .charged else { throw .programmeFree }
        guard let month = ChargePeriod(assess.chargePeriod) else {
            throw .invalidChargePeriod(chargePeriod: assess.chargePeriod)
        }
        guard assess.units > 0 else { throw .noUnits }
        guard state.charges[assess.chargeId] == nil else { throw .chargeExists(chargeId: assess.chargeId) }
        guard state.charge(for: assess.chargePeriod, serviceId: assess.serviceId) == nil else {
            throw .alreadyCharged(chargePeriod: assess.chargePeriod, serviceId: assess.serviceId)
        }
        guard let current = programme.feeRule(forService: assess.serviceId) else {
            throw .noFeeRule(serviceId: assess.serviceId)
        }
        guard let rule = programme.feeRule(forService: assess.serviceId, from: month.firstDay, through: month.lastDay)
        else { throw .feeRuleNotInForce(feeRuleId: current.feeRuleId, chargePeriod: assess.chargePeriod) }
        let rate = try rate(of: rule, tierIndex: assess.incomeTierIndex)
        let (gross, overflow) = Int64(clamping: assess.units).multipliedReportingOverflow(by: rate)
        guard !overflow, gross <= amountMax else { throw .amountTooLarge(amount: overflow ? .max : gross) }
        let exemption = state.exemption(forService: assess.serviceId, from: month.firstDay, through: month.lastDay)
        // Exempted grosze round down, so the resident never pays less than the rule's share (L24).
        let exempted = exemption.map { gross * Int64($0.percent) / 100 } ?? 0
        let net = gross - exempted
        for (field, expected, given) in [
            ("rate", rate, assess.rate), ("gross", gross, assess.gross), ("exempted", exempted, assess.exempted),
            ("net", net, assess.net),
        ] where expected != given {
            throw .amountMismatch(field: field, expected: expected, given: given)
        }
        guard exemption?.exemptionId == assess.exemptionId else {
            throw .exemptionMismatch(expected: exemption?.exemptionId)
        }
        let assessed = FeeAssessed(
            personRef: command.personRef, programmeId: command.programmeId, chargeId: assess.chargeId,
            chargePeriod: assess.chargePeriod, serviceId: assess.serviceId, units: assess.units, rate: rate,
            gross: gross, exemptionId: exemption?.exemptionId, exempted: exempted, net: net, feeRuleId: rule.feeRuleId,
            feeRuleVersion: rule.feeRuleVersion, personal: assess.personal)
        return [.feeAssessed(assessed)]
    }

    /// The rule's rate, scaled by the income tier's percent when the rule has tiers (one must then be named).
    private static func rate(of rule: FeeRuleDefined, tierIndex: Int?) throws(FeeAccountRejection) -> Int64 {
        guard !rule.incomeTiers.isEmpty else {
            guard tierIndex == nil else { throw .incomeTierMismatch }
            return rule.rate
        }
        guard let tierIndex, rule.incomeTiers.indices.contains(tierIndex) else { throw .incomeTierMismatch }
        return rule.rate * Int64(clamping: rule.incomeTiers[tierIndex].feePercent) / 100
    }

    private static func decidePayment(
        _ payment: ReceivePayment, command: FeeAccountCommand, state: FeeAccountState
    ) throws(FeeAccountRejection) -> [DomainEvent] {
        guard payment.paymentReference.hasContent else { throw .referenceMissing }
        guard !state.paymentReferences.contains(payment.paymentReference) else { return [] }
        try checkAmount(payment.amount)
        var perCharge: [ChargeID: Int64] = [:]
        var allocated: Int64 = 0
        for allocation in payment.allocations {
            try checkAmount(allocation.amount)
            guard let charge = state.charges[allocation.chargeId] else {
                throw .unknownCharge(chargeId: allocation.chargeId)
            }
            let total = perCharge[allocation.chargeId, default: 0] + allocation.amount
            guard total <= charge.outstanding else {
                throw .exceedsOutstanding(chargeId: charge.chargeId, outstanding: charge.outstanding, amount: total)
            }
            perCharge[allocation.chargeId] = total
            allocated += allocation.amount
            guard allocated <= payment.amount else {
                throw .allocationExceedsPayment(allocated: allocated, amount: payment.amount)
            }
        }
        let received = PaymentReceived(
            personRef: command.personRef, programmeId: command.programmeId,
            paymentReference: payment.paymentReference, amount: payment.amount, receivedOn: payment.receivedOn,
            method: payment.method, allocations: payment.allocations)
        return [.paymentReceived(received)]
    }

    private static func decideCancellation(
        _ cancel: CancelCharge, command: FeeAccountCommand, state: FeeAccountState
    ) throws(FeeAccountRejection) -> [DomainEvent] {
        guard cancel.reason.hasContent else { throw .reasonMissing }
        try checkWithinOutstanding(cancel.chargeId, amount: cancel.amount, state: state)
        let cancelled = ChargeCancelled(
            personRef: command.personRef, programmeId: command.programmeId, chargeId: cancel.chargeId,
            amount: cancel.amount, reason: cancel.reason)
        return [.chargeCancelled(cancelled)]
    }

    private static func decideWriteOff(
        _ writeOff: WriteOffCharge, command: FeeAccountCommand, state: FeeAccountState, rules: RuleContext
    ) throws(FeeAccountRejection) -> [DomainEvent] {
        let decidedBy = try requireAuthority(.writeOffCharges, decider: writeOff.decider, rules: rules)
        guard writeOff.reason.hasContent else { throw .reasonMissing }
        try checkWithinOutstanding(writeOff.chargeId, amount: writeOff.amount, state: state)
        let writtenOff = ChargeWrittenOff(
            personRef: command.personRef, programmeId: command.programmeId, chargeId: writeOff.chargeId,
            amount: writeOff.amount, reason: writeOff.reason, decidedBy: decidedBy, decisionRef: writeOff.decisionRef)
        return [.chargeWrittenOff(writtenOff)]
    }

    static func checkAmount(_ amount: Int64) throws(FeeAccountRejection) {
        guard amount > 0 else { throw .amountNotPositive(amount: amount) }
        guard amount <= amountMax else { throw .amountTooLarge(amount: amount) }
    }

    private static func checkWithinOutstanding(
        _ chargeId: ChargeID, amount: Int64, state: FeeAccountState
    ) throws(FeeAccountRejection) {
        try checkAmount(amount)
        guard let charge = state.charges[chargeId] else { throw .unknownCharge(chargeId: chargeId) }
        guard amount <= charge.outstanding else {
            throw .exceedsOutstanding(chargeId: chargeId, outstanding: charge.outstanding, amount: amount)
        }
    }
}

/// A charge period "YYYY-MM" (ASCII digits) and its first and last day.
public struct ChargePeriod: Sendable {
    public let firstDay: LocalDate
    public let lastDay: LocalDate

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let first = LocalDate("\(text)-01") else {
            return nil
        }
        firstDay = first
        lastDay = MonthlyAllocation.firstDayOfNextMonth(after: first).adding(days: -1)
    }
}
