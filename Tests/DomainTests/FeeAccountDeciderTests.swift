import Domain
import Foundation
import Testing

private typealias F = Fees

private func decide(
    _ command: FeeAccountCommand, given: [DomainEvent] = [], rules: RuleContext = F.context()
) throws(FeeAccountRejection) -> [DomainEvent] {
    try FeeAccountDecider.decide(given: given, when: command, rules: rules)
}

@Suite("FeeAccountDecider: charges and payments (domain.md §4.8, L24, L26)")
struct FeeAccountDeciderTests {
    @Test("§7 FeeLedgerView: gross 220, exempted 70 (partial), net 150, paid 120, outstanding 30")
    func workedExample() throws {
        let events = try F.april
        let rest = try FeeAccountDecider.decide(
            F.assess("2025-05", units: 8, exempted: 4_000, exemptionId: F.exemptionId, charge: 5),
            state: FeeAccountDecider.fold(events), rules: F.context(on: "2025-06-02"))
        var all = events + rest
        all += try decide(
            F.pay("PAY-2", amount: 4_000, to: [(5, 4_000)]), given: all, rules: F.context(on: "2025-06-10"))
        all += try decide(
            F.assess("2025-06", units: 6, exempted: 3_000, exemptionId: F.exemptionId, charge: 6), given: all,
            rules: F.context(.system, on: "2025-07-01"))
        let totals = FeeAccountDecider.fold(all).totals
        #expect(totals.gross == 22_000 && totals.exempted == 7_000 && totals.exemptedPartial == 7_000)
        #expect(totals.net == 15_000 && totals.paid == 12_000 && totals.outstanding == 3_000)
        #expect(FeeAccountDecider.fold(all).credit == 0)
    }

