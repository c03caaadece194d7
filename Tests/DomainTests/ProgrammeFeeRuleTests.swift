import Domain
import Testing

private let given = [Fixture.adopted(), Fixture.serviceDefined("care")]

private func defineFeeRule(
    serviceIds: [String] = ["care"], rate: Int64 = 1_000, tiers: [IncomeTier] = [],
    exemptions: [ExemptionRule] = [], from: LocalDate = Fixture.programmeStart, to: LocalDate? = nil
) -> ProgrammeCommand {
    .defineFeeRule(
        DefineFeeRule(
            programmeId: Fixture.programmeId, feeRuleId: "care-fee", serviceIds: serviceIds, rate: rate,
            incomeTiers: tiers, exemptionRules: exemptions, effectiveFrom: from, effectiveTo: to))
}

private func decide(
    _ when: ProgrammeCommand, given: [DomainEvent] = given, rules: RuleContext = Fixture.context()
) throws(ProgrammeRejection) -> [DomainEvent] {
    try ProgrammeDecider.decide(given: given, when: when, rules: rules)
}

private func exemption(_ kind: ExemptionKind, _ percent: UInt64, criteria: String = "Income below 150 %.")
    -> ExemptionRule
{
    ExemptionRule(exemptionRuleId: "EX-\(kind.rawValue)-\(percent)", kind: kind, percent: percent, criteria: criteria)
}

@Suite("ProgrammeDecider: fee rules (L24–L26)")
struct ProgrammeFeeRuleTests {
    @Test("A fee rule of a charged programme is version 1, then 2 when redefined")
    func feeRuleVersions() throws {
        #expect(try decide(defineFeeRule()) == [Fixture.feeRuleDefined()])
        let second = try decide(defineFeeRule(rate: 1_200), given: given + [Fixture.feeRuleDefined()])
        guard case .feeRuleDefined(let defined) = second.first else { Issue.record("no fee rule"); return }
        #expect(defined.feeRuleVersion == 2)
    }

