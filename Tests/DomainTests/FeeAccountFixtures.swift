import Domain
import Foundation

/// The fee account of domain.md §7 (`feeaccount-p01-PUS2025`): care at PLN 10 (1,000 grosze) an hour under fee rule
/// `care-fee` with exemption rules EX-1 (total) and EX-2 (partial, 50 %).
enum Fees {
    static let personRef = PersonRef(uuid: Fixture.uuid(30))
    static let exemptionId = ExemptionID(uuid: Fixture.uuid(31))
    static let staffID = StaffID(uuid: Fixture.uuid(9))

    static func chargeId(_ last: UInt8) -> ChargeID { ChargeID(uuid: Fixture.uuid(40 + last)) }

    static func feeRule(
        from: LocalDate = Fixture.programmeStart, tiers: [IncomeTier] = []
    ) -> DomainEvent {
        .feeRuleDefined(
            FeeRuleDefined(
                programmeId: Fixture.programmeId, feeRuleId: "care-fee", feeRuleVersion: 1, serviceIds: ["care"],
                rate: 1_000, incomeTiers: tiers,
                exemptionRules: [
                    ExemptionRule(exemptionRuleId: "EX-1", kind: .total, percent: 100, criteria: "Income below 50 %."),
                    ExemptionRule(exemptionRuleId: "EX-2", kind: .partial, percent: 50, criteria: "Income below 80 %."),
                ],
                effectiveFrom: from))
    }

    static func programme(feeRule rule: DomainEvent? = feeRule(), regime: FeeRegime = .charged) -> ProgrammeState {
        ProgrammeDecider.fold(
            [Fixture.adopted(feeRegime: regime), Fixture.serviceDefined("care", feeRuleId: "care-fee")]
                + (rule.map { [$0] } ?? []))
    }

    static func context(_ role: ActorRole = .financeOfficer, on date: String = "2025-05-02") -> RuleContext {
        Fixture.context(role: role, on: Fixture.day(date))
    }

    static func command(_ action: FeeAccountAction) -> FeeAccountCommand {
        FeeAccountCommand(personRef: personRef, programmeId: Fixture.programmeId, action: action)
    }

    static func assess(
        _ period: String, units: UInt64, exempted: Int64 = 0, exemptionId: ExemptionID? = nil, charge: UInt8 = 0,
        rate: Int64 = 1_000, tier: Int? = nil, programme: ProgrammeState = programme()
    ) -> FeeAccountCommand {
        let gross = Int64(units) * rate
        return command(
            .assess(
                AssessFee(
                    chargeId: chargeId(charge), chargePeriod: period, serviceId: "care", units: units, rate: rate,
                    gross: gross, exemptionId: exemptionId, exempted: exempted, net: gross - exempted,
                    incomeTierIndex: tier, programme: programme)))
    }

    static func grant(
        _ kind: ExemptionKind = .partial, percent: UInt64 = 50, rule: String = "EX-2", id: ExemptionID = exemptionId,
        from: String = "2025-05-01", to: String? = "2025-06-30", decisionRef: String? = nil,
        decider: StaffState? = nil
    ) -> FeeAccountCommand {
        command(
            .grantExemption(
                GrantFeeExemption(
                    exemptionId: id, kind: kind, percent: percent, validFrom: Fixture.day(from),
                    validTo: to.map(Fixture.day), serviceIds: ["care"], exemptionRuleId: rule, decisionRef: decisionRef,
                    programme: programme(), decider: decider)))
    }

    static func pay(_ reference: String, amount: Int64, to allocations: [(UInt8, Int64)]) -> FeeAccountCommand {
        command(
            .receivePayment(
                ReceivePayment(
                    paymentReference: reference, amount: amount, receivedOn: Fixture.day("2025-05-12"),
                    method: .bankTransfer,
                    allocations: allocations.map { PaymentAllocation(chargeId: chargeId($0.0), amount: $0.1) })))
    }

    /// A staff member holding `scope` from 2025-01-01 through 2025-12-31.
    static func delegate(_ scope: DelegationScope) -> StaffState {
        StaffDecider.fold([
            .authorityDelegated(
                AuthorityDelegated(
                    staffId: staffID, delegationId: DelegationID(uuid: Fixture.uuid(50)), scope: scope,
                    delegatedBy: StaffID(uuid: Fixture.uuid(51)), validFrom: Fixture.day("2025-01-01"),
                    validTo: Fixture.day("2025-12-31")))
        ])
    }

    /// Decides `steps` in order, each on the events so far, and returns every event.
    static func run(_ steps: [(FeeAccountCommand, RuleContext)]) throws(FeeAccountRejection) -> [DomainEvent] {
        var events: [DomainEvent] = []
        for (command, rules) in steps {
            events += try FeeAccountDecider.decide(command, state: FeeAccountDecider.fold(events), rules: rules)
        }
        return events
    }

    /// §7 events 15, 16, 19 and 20: April charged 80 and paid, a 50 % exemption for May and June.
    static var april: [DomainEvent] {
        get throws {
            try run([
                (assess("2025-04", units: 8, charge: 4), context()),
                (command(.requestExemption(RequestFeeExemption(requestedKind: .partial))), context(on: "2025-05-05")),
                (grant(), context(.director, on: "2025-05-09")),
                (pay("PAY-1", amount: 8_000, to: [(4, 8_000)]), context(on: "2025-05-12")),
            ])
        }
    }
}