    @Test("A month is charged under the fee rule's version in force for it, not always the newest")
    func feeRuleVersionOfTheMonth() throws {
        guard case .feeRuleDefined(var second) = F.feeRule(from: Fixture.day("2025-06-01")) else { return }
        (second.feeRuleVersion, second.rate) = (2, 1_200)
        let programme = ProgrammeDecider.fold(
            [
                Fixture.adopted(feeRegime: .charged), Fixture.serviceDefined("care", feeRuleId: "care-fee"),
                F.feeRule(),
                .feeRuleDefined(second),
            ])
        let may = try decide(F.assess("2025-05", units: 8, programme: programme))
        guard case .feeAssessed(let inMay) = may.first else { Issue.record("no charge for May"); return }
        #expect(inMay.feeRuleVersion == 1 && inMay.net == 8_000)
        let june = try decide(F.assess("2025-06", units: 8, rate: 1_200, programme: programme))
        guard case .feeAssessed(let inJune) = june.first else { Issue.record("no charge for June"); return }
        #expect(inJune.feeRuleVersion == 2 && inJune.net == 9_600)
        #expect(throws: FeeAccountRejection.amountMismatch(field: "rate", expected: 1_000, given: 1_200)) {
            try decide(F.assess("2025-05", units: 8, rate: 1_200, programme: programme))
        }
        // A version starting in mid-month charges from the next month; before the first one, none is in force.
        second.effectiveFrom = Fixture.day("2025-05-15")
        let midMonth = ProgrammeDecider.fold(
            [
                Fixture.adopted(feeRegime: .charged), Fixture.serviceDefined("care", feeRuleId: "care-fee"),
                F.feeRule(from: Fixture.day("2025-04-10")), .feeRuleDefined(second),
            ])
        let version = { (first: String, last: String) in
            midMonth.feeRule(forService: "care", from: Fixture.day(first), through: Fixture.day(last))?.feeRuleVersion
        }
        #expect(version("2025-05-01", "2025-05-31") == 1 && version("2025-06-01", "2025-06-30") == 2)
        #expect(version("2025-04-01", "2025-04-30") == 1 && version("2025-03-01", "2025-03-31") == nil)
    }

    @Test("A fee follows the programme's rule and cites its version; a free programme charges nothing (L26)")
    func assessment() throws {
        let events = try decide(F.assess("2025-04", units: 8))
        guard case .feeAssessed(let assessed) = events.first else { Issue.record("no charge"); return }
        #expect(assessed.feeRuleId == "care-fee" && assessed.feeRuleVersion == 1 && assessed.net == 8_000)
        let free = F.programme(feeRule: nil, regime: .free)
        #expect(throws: FeeAccountRejection.programmeFree) {
            try decide(F.assess("2025-04", units: 8, programme: free))
        }
        #expect(FeeAccountRejection.programmeFree.rule == "L26")
        #expect(throws: FeeAccountRejection.noFeeRule(serviceId: "care")) {
            try decide(F.assess("2025-04", units: 8, programme: F.programme(feeRule: nil)))
        }
        #expect(throws: FeeAccountRejection.notPermitted(role: .coordinator)) {
            try decide(F.assess("2025-04", units: 8), rules: F.context(.coordinator))
        }
    }

    @Test("The rule must be in force in the charge period (L24): from its first day's month on")
    func ruleInForce() throws {
        let june = F.programme(feeRule: F.feeRule(from: Fixture.day("2025-06-15")))
        #expect(throws: FeeAccountRejection.feeRuleNotInForce(feeRuleId: "care-fee", chargePeriod: "2025-05")) {
            try decide(F.assess("2025-05", units: 8, programme: june))
        }
        #expect(try decide(F.assess("2025-06", units: 8, programme: june)).count == 1)
    }

    @Test("Amounts are recomputed: any difference in rate, gross, exempted, net or exemption is refused (L24)")
    func recomputation() throws {
        var wrongGross = F.assess("2025-04", units: 8)
        if case .assess(var assess) = wrongGross.action {
            assess.gross = 8_001
            assess.net = 8_001
            wrongGross.action = .assess(assess)
        }
        #expect(throws: FeeAccountRejection.amountMismatch(field: "gross", expected: 8_000, given: 8_001)) {
            try decide(wrongGross)
        }
        #expect(throws: FeeAccountRejection.amountMismatch(field: "rate", expected: 1_000, given: 900)) {
            try decide(F.assess("2025-04", units: 8, rate: 900))
        }
        let granted = try F.april
        #expect(throws: FeeAccountRejection.amountMismatch(field: "exempted", expected: 4_000, given: 0)) {
            try decide(F.assess("2025-05", units: 8, charge: 5), given: granted)
        }
        #expect(throws: FeeAccountRejection.exemptionMismatch(expected: F.exemptionId)) {
            try decide(F.assess("2025-05", units: 8, exempted: 4_000, charge: 5), given: granted)
        }
        #expect(throws: FeeAccountRejection.exemptionMismatch(expected: nil)) {
            try decide(F.assess("2025-04", units: 8, exemptionId: F.exemptionId))
        }
    }

    @Test("With income tiers the rate is the tier's share of the rule's rate, and a tier must be named")
    func incomeTiers() throws {
        let tiers = [
            IncomeTier(incomeFrom: 0, incomeTo: 100_000, feePercent: 30),
            IncomeTier(incomeFrom: 100_000, feePercent: 100),
        ]
        let programme = F.programme(feeRule: F.feeRule(tiers: tiers))
        #expect(try decide(F.assess("2025-04", units: 8, rate: 300, tier: 0, programme: programme)).count == 1)
        #expect(throws: FeeAccountRejection.incomeTierMismatch) {
            try decide(F.assess("2025-04", units: 8, rate: 300, programme: programme))
        }
        #expect(throws: FeeAccountRejection.incomeTierMismatch) {
            try decide(F.assess("2025-04", units: 8, rate: 300, tier: 2, programme: programme))
        }
        #expect(throws: FeeAccountRejection.incomeTierMismatch) { try decide(F.assess("2025-04", units: 8, tier: 0)) }
    }

    @Test("A total exemption leaves nothing to pay and counts as exempted in total")
    func totalExemption() throws {
        let given = try F.run([(F.grant(.total, percent: 100, rule: "EX-1"), F.context(.director))])
        let events = try decide(
            F.assess("2025-05", units: 8, exempted: 8_000, exemptionId: F.exemptionId), given: given)
        let totals = FeeAccountDecider.fold(given + events).totals
        #expect(totals.net == 0 && totals.exemptedTotal == 8_000 && totals.outstanding == 0)
    }

    @Test("One charge per month and service, again only after a cancellation in full")
    func oneChargePerPeriod() throws {
        let given = try decide(F.assess("2025-04", units: 8))
        #expect(throws: FeeAccountRejection.alreadyCharged(chargePeriod: "2025-04", serviceId: "care")) {
            try decide(F.assess("2025-04", units: 8, charge: 1), given: given)
        }
        #expect(throws: FeeAccountRejection.chargeExists(chargeId: F.chargeId(0))) {
            try decide(F.assess("2025-05", units: 8), given: given)
        }
        let cancel = { (amount: Int64) in
            F.command(.cancelCharge(CancelCharge(chargeId: F.chargeId(0), amount: amount, reason: "Retroactive.")))
        }
        let partly = given + (try decide(cancel(7_999), given: given))
        #expect(throws: FeeAccountRejection.alreadyCharged(chargePeriod: "2025-04", serviceId: "care")) {
            try decide(F.assess("2025-04", units: 8, charge: 1), given: partly)
        }
        let fully = partly + (try decide(cancel(1), given: partly))
        #expect(try decide(F.assess("2025-04", units: 8, charge: 1), given: fully).count == 1)
        #expect(FeeAccountDecider.fold(fully).totals.cancelled == 8_000)
        // Half paid, the rest cancelled: the month stays charged, so it is not billed a second time.
        let halfPaid = given + (try decide(F.pay("PAY-1", amount: 4_000, to: [(0, 4_000)]), given: given))
        let settled = halfPaid + (try decide(cancel(4_000), given: halfPaid))
        #expect(FeeAccountDecider.fold(settled).charges[F.chargeId(0)]?.outstanding == 0)
        #expect(throws: FeeAccountRejection.alreadyCharged(chargePeriod: "2025-04", serviceId: "care")) {
            try decide(F.assess("2025-04", units: 8, charge: 1), given: settled)
        }
    }

    @Test("A charge period is a month written YYYY-MM, and a charge needs units")
    func periodFormat() {
        for period in ["2025-13", "2025-4", "25-04", "2025-04-01"] {
            #expect(throws: FeeAccountRejection.invalidChargePeriod(chargePeriod: period)) {
                try decide(F.assess(period, units: 8))
            }
        }
        #expect(throws: FeeAccountRejection.noUnits) { try decide(F.assess("2025-04", units: 0)) }
    }

    @Test("A payment is positive, allocated within what is outstanding; the excess is credit; a repeat is a no-op")
    func payments() throws {
        let given = try decide(F.assess("2025-04", units: 8, charge: 4))
        let exact = try decide(F.pay("PAY-1", amount: 8_000, to: [(4, 8_000)]), given: given)
        #expect(FeeAccountDecider.fold(given + exact).charges[F.chargeId(4)]?.outstanding == 0)
        #expect(try decide(F.pay("PAY-1", amount: 8_000, to: [(4, 8_000)]), given: given + exact).isEmpty)
        let excess = try decide(F.pay("PAY-2", amount: 10_000, to: [(4, 8_000)]), given: given)
        #expect(FeeAccountDecider.fold(given + excess).credit == 2_000)
        #expect(
            throws: FeeAccountRejection.exceedsOutstanding(chargeId: F.chargeId(4), outstanding: 8_000, amount: 8_001)
        ) {
            try decide(F.pay("PAY-3", amount: 9_000, to: [(4, 5_000), (4, 3_001)]), given: given)
        }
        #expect(throws: FeeAccountRejection.allocationExceedsPayment(allocated: 8_000, amount: 7_000)) {
            try decide(F.pay("PAY-3", amount: 7_000, to: [(4, 8_000)]), given: given)
        }
        #expect(throws: FeeAccountRejection.unknownCharge(chargeId: F.chargeId(9))) {
            try decide(F.pay("PAY-3", amount: 100, to: [(9, 100)]), given: given)
        }
        #expect(throws: FeeAccountRejection.amountNotPositive(amount: 0)) {
            try decide(F.pay("PAY-3", amount: 0, to: []))
        }
        #expect(throws: FeeAccountRejection.amountNotPositive(amount: 0)) {
            try decide(F.pay("PAY-3", amount: 10, to: [(4, 0)]), given: given)
        }
        #expect(throws: FeeAccountRejection.referenceMissing) { try decide(F.pay(" ", amount: 10, to: [])) }
        #expect(throws: FeeAccountRejection.notPermitted(role: .coordinator)) {
            try decide(F.pay("PAY-3", amount: 10, to: []), rules: F.context(.coordinator))
        }
    }

    @Test("Cancellations and write-offs stay within what is outstanding; write-offs need the director or a delegate")
    func cancelAndWriteOff() throws {
        let given = try decide(F.assess("2025-04", units: 8, charge: 4))
        let writeOff = { (amount: Int64, decider: StaffState?) in
            F.command(
                .writeOffCharge(
                    WriteOffCharge(chargeId: F.chargeId(4), amount: amount, reason: "Uncollectable.", decider: decider))
            )
        }
        #expect(try decide(writeOff(8_000, nil), given: given, rules: F.context(.director)).count == 1)
        #expect(
            throws: FeeAccountRejection.exceedsOutstanding(chargeId: F.chargeId(4), outstanding: 8_000, amount: 8_001)
        ) {
            try decide(writeOff(8_001, nil), given: given, rules: F.context(.director))
        }
        #expect(throws: FeeAccountRejection.notAuthorisedToDecide) { try decide(writeOff(100, nil), given: given) }
        #expect(throws: FeeAccountRejection.notAuthorisedToDecide) {
            try decide(writeOff(100, F.delegate(.decideFeeExemptions)), given: given)
        }
        let delegated = try decide(writeOff(100, F.delegate(.writeOffCharges)), given: given)
        #expect(FeeAccountDecider.fold(given + delegated).totals.writtenOff == 100)
        let cancel = F.command(.cancelCharge(CancelCharge(chargeId: F.chargeId(4), amount: 8_001, reason: "Error.")))
        #expect(
            throws: FeeAccountRejection.exceedsOutstanding(chargeId: F.chargeId(4), outstanding: 8_000, amount: 8_001)
        ) {
            try decide(cancel, given: given)
        }
    }

    @Test("A command for another resident or programme is refused on this account")
    func wrongAccount() throws {
        let given = try decide(F.assess("2025-04", units: 8))
        var other = F.assess("2025-05", units: 8, charge: 1)
        other.personRef = PersonRef(uuid: Fixture.uuid(99))
        #expect(throws: FeeAccountRejection.wrongAccount) { try decide(other, given: given) }
    }
}
