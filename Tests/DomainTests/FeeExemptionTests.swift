import Domain
import Foundation
import Testing

private typealias F = Fees

private func decide(
    _ command: FeeAccountCommand, given: [DomainEvent] = [], rules: RuleContext = F.context(.director)
) throws(FeeAccountRejection) -> [DomainEvent] {
    try FeeAccountDecider.decide(given: given, when: command, rules: rules)
}

private func ruleSet(kinds: [String] = ["partial", "total"], decisionRequired: Bool = false) -> RuleSet {
    var ruleSet = Fixture.defaultRuleSet
    ruleSet.parameters.fee.exemptionKinds = kinds
    ruleSet.parameters.fee.decisionRequired = decisionRequired
    return ruleSet
}

private func director(_ ruleSet: RuleSet) -> RuleContext {
    Fixture.context(role: .director, ruleSet: ruleSet, on: Fixture.day("2025-05-09"))
}

@Suite("FeeAccountDecider: exemptions (domain.md §4.8, L24, L25)")
struct FeeExemptionTests {
    @Test("The director, or a staff member holding decideFeeExemptions that day, grants an exemption (L24)")
    func authority() throws {
        let granted = try decide(F.grant())
        guard case .feeExemptionGranted(let event) = granted.first else { Issue.record("no grant"); return }
        #expect(event.decidedBy == F.staffID && event.exemptionRuleId == "EX-2")
        #expect(try decide(F.grant(decider: F.delegate(.decideFeeExemptions)), rules: F.context()).count == 1)
        #expect(throws: FeeAccountRejection.notAuthorisedToDecide) { try decide(F.grant(), rules: F.context()) }
        #expect(throws: FeeAccountRejection.notAuthorisedToDecide) {
            try decide(F.grant(decider: F.delegate(.writeOffCharges)), rules: F.context())
        }
        #expect(throws: FeeAccountRejection.notAuthorisedToDecide) {
            try decide(F.grant(decider: F.delegate(.decideFeeExemptions)), rules: F.context(on: "2026-01-01"))
        }
        #expect(FeeAccountRejection.notAuthorisedToDecide.rule == "L24")
    }

    @Test("An exemption cites an exemption rule of the service's fee rule, with its kind and percent (L25)")
    func exemptionRule() {
        #expect(throws: FeeAccountRejection.unknownExemptionRule(exemptionRuleId: "EX-9", serviceId: "care")) {
            try decide(F.grant(rule: "EX-9"))
        }
        #expect(throws: FeeAccountRejection.exemptionDoesNotMatchRule(exemptionRuleId: "EX-2")) {
            try decide(F.grant(percent: 40))
        }
        #expect(throws: FeeAccountRejection.exemptionDoesNotMatchRule(exemptionRuleId: "EX-1")) {
            try decide(F.grant(.partial, percent: 50, rule: "EX-1"))
        }
        #expect(FeeAccountRejection.unknownExemptionRule(exemptionRuleId: "EX-9", serviceId: "care").rule == "L25")
    }

    @Test("Partial is strictly between 0 and 100 %, total exactly 100 %, of kinds the rule set allows (L24)")
    func kindsAndPercent() {
        for percent: UInt64 in [0, 100] {
            #expect(throws: FeeAccountRejection.exemptionPercentOutOfRange(kind: .partial, percent: percent)) {
                try decide(F.grant(.partial, percent: percent))
            }
        }
        #expect(throws: FeeAccountRejection.exemptionPercentOutOfRange(kind: .total, percent: 99)) {
            try decide(F.grant(.total, percent: 99, rule: "EX-1"))
        }
        #expect(throws: FeeAccountRejection.exemptionKindNotAllowed(kind: .total)) {
            try decide(F.grant(.total, percent: 100, rule: "EX-1"), rules: director(ruleSet(kinds: ["partial"])))
        }
        #expect(throws: FeeAccountRejection.exemptionKindNotAllowed(kind: .total)) {
            try decide(
                F.command(.requestExemption(RequestFeeExemption(requestedKind: .total))),
                rules: director(ruleSet(kinds: ["partial"])))
        }
    }

    @Test("Two exemptions never cover the same service on the same day; adjacent ones do not overlap")
    func overlap() throws {
        let given = try decide(F.grant())
        let second = ExemptionID(uuid: Fixture.uuid(32))
        #expect(throws: FeeAccountRejection.overlappingExemption(exemptionId: F.exemptionId)) {
            try decide(F.grant(id: second, from: "2025-06-30", to: nil), given: given)
        }
        #expect(try decide(F.grant(id: second, from: "2025-07-01", to: nil), given: given).count == 1)
        #expect(throws: FeeAccountRejection.exemptionExists(exemptionId: F.exemptionId)) {
            try decide(F.grant(from: "2025-07-01"), given: given)
        }
        #expect(
            throws: FeeAccountRejection.periodEndsBeforeStart(
                from: Fixture.day("2025-05-01"), to: Fixture.day("2025-04-30"))
        ) {
            try decide(F.grant(to: "2025-04-30"))
        }
    }

    @Test("A decision reference is required exactly when the rule set says so (L25)")
    func decisionReference() throws {
        #expect(try decide(F.grant()).count == 1)
        let required = director(ruleSet(decisionRequired: true))
        #expect(throws: FeeAccountRejection.decisionRefRequired) { try decide(F.grant(), rules: required) }
        #expect(throws: FeeAccountRejection.decisionRefRequired) {
            try decide(F.grant(decisionRef: " "), rules: required)
        }
        #expect(try decide(F.grant(decisionRef: "ZW/1/2025"), rules: required).count == 1)
    }

    @Test("Only a pending request is refused")
    func refusal() throws {
        let requested = try decide(F.command(.requestExemption(RequestFeeExemption(requestedKind: .partial))))
        let refuse = F.command(.refuseExemption(RefuseFeeExemption()))
        let refused = try decide(refuse, given: requested)
        #expect(refused.count == 1)
        #expect(throws: FeeAccountRejection.noPendingRequest) { try decide(refuse, given: requested + refused) }
        #expect(throws: FeeAccountRejection.noPendingRequest) { try decide(refuse) }
        #expect(throws: FeeAccountRejection.notAuthorisedToDecide) {
            try decide(refuse, given: requested, rules: F.context())
        }
    }

    @Test("Only an active exemption is revoked, and charges after the revocation carry none")
    func revocation() throws {
        let given = try decide(F.grant())
        let revoke = { (date: String) in
            F.command(
                .revokeExemption(RevokeFeeExemption(exemptionId: F.exemptionId, effectiveFrom: Fixture.day(date))))
        }
        #expect(throws: FeeAccountRejection.exemptionNotActive(exemptionId: F.exemptionId)) {
            try decide(revoke("2025-07-01"), given: given)
        }
        let revoked = given + (try decide(revoke("2025-06-01"), given: given))
        #expect(FeeAccountDecider.fold(revoked).exemptions[F.exemptionId]?.lastDay == Fixture.day("2025-05-31"))
        #expect(throws: FeeAccountRejection.exemptionNotActive(exemptionId: F.exemptionId)) {
            try decide(revoke("2025-06-15"), given: revoked)
        }
        #expect(try decide(F.assess("2025-06", units: 6), given: revoked, rules: F.context()).count == 1)
        let unknown = F.command(
            .revokeExemption(
                RevokeFeeExemption(
                    exemptionId: ExemptionID(uuid: Fixture.uuid(33)), effectiveFrom: Fixture.day("2025-06-01"))))
        #expect(throws: FeeAccountRejection.unknownExemption(exemptionId: ExemptionID(uuid: Fixture.uuid(33)))) {
            try decide(unknown, given: given)
        }
    }
}
