// Fee rules (L24–L26): fees follow the programme without a decision, so the council's rule must be complete and
// unambiguous on its own: a positive rate, income tiers that place every income in at most one tier, and exemption
// criteria precise enough to apply (L25, by analogy with u.p.s. art. 50 ust. 6).
extension ProgrammeDecider {
    static func decideFeeRule(
        _ command: DefineFeeRule, state: ProgrammeState, rules: RuleContext
    ) throws(ProgrammeRejection) -> [DomainEvent] {
        let programme = try requireActive(state, programmeId: command.programmeId)
        guard programme.feeRegime == .charged else { throw .feeRuleOnFreeProgramme }
        guard !command.serviceIds.isEmpty else { throw .feeRuleWithoutServices }
        for serviceId in command.serviceIds where state.services[serviceId] == nil {
            throw .unknownService(serviceId: serviceId)
        }
        guard command.rate > 0 else { throw .rateNotPositive(rate: command.rate) }
        try checkPeriod(of: command, within: programme)
        try checkIncomeTiers(command.incomeTiers)
        try checkExemptionRules(command.exemptionRules, allowedKinds: rules.ruleSet.parameters.fee.exemptionKinds)
        let defined = FeeRuleDefined(
            programmeId: programme.programmeId, feeRuleId: command.feeRuleId,
            feeRuleVersion: (state.feeRules[command.feeRuleId]?.feeRuleVersion ?? 0) + 1,
            serviceIds: command.serviceIds, rate: command.rate, incomeTiers: command.incomeTiers,
            exemptionRules: command.exemptionRules, effectiveFrom: command.effectiveFrom,
            effectiveTo: command.effectiveTo)
        return [.feeRuleDefined(defined)]
    }

    private static func checkPeriod(
        of command: DefineFeeRule, within programme: ActiveProgramme
    ) throws(ProgrammeRejection) {
        if let effectiveTo = command.effectiveTo, effectiveTo <= command.effectiveFrom {
            throw .periodEndsBeforeStart(from: command.effectiveFrom, to: effectiveTo)
        }
        let period = programme.effectiveFrom...programme.effectiveTo
        guard period.contains(command.effectiveFrom), period.contains(command.effectiveTo ?? programme.effectiveTo)
        else { throw .outsideProgrammePeriod(from: command.effectiveFrom, to: command.effectiveTo) }
    }

    /// Each tier covers `incomeFrom ..< incomeTo` (nil: no upper bound), so adjacent tiers may share a bound.
    /// Tiers come in ascending order and only the last may be open-ended.
    static func checkIncomeTiers(_ tiers: [IncomeTier]) throws(ProgrammeRejection) {
        for (index, tier) in tiers.enumerated() {
            let bounded = tier.incomeTo.map { $0 > tier.incomeFrom } ?? true
            guard tier.incomeFrom >= 0, bounded, tier.feePercent <= 100 else { throw .invalidIncomeTier(index: index) }
            guard index > 0 else { continue }
            guard let previousEnd = tiers[index - 1].incomeTo, previousEnd <= tier.incomeFrom else {
                throw .incomeTiersOverlap(index: index)
            }
        }
    }

    static func checkExemptionRules(
        _ exemptionRules: [ExemptionRule], allowedKinds: [RuleSet.FeeExemptionKindCode]
    ) throws(ProgrammeRejection) {
        var seen: Set<String> = []
        for exemption in exemptionRules {
            guard seen.insert(exemption.exemptionRuleId).inserted else {
                throw .duplicateExemptionRule(exemptionRuleId: exemption.exemptionRuleId)
            }
            guard allowedKinds.contains(exemption.kind.rawValue) else {
                throw .exemptionKindNotAllowed(kind: exemption.kind)
            }
            guard !isBlank(exemption.criteria) else {
                throw .exemptionCriteriaMissing(exemptionRuleId: exemption.exemptionRuleId)
            }
            let percentFits =
                switch exemption.kind {
                case .partial: (1...99).contains(exemption.percent)
                case .total: exemption.percent == 100
                }
            guard percentFits else {
                throw .exemptionPercentOutOfRange(kind: exemption.kind, percent: exemption.percent)
            }
        }
    }
}