    @Test("L26: a free programme has no fee rules")
    func freeProgrammeHasNoFeeRules() {
        #expect(throws: ProgrammeRejection.feeRuleOnFreeProgramme) {
            try decide(defineFeeRule(), given: [Fixture.adopted(feeRegime: .free), Fixture.serviceDefined("care")])
        }
    }

    @Test("A fee rule names defined services only, at least one")
    func feeRuleServicesMustExist() {
        #expect(throws: ProgrammeRejection.unknownService(serviceId: "psych")) {
            try decide(defineFeeRule(serviceIds: ["care", "psych"]))
        }
        #expect(throws: ProgrammeRejection.feeRuleWithoutServices) { try decide(defineFeeRule(serviceIds: [])) }
    }

    @Test("L24: a rate of 1 grosz is accepted, 0 is refused")
    func rateMustBePositive() throws {
        #expect(try decide(defineFeeRule(rate: 1)).count == 1)
        #expect(throws: ProgrammeRejection.rateNotPositive(rate: 0)) { try decide(defineFeeRule(rate: 0)) }
    }

    @Test("L24: ordered tiers that share a bound are disjoint")
    func adjacentTiersAreAccepted() throws {
        let tiers = [
            IncomeTier(incomeFrom: 0, incomeTo: 100_000, feePercent: 0),
            IncomeTier(incomeFrom: 100_000, incomeTo: 200_000, feePercent: 50),
            IncomeTier(incomeFrom: 200_000, feePercent: 100),
        ]
        #expect(try decide(defineFeeRule(tiers: tiers)).count == 1)
    }

    @Test(
        "L24: overlapping, unordered or open-ended-first tiers are refused",
        arguments: [
            [
                IncomeTier(incomeFrom: 0, incomeTo: 100_000, feePercent: 0),
                IncomeTier(incomeFrom: 99_999, feePercent: 50),
            ],
            [
                IncomeTier(incomeFrom: 100_000, feePercent: 50),
                IncomeTier(incomeFrom: 0, incomeTo: 100_000, feePercent: 0),
            ],
            [IncomeTier(incomeFrom: 0, feePercent: 0), IncomeTier(incomeFrom: 100_000, feePercent: 50)],
        ])
    func overlappingTiersAreRefused(tiers: [IncomeTier]) {
        #expect(throws: ProgrammeRejection.incomeTiersOverlap(index: 1)) { try decide(defineFeeRule(tiers: tiers)) }
    }

    @Test(
        "L24: an empty, negative or over-100 % tier is refused",
        arguments: [
            IncomeTier(incomeFrom: 100, incomeTo: 100, feePercent: 10),
            IncomeTier(incomeFrom: -1, incomeTo: 100, feePercent: 10),
            IncomeTier(incomeFrom: 0, feePercent: 101),
        ])
    func invalidTierIsRefused(tier: IncomeTier) {
        #expect(throws: ProgrammeRejection.invalidIncomeTier(index: 0)) { try decide(defineFeeRule(tiers: [tier])) }
    }

    @Test(
        "L25: partial exemptions lie strictly between 0 and 100 %, total ones are 100 %",
        arguments: [(ExemptionKind.partial, UInt64(1)), (.partial, 50), (.partial, 99), (.total, 100)])
    func exemptionPercentAccepted(kind: ExemptionKind, percent: UInt64) throws {
        #expect(try decide(defineFeeRule(exemptions: [exemption(kind, percent)])).count == 1)
    }

    @Test(
        "L25: a partial exemption of 0 or 100 % or a total one below 100 % is refused",
        arguments: [(ExemptionKind.partial, UInt64(0)), (.partial, 100), (.total, 99), (.total, 0)])
    func exemptionPercentRefused(kind: ExemptionKind, percent: UInt64) {
        #expect(throws: ProgrammeRejection.exemptionPercentOutOfRange(kind: kind, percent: percent)) {
            try decide(defineFeeRule(exemptions: [exemption(kind, percent)]))
        }
    }

    @Test("L25: an exemption without criteria is refused")
    func exemptionNeedsCriteria() {
        #expect(throws: ProgrammeRejection.exemptionCriteriaMissing(exemptionRuleId: "EX-partial-50")) {
            try decide(defineFeeRule(exemptions: [exemption(.partial, 50, criteria: " \n")]))
        }
    }

    @Test("L24: only the rule set's exemption kinds are allowed")
    func exemptionKindFromRuleSet() throws {
        var ruleSet = Fixture.defaultRuleSet
        ruleSet.parameters.fee.exemptionKinds = ["total"]
        let rules = Fixture.context(ruleSet: ruleSet)
        #expect(throws: ProgrammeRejection.exemptionKindNotAllowed(kind: .partial)) {
            try decide(defineFeeRule(exemptions: [exemption(.partial, 50)]), rules: rules)
        }
        #expect(try decide(defineFeeRule(exemptions: [exemption(.total, 100)]), rules: rules).count == 1)
    }

    @Test("Exemption rule ids are unique within a fee rule")
    func exemptionIdsAreUnique() {
        #expect(throws: ProgrammeRejection.duplicateExemptionRule(exemptionRuleId: "EX-total-100")) {
            try decide(defineFeeRule(exemptions: [exemption(.total, 100), exemption(.total, 100)]))
        }
    }

    @Test("A fee rule lies within the programme and ends after it starts")
    func feeRulePeriod() throws {
        #expect(try decide(defineFeeRule(from: Fixture.programmeEnd)).count == 1)
        let before = Fixture.programmeStart.adding(days: -1)
        #expect(throws: ProgrammeRejection.outsideProgrammePeriod(from: before, to: nil)) {
            try decide(defineFeeRule(from: before))
        }
        let after = Fixture.programmeEnd.adding(days: 1)
        #expect(throws: ProgrammeRejection.outsideProgrammePeriod(from: Fixture.programmeStart, to: after)) {
            try decide(defineFeeRule(to: after))
        }
        let start = Fixture.programmeStart
        #expect(throws: ProgrammeRejection.periodEndsBeforeStart(from: start, to: start)) {
            try decide(defineFeeRule(to: start))
        }
    }
}
