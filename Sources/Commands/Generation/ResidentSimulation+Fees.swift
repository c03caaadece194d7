import Domain
import Foundation
import Ledger

extension ResidentSimulation {
    /// One resident's fee account in one charged programme for one month of the run.
    struct FeeMonth: Sendable {
        let resident: GeneratedWorld.Resident
        let programmeID: ProgrammeID
        let programme: ProgrammeState
        let orders: [FeeDesk.Order]
        let month: Int
        /// The month charged: the previous one, "YYYY-MM".
        let period: String
        let periodStart: LocalDate
        let periodEnd: LocalDate
        let stream: StreamID

        var profile: FeeProfile { FeeProfile(resident) }
        var caseNumber: Int { resident.index + 1 }
    }

    /// Fees (domain.md §4.8, L24–L26): on day 2 of each month the system charges the previous month's effective
    /// deliveries on every authorisation in a charged programme, at the income tier's rate and less the exemption in
    /// force; residents ask for exemptions after their first bill, the finance officer or the director grants
    /// (partial or total, some from the month already charged, which is then cancelled and charged again), refuses or
    /// later revokes them; residents pay by transfer or at the desk, late, in part or too much, and old debts are
    /// written off at the quarter's end.
    func feeMonth(_ month: Int) async throws(CommandError) {
        guard month > 0 else { return }
        let byPerson = try fees.ordersByPerson()
        var charged: [(id: ProgrammeID, state: ProgrammeState)] = []
        for programme in world.programmes where programme.template.feeRegime == .charged {
            let state = try fees.facts.programme(programme.id)
            if state.feeRegime == .charged { charged.append((programme.id, state)) }
        }
        let periodStart = world.day(month: month - 1, day: 1)
        let periodEnd = world.day(month: month, day: 1).adding(days: -1)
        let period = MonthlyAllocation.month(of: periodStart)
        var accounts: [Int: [FeeMonth]] = [:]
        for resident in world.residents {
            for programme in charged {
                let orders = byPerson[resident.person, default: []].filter { $0.programme == programme.id }
                guard !orders.isEmpty else { continue }
                accounts[resident.index, default: []].append(
                    FeeMonth(
                        resident: resident, programmeID: programme.id, programme: programme.state, orders: orders,
                        month: month, period: period, periodStart: periodStart, periodEnd: periodEnd,
                        stream: try LedgerNames.feeAccount(resident.person, programme: programme.id)))
            }
        }
        try await inLanes(world.residents.filter { accounts[$0.index] != nil }) {
            [accounts] resident, _ throws(CommandError) in
            var random = SplitMix64(seed: resident.random ^ (UInt64(month) << 20) ^ 0xFEE)
            for account in accounts[resident.index] ?? [] {
                try await self.runFees(account, random: &random)
            }
        }
    }

    private func runFees(_ account: FeeMonth, random: inout SplitMix64) async throws(CommandError) {
        let before = try feeAccount(account)
        let units = try fees.unitsDelivered(in: account.period, on: account.orders)
        for (service, count) in units.sorted(by: { $0.key < $1.key })
        where count > 0 && before.charge(for: account.period, serviceId: service) == nil
            && account.programme.feeRule(forService: service) != nil
        {
            try await assessMonthly(account, service: service, units: count, random: &random)
        }
        var firstBill = false
        if before.charges.isEmpty { firstBill = try feeAccount(account).charges.values.contains { $0.net > 0 } }
        if firstBill && account.profile.exemption != .none {
            try await askForExemption(account, random: &random)
        }
        try await revokeIfDue(account, random: &random)
        try await collect(account, afterDecision: firstBill && account.profile.exemption != .none, random: &random)
        try await writeOffOverdue(account, random: &random)
    }

    func feeAccount(_ account: FeeMonth) throws(CommandError) -> FeeAccountState {
        try fees.facts.state(FeeAccountDecider.self, of: account.stream)
    }

