// Exemptions (L24, L25): partial or total, decided by the director or a delegate holding `decideFeeExemptions`,
// always under an exemption rule of the programme's fee rule (the council's criteria), of a kind the rule set allows,
// never two for the same service on the same day, and with a decision reference when the rule set asks for one.
extension FeeAccountDecider {
    static func decideRequest(
        _ request: RequestFeeExemption, command: FeeAccountCommand, rules: RuleContext
    ) throws(FeeAccountRejection) -> [DomainEvent] {
        guard rules.ruleSet.parameters.fee.exemptionKinds.contains(request.requestedKind.rawValue) else {
            throw .exemptionKindNotAllowed(kind: request.requestedKind)
        }
        let requested = FeeExemptionRequested(
            personRef: command.personRef, programmeId: command.programmeId, requestedKind: request.requestedKind,
            requestedOn: rules.today, personal: request.personal)
        return [.feeExemptionRequested(requested)]
    }

    static func decideGrant(
        _ grant: GrantFeeExemption, command: FeeAccountCommand, state: FeeAccountState, rules: RuleContext
    ) throws(FeeAccountRejection) -> [DomainEvent] {
        let decidedBy = try requireAuthority(.decideFeeExemptions, decider: grant.decider, rules: rules)
        guard state.exemptions[grant.exemptionId] == nil else { throw .exemptionExists(exemptionId: grant.exemptionId) }
        guard grant.programme.programmeId == command.programmeId else { throw .wrongProgramme }
        guard !grant.serviceIds.isEmpty else { throw .noServices }
        try checkKind(grant.kind, percent: grant.percent, rules: rules)
        if let validTo = grant.validTo, validTo < grant.validFrom {
            throw .periodEndsBeforeStart(from: grant.validFrom, to: validTo)
        }
        for serviceId in grant.serviceIds {
            guard let feeRule = grant.programme.feeRule(forService: serviceId),
                let exemptionRule = feeRule.exemptionRules.first(where: { $0.exemptionRuleId == grant.exemptionRuleId })
            else { throw .unknownExemptionRule(exemptionRuleId: grant.exemptionRuleId, serviceId: serviceId) }
            guard exemptionRule.kind == grant.kind, exemptionRule.percent == grant.percent else {
                throw .exemptionDoesNotMatchRule(exemptionRuleId: grant.exemptionRuleId)
            }
        }
        let overlapping = state.exemptions.values.sorted { $0.exemptionId < $1.exemptionId }.first { existing in
            existing.serviceIds.contains(where: grant.serviceIds.contains)
                && existing.overlaps(from: grant.validFrom, through: grant.validTo)
        }
        if let overlapping { throw .overlappingExemption(exemptionId: overlapping.exemptionId) }
        try checkDecisionRef(grant.decisionRef, rules: rules)
        let granted = FeeExemptionGranted(
            personRef: command.personRef, programmeId: command.programmeId, exemptionId: grant.exemptionId,
            kind: grant.kind, percent: grant.percent, validFrom: grant.validFrom, validTo: grant.validTo,
            serviceIds: grant.serviceIds, exemptionRuleId: grant.exemptionRuleId, decidedBy: decidedBy,
            decisionRef: grant.decisionRef, personal: grant.personal)
        return [.feeExemptionGranted(granted)]
    }

    static func decideRefusal(
        _ refusal: RefuseFeeExemption, command: FeeAccountCommand, state: FeeAccountState, rules: RuleContext
    ) throws(FeeAccountRejection) -> [DomainEvent] {
        let decidedBy = try requireAuthority(.decideFeeExemptions, decider: refusal.decider, rules: rules)
        guard state.pendingRequests > 0 else { throw .noPendingRequest }
        try checkDecisionRef(refusal.decisionRef, rules: rules)
        let refused = FeeExemptionRefused(
            personRef: command.personRef, programmeId: command.programmeId, decidedBy: decidedBy,
            decisionRef: refusal.decisionRef, refusedOn: rules.today, personal: refusal.personal)
        return [.feeExemptionRefused(refused)]
    }

    static func decideRevocation(
        _ revocation: RevokeFeeExemption, command: FeeAccountCommand, state: FeeAccountState, rules: RuleContext
    ) throws(FeeAccountRejection) -> [DomainEvent] {
        _ = try requireAuthority(.decideFeeExemptions, decider: revocation.decider, rules: rules)
        guard let exemption = state.exemptions[revocation.exemptionId] else {
            throw .unknownExemption(exemptionId: revocation.exemptionId)
        }
        // Only an exemption that still holds on or after the day is revoked; an earlier revocation stands.
        guard exemption.revokedFrom == nil, exemption.overlaps(from: revocation.effectiveFrom, through: nil) else {
            throw .exemptionNotActive(exemptionId: revocation.exemptionId)
        }
        try checkDecisionRef(revocation.decisionRef, rules: rules)
        let revoked = FeeExemptionRevoked(
            personRef: command.personRef, programmeId: command.programmeId, exemptionId: revocation.exemptionId,
            effectiveFrom: revocation.effectiveFrom, decisionRef: revocation.decisionRef,
            personal: revocation.personal)
        return [.feeExemptionRevoked(revoked)]
    }

    /// L24: the kinds the rule set allows; partial strictly between 0 and 100 %, total exactly 100 %.
    private static func checkKind(
        _ kind: ExemptionKind, percent: UInt64, rules: RuleContext
    ) throws(FeeAccountRejection) {
        guard rules.ruleSet.parameters.fee.exemptionKinds.contains(kind.rawValue) else {
            throw .exemptionKindNotAllowed(kind: kind)
        }
        let fits =
            switch kind {
            case .partial: (1...99).contains(percent)
            case .total: percent == 100
            }
        guard fits else { throw .exemptionPercentOutOfRange(kind: kind, percent: percent) }
    }

    /// L25: whether an exemption decision takes a formal decision is open (domain.md §4.11), so the rule set's
    /// `fee.decisionRequired` says when the reference is mandatory; otherwise it is optional.
    private static func checkDecisionRef(_ decisionRef: String?, rules: RuleContext) throws(FeeAccountRejection) {
        guard rules.ruleSet.parameters.fee.decisionRequired else { return }
        guard decisionRef?.hasContent == true else { throw .decisionRefRequired }
    }
}
