import Domain
import Foundation
import Ledger

extension ResidentSimulation {
    /// The month's payment on what is outstanding, oldest charge first: most pay it all, some every other month,
    /// some an instalment of half a month's fee, some round the sum up (the excess is credit), a few never. Transfers come in with the finance
    /// officer's bank statement import the next morning, under a command id derived from the reference, and a few
    /// statements are imported twice (a no-op); cash and card payments are taken at the desk.
    func collect(_ account: FeeMonth, afterDecision: Bool, random: inout SplitMix64) async throws(CommandError) {
        let profile = account.profile
        let charges = try feeAccount(account).charges.values
            .sorted { ($0.chargePeriod, $0.chargeId) < ($1.chargePeriod, $1.chargeId) }
        let open = charges.filter { $0.outstanding > 0 }
        let due = open.reduce(Int64(0)) { $0 + $1.outstanding }
        guard due > 0 else { return }
        let amount: Int64
        switch profile.payer {
        case .defaults: return
        case .late:
            guard account.month % 2 == account.resident.index % 2 else { return }
            amount = due
        case .partial: amount = min(due, max(1_000, (charges.last?.net ?? 0) / 200 * 100))
        case .overpays: amount = (due / 1_000 + 1) * 1_000
        case .punctual: amount = due
        }
        var left = amount
        var allocations: [PaymentAllocation] = []
        for charge in open where left > 0 {
            let share = min(left, charge.outstanding)
            allocations.append(PaymentAllocation(chargeId: charge.chargeId, amount: share))
            left -= share
        }
        let day =
            afterDecision
            ? Int.random(in: 20...26, using: &random)
            : profile.payer == .late ? Int.random(in: 18...26, using: &random) : Int.random(in: 6...20, using: &random)
        let date = world.day(month: account.month, day: day)
        let period = MonthlyAllocation.month(of: date)
        let reference: String
        let actor: Actor
        let recorded: Instant
        switch profile.method {
        case .bankTransfer:
            reference = "\(profile.account)/\(date)"
            actor = world.finance.actor
            recorded = world.instant(date.adding(days: 1), hour: 9)
        case .cash, .card:
            reference = "\(profile.method == .cash ? "KP" : "POS")/\(account.caseNumber)/\(period)"
            actor = world.clerks[account.resident.index % world.clerks.count].actor
            recorded = world.instant(date, hour: 11)
        }
        let payment = ReceivePayment(
            paymentReference: reference, amount: amount, receivedOn: date, method: profile.method,
            allocations: allocations)
        counter.command()
        _ = try await fees.commands.receivePayment(
            payment, from: account.resident.person, programme: account.programmeID, by: actor, occurredAt: recorded)
        if profile.method == .bankTransfer && Int.random(in: 0..<100, using: &random) < 6 {
            counter.command()
            _ = try await fees.commands.receivePayment(
                payment, from: account.resident.person, programme: account.programmeID, by: actor,
                occurredAt: recorded)
        }
    }

    /// At each quarter's end, what a defaulter or a resident paying in instalments has owed for three months or more
    /// is written off by the finance officer (a `writeOffCharges` delegate) or the director, each charge under the
    /// debt case's reference.
    func writeOffOverdue(_ account: FeeMonth, random: inout SplitMix64) async throws(CommandError) {
        let profile = account.profile
        guard profile.payer == .defaults || profile.payer == .partial, account.month % 3 == 2, account.month >= 4
        else { return }
        let cutoff = MonthlyAllocation.month(of: world.day(month: account.month - 4, day: 1))
        let overdue = try feeAccount(account).charges.values.filter { $0.outstanding > 0 && $0.chargePeriod <= cutoff }
            .sorted { ($0.chargePeriod, $0.chargeId) < ($1.chargePeriod, $1.chargeId) }
        let deciding = profile.decidedByDirector ? world.director : world.finance
        let year = world.day(month: account.month, day: 1).components.year
        for charge in overdue {
            try await sendFee(account, by: deciding.actor, day: 28, random: &random, what: "charge written off") {
                facts throws(CommandError) in
                .writeOffCharge(
                    WriteOffCharge(
                        chargeId: charge.chargeId, amount: charge.outstanding,
                        reason: profile.payer == .defaults
                            ? "Umorzenie należności: koszt dochodzenia przewyższa kwotę zaległości."
                            : "Umorzenie reszty należności ze względu na trudną sytuację materialną dłużnika.",
                        decisionRef: "CUS.3121.\(account.caseNumber).\(year)", decider: try decider(deciding, facts)))
            }
        }
    }
}
