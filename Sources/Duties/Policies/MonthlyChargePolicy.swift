internal import Commands
public import Domain
import Ledger

/// L24–L26: every closed month in which a resident received units of a charged programme's service is assessed
/// once per service, at the fee rule's rate (the income tier of the account's earlier charges), less the exemption
/// in force. A month a total exemption covers is not charged at all; a month an exemption covers only in part (a
/// grant or a revocation in mid-month) is left for the finance officer, as the assessment would apply it to every
/// day of the month or to none. Months are looked at `lookbackMonths` back from
/// `today`'s month, so a duty that could not run catches up; a month already charged (and not cancelled in full) is
/// left alone. A month whose charge was cancelled in full (a retroactive exemption, domain.md §4.8) is assessed
/// again: the n-th charge of a (month, service) has its own subject, so its own command and charge ids.
public enum MonthlyChargePolicy {
    /// One fee account (person × programme) with what was delivered on it.
    public struct Account: Hashable, Sendable {
        public var personRef: PersonRef
        public var programmeId: ProgrammeID
        public var programme: ProgrammeState
        public var state: FeeAccountState
        /// Effective units delivered per month ("YYYY-MM") and service.
        public var unitsByMonth: [String: [String: UInt64]]

        public init(
            personRef: PersonRef, programmeId: ProgrammeID, programme: ProgrammeState, state: FeeAccountState,
            unitsByMonth: [String: [String: UInt64]]
        ) {
            self.personRef = personRef
            self.programmeId = programmeId
            self.programme = programme
            self.state = state
            self.unitsByMonth = unitsByMonth
        }
    }

    public struct Decision: Hashable, Sendable {
        public var commands: [DutyCommand] = []
        public var leftOver: [DutyLeftOver] = []
    }

    /// The closed months to look at on `today`, oldest first: `(first day, last day)`.
    public static func months(before today: LocalDate, lookbackMonths: Int) -> [ClosedRange<LocalDate>] {
        let thisMonth = today.adding(days: Int64(1 - today.components.day))
        return (1...max(1, lookbackMonths)).reversed().map { back in
            let first = thisMonth.adding(months: -back)
            return first...MonthlyAllocation.firstDayOfNextMonth(after: first).adding(days: -1)
        }
    }

    public static func commands(_ accounts: [Account], today: LocalDate, lookbackMonths: Int) -> Decision {
        var decision = Decision()
        for account in accounts.sorted(by: { ($0.personRef, $0.programmeId) < ($1.personRef, $1.programmeId) }) {
            guard account.programme.feeRegime == .charged else { continue }
            let programmeId = account.programmeId
            for month in months(before: today, lookbackMonths: lookbackMonths) {
                let period = MonthlyAllocation.month(of: month.lowerBound)
                for (service, units) in (account.unitsByMonth[period] ?? [:]).sorted(by: { $0.key < $1.key })
                where units > 0 && account.state.charge(for: period, serviceId: service) == nil {
                    let subject = chargeSubject(account, service: service, period: period)
                    let exemption = account.state.exemption(
                        forService: service, from: month.lowerBound, through: month.upperBound)
                    if let exemption, !exemption.covers(from: month.lowerBound, through: month.upperBound) {
                        decision.leftOver.append(
                            DutyLeftOver(
                                subject: "\(subject) \(period)",
                                reason: "an exemption holds on part of the month only: the finance officer assesses it")
                        )
                        continue
                    }
                    if exemption?.percent == 100 { continue }
                    guard
                        let rule = account.programme.feeRule(
                            forService: service, from: month.lowerBound, through: month.upperBound)
                    else {
                        decision.leftOver.append(
                            DutyLeftOver(subject: "\(subject) \(period)", reason: "no fee rule in force"))
                        continue
                    }
                    let tier = incomeTier(rule, account)
                    let chargeID = DutyCommand.derivedEntityID(policy: .monthlyCharge, subject: subject, period: month)
                    guard
                        let assess = FeeDesk.assessment(
                            chargeId: ChargeID(uuid: chargeID.foundationUUID), programme: account.programme,
                            service: service, units: units, tierIndex: tier, state: account.state,
                            periodStart: month.lowerBound, periodEnd: month.upperBound, personal: nil)
                    else {
                        decision.leftOver.append(
                            DutyLeftOver(
                                subject: "\(subject) \(period)",
                                reason: "income tier unknown: the first charge is assessed by the finance officer"))
                        continue
                    }
                    decision.commands.append(
                        DutyCommand(
                            policy: .monthlyCharge, subject: subject, period: month,
                            action: .assess(account.personRef, programme: programmeId, assess)))
                }
            }
        }
        return decision
    }

    /// `person/programme/service` for a month's first charge; after n charges cancelled in full, `…#(n+1)`: the
    /// first subject's ids would return the cancelled charge's recorded result instead of charging again.
    static func chargeSubject(_ account: Account, service: String, period: String) -> String {
        let subject = "\(account.personRef)/\(account.programmeId)/\(service)"
        let cancelled = account.state.charges.values.count {
            $0.chargePeriod == period && $0.serviceId == service && $0.cancelledInFull
        }
        return cancelled == 0 ? subject : "\(subject)#\(cancelled + 1)"
    }

    /// The income tier of the account's latest charge of `rule`'s services, recognised by its rate under the rule's
    /// version for that charge's month (a new version may change the rate, not the resident's tier); nil when the rule
    /// has no tiers, or no earlier charge shows the tier.
    static func incomeTier(_ rule: FeeRuleDefined, _ account: Account) -> Int? {
        guard !rule.incomeTiers.isEmpty else { return nil }
        let latest = account.state.charges.values.filter { rule.serviceIds.contains($0.serviceId) }
            .max { ($0.chargePeriod, $0.chargeId) < ($1.chargePeriod, $1.chargeId) }
        guard let latest, let month = ChargePeriod(latest.chargePeriod),
            let then = account.programme.feeRule(
                forService: latest.serviceId, from: month.firstDay, through: month.lastDay)
        else { return nil }
        let tier = then.incomeTiers.indices.first {
            then.rate * Int64(then.incomeTiers[$0].feePercent) / 100 == latest.rate
        }
        return tier.flatMap { rule.incomeTiers.indices.contains($0) ? $0 : nil }
    }
}