    /// A command on the account, dated `day` of the month.
    func sendFee(
        _ account: FeeMonth, by actor: Actor, day: Int, hour: Int64 = 11, random: inout SplitMix64, what: String,
        _ action: (DomainFacts) throws(CommandError) -> FeeAccountAction
    ) async throws(CommandError) {
        counter.command()
        _ = try await fees.commands.account(
            account.resident.person, programme: account.programmeID,
            envelope: world.envelope(
                actor, on: world.day(month: account.month, day: day), hour: hour, random: &random, what: what),
            action: action)
    }

    /// The charge for `units` of `service` in the period, computed as `FeeAccountDecider` recomputes it: the fee rule's
    /// rate scaled by the income tier, less the exemption holding on some day of the period (rounded down).
    func assessment(
        _ account: FeeMonth, service: String, units: UInt64, state: FeeAccountState, random: inout SplitMix64
    ) -> AssessFee? {
        guard let rule = account.programme.feeRule(forService: service) else { return nil }
        let income = account.profile.income
        let tier = rule.incomeTiers.firstIndex { tier in
            tier.incomeFrom <= income && (tier.incomeTo.map { income < $0 } ?? true)
        }
        return FeeDesk.assessment(
            chargeId: ChargeID(uuid: UUID128.random(using: &random).foundationUUID), programme: account.programme,
            service: service, units: units, tierIndex: tier, state: state, periodStart: account.periodStart,
            periodEnd: account.periodEnd, personal: .init(incomeBasis: income))
    }

    /// The monthly charge duty (ledger.md G4: its command id comes from the policy, the account and the period, so a
    /// rerun charges nothing twice).
    private func assessMonthly(_ account: FeeMonth, service: String, units: UInt64, random: inout SplitMix64)
        async throws(CommandError)
    {
        guard
            let assess = assessment(
                account, service: service, units: units, state: try feeAccount(account), random: &random)
        else { return }
        let envelope = CommandEnvelope(
            commandID: NaturalKeyCommandID.duty(
                policy: "monthlyCharge", subject: "\(account.stream)/\(service)",
                period: account.periodStart...account.periodEnd),
            actor: .system("monthly-charges"),
            occurredAt: world.instant(world.day(month: account.month, day: 2), hour: 6),
            fingerprint: "monthlyCharge \(account.stream) \(service) \(account.period) \(units)")
        counter.command()
        _ = try await fees.commands.account(
            account.resident.person, programme: account.programmeID, envelope: envelope,
            action: { _ in .assess(assess) })
    }

    /// After the first bill: the request at the desk, the decision a week later and, for a grant from the month
    /// already charged, that charge cancelled and charged again with the exemption (domain.md §4.8).
    private func askForExemption(_ account: FeeMonth, random: inout SplitMix64) async throws(CommandError) {
        let profile = account.profile
        let reasons = FeeProfile.grounds[profile.grounds]
        let clerk = world.clerks[account.resident.index % world.clerks.count].actor
        let requested: ExemptionKind = profile.exemption == .partial ? .partial : .total
        let requestDay = Int.random(in: 5...9, using: &random)
        try await sendFee(account, by: clerk, day: requestDay, random: &random, what: "exemption request") { _ in
            .requestExemption(
                RequestFeeExemption(
                    requestedKind: requested, personal: .init(grounds: reasons.grounds, evidence: reasons.evidence)))
        }
        let deciding = profile.decidedByDirector ? world.director : world.finance
        let decisionDay = requestDay + Int.random(in: 5...8, using: &random)
        let year = world.day(month: account.month, day: 1).components.year
        let decisionRef = "CUS.3120.\(account.caseNumber).\(year)"
        guard profile.exemption != .refused else {
            let refusal = RefuseFeeExemption(
                decisionRef: decisionRef,
                personal: .init(
                    reason: FeeProfile.refusalReasons[account.resident.index % FeeProfile.refusalReasons.count]))
            try await sendFee(account, by: deciding.actor, day: decisionDay, random: &random, what: "refusal") {
                facts throws(CommandError) in
                var decided = refusal
                decided.decider = try decider(deciding, facts)
                return .refuseExemption(decided)
            }
            return
        }
        guard let service = try feeAccount(account).charges.values.map(\.serviceId).min(),
            let rule = account.programme.feeRule(forService: service),
            let exemptionRule = rule.exemptionRules.first(where: { $0.kind == requested })
        else { return }
        let validFrom = profile.retroactive ? account.periodStart : world.day(month: account.month, day: 1)
        let grant = GrantFeeExemption(
            exemptionId: ExemptionID(uuid: UUID128.random(using: &random).foundationUUID), kind: requested,
            percent: exemptionRule.percent, validFrom: validFrom,
            validTo: profile.openEnded ? nil : validFrom.adding(months: 6).adding(days: -1),
            serviceIds: rule.serviceIds,
            exemptionRuleId: exemptionRule.exemptionRuleId, decisionRef: decisionRef, programme: account.programme,
            personal: .init(criterionMet: reasons.criterion))
        try await sendFee(account, by: deciding.actor, day: decisionDay, random: &random, what: "exemption granted") {
            facts throws(CommandError) in
            var decided = grant
            decided.decider = try decider(deciding, facts)
            return .grantExemption(decided)
        }
        guard profile.retroactive else { return }
        try await chargeAgain(account, on: decisionDay + 2, random: &random)
    }

