public import Domain
import Foundation
import Ledger

/// The charging side's view of the ledger: every authorisation by the person it is for, folded from
/// `ServiceAuthorised` events and kept up to date, so charges follow what providers effectively delivered (plan and
/// non-plan authorisations alike). The `cus generate` simulation and the monthly-charge duty (`Duties`) both charge
/// through it.
public final class FeeDesk: Sendable {
    /// One authorisation of a person in a programme.
    public struct Order: Sendable, Hashable {
        public var authorisation: AuthorisationID
        public var programme: ProgrammeID
    }

    public let commands: FeeCommands
    private let orders = IncrementalFolds<String, [PersonRef: [Order]]>()

    public init(_ commands: FeeCommands) { self.commands = commands }

    public var facts: DomainFacts { commands.facts }

    public func ordersByPerson() throws(CommandError) -> [PersonRef: [Order]] {
        try orders.read("all", category: ServiceAuthorised.category, loader: facts.loader) {
            [:]
        } apply: { byPerson, _, event in
            guard case .serviceAuthorised(let authorised) = event else { return byPerson }
            var updated = byPerson
            updated[authorised.personRef, default: []].append(
                Order(authorisation: authorised.authorisationId, programme: authorised.programmeId))
            return updated
        }
    }

    /// Effective units delivered in `period` ("YYYY-MM") per service on `orders`: corrections applied, reversals
    /// dropped, as the authorisation streams tell them.
    public func unitsDelivered(in period: String, on orders: [Order]) throws(CommandError) -> [String: UInt64] {
        var units: [String: UInt64] = [:]
        for order in orders {
            let state = try facts.state(
                AuthorisationDecider.self, of: try LedgerNames.stream(ServiceAuthorised.category, order.authorisation))
            guard let service = state.order?.serviceId, let delivered = state.deliveredByMonth[period] else { continue }
            units[service, default: 0] += delivered
        }
        return units
    }

    /// The charge for `units` of `service` in the month `periodStart ... periodEnd`, computed as `FeeAccountDecider`
    /// recomputes it: the rate of the fee rule's version for the month scaled by the income tier `tierIndex`, less the
    /// exemption holding on some day of the period (rounded down). Nil when no version of the service's fee rule is in
    /// force in the month, or it has income tiers and `tierIndex` names none of them.
    public static func assessment(
        chargeId: ChargeID, programme: ProgrammeState, service: String, units: UInt64, tierIndex: Int?,
        state: FeeAccountState, periodStart: LocalDate, periodEnd: LocalDate, personal: FeeAssessed.Personal?
    ) -> AssessFee? {
        guard let rule = programme.feeRule(forService: service, from: periodStart, through: periodEnd) else {
            return nil
        }
        guard rule.incomeTiers.isEmpty || tierIndex.map({ rule.incomeTiers.indices.contains($0) }) == true else {
            return nil
        }
        let rate = tierIndex.map { rule.rate * Int64(rule.incomeTiers[$0].feePercent) / 100 } ?? rule.rate
        let gross = Int64(units) * rate
        let exemption = state.exemption(forService: service, from: periodStart, through: periodEnd)
        let exempted = exemption.map { gross * Int64($0.percent) / 100 } ?? 0
        return AssessFee(
            chargeId: chargeId, chargePeriod: MonthlyAllocation.month(of: periodStart), serviceId: service,
            units: units,
            rate: rate, gross: gross, exemptionId: exemption?.exemptionId, exempted: exempted, net: gross - exempted,
            incomeTierIndex: tierIndex, programme: programme, personal: personal)
    }
}