    /// A retroactive exemption: each unpaid charge of the period is cancelled and assessed again with it.
    private func chargeAgain(_ account: FeeMonth, on day: Int, random: inout SplitMix64) async throws(CommandError) {
        let state = try feeAccount(account)
        let standing = state.charges.values.filter { $0.chargePeriod == account.period && $0.outstanding == $0.net }
        for charge in standing.sorted(by: { $0.chargeId < $1.chargeId }) where charge.net > 0 {
            try await sendFee(account, by: world.finance.actor, day: day, random: &random, what: "charge cancelled") {
                _ in
                .cancelCharge(
                    CancelCharge(
                        chargeId: charge.chargeId, amount: charge.net,
                        reason: "Korekta naliczenia po przyznaniu zwolnienia z mocą od \(account.periodStart)."))
            }
            guard
                let assess = assessment(
                    account, service: charge.serviceId, units: charge.units, state: try feeAccount(account),
                    random: &random)
            else { continue }
            try await sendFee(account, by: world.finance.actor, day: day, hour: 12, random: &random, what: "again") {
                _ in .assess(assess)
            }
        }
    }

    /// Some exemptions end when circumstances change: revoked from the next month, two months after they began.
    private func revokeIfDue(_ account: FeeMonth, random: inout SplitMix64) async throws(CommandError) {
        let profile = account.profile
        guard profile.revokedLater, account.month >= 2 else { return }
        let nextMonth = world.day(month: account.month + 1, day: 1)
        let due = try feeAccount(account).exemptions.values.sorted { $0.exemptionId < $1.exemptionId }.first {
            $0.revokedFrom == nil && $0.validFrom <= world.day(month: account.month - 2, day: 1)
                && $0.overlaps(from: nextMonth, through: nil)
        }
        guard let due else { return }
        let deciding = profile.decidedByDirector ? world.director : world.finance
        let year = world.day(month: account.month, day: 1).components.year
        let reason = FeeProfile.revocationReasons[account.resident.index % FeeProfile.revocationReasons.count]
        try await sendFee(account, by: deciding.actor, day: 18, random: &random, what: "exemption revoked") {
            facts throws(CommandError) in
            .revokeExemption(
                RevokeFeeExemption(
                    exemptionId: due.exemptionId, effectiveFrom: nextMonth,
                    decisionRef: "CUS.3120.\(account.caseNumber).\(year)", decider: try decider(deciding, facts),
                    personal: .init(reason: reason)))
        }
    }

    /// The deciding staff member's state, for a delegate (a director needs none).
    func decider(_ member: GeneratedWorld.StaffMember, _ facts: DomainFacts) throws(CommandError) -> StaffState? {
        member.role == .director ? nil : try facts.staff(member.id)
    }
}
