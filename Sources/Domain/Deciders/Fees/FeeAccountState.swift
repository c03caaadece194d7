/// One resident's fees in one programme as the stream tells them, folded by `FeeAccountDecider.evolve`: each charge
/// with what was paid, cancelled and written off, the exemptions granted, the pending request and the credit.
/// Money is in grosze. The FeeLedgerView sums the same fields (domain.md §5, §7).
public struct FeeAccountState: Hashable, Sendable {
    /// One FeeAssessed and what happened to it since.
    public struct Charge: Hashable, Sendable {
        public let chargeId: ChargeID
        public let chargePeriod: String
        public let serviceId: String
        public let units: UInt64
        public let rate: Int64
        public let gross: Int64
        public let exemptionId: ExemptionID?
        public let exemptionKind: ExemptionKind?
        public let exempted: Int64
        public let net: Int64
        public fileprivate(set) var paid: Int64 = 0
        public fileprivate(set) var cancelled: Int64 = 0
        public fileprivate(set) var writtenOff: Int64 = 0
        /// True once cancellations took back its whole net amount (none of it paid or written off): the (period,
        /// service) may be charged again.
        public fileprivate(set) var cancelledInFull = false

        public var outstanding: Int64 { net - paid - cancelled - writtenOff }
    }

    /// A granted exemption and its revocation.
    public struct Exemption: Hashable, Sendable {
        public let exemptionId: ExemptionID
        public let kind: ExemptionKind
        public let percent: UInt64
        public let validFrom: LocalDate
        /// The last day, inclusive; nil for open-ended.
        public let validTo: LocalDate?
        public let serviceIds: [String]
        public let exemptionRuleId: String
        /// The first day without the exemption, once revoked.
        public fileprivate(set) var revokedFrom: LocalDate?

        /// The last day the exemption holds, revocation included; nil for open-ended.
        public var lastDay: LocalDate? {
            guard let revokedFrom else { return validTo }
            let dayBefore = revokedFrom.adding(days: -1)
            return validTo.map { min($0, dayBefore) } ?? dayBefore
        }

        /// Whether the exemption holds on every day of `from ... through`.
        public func covers(from: LocalDate, through: LocalDate) -> Bool {
            validFrom <= from && (lastDay.map { $0 >= through } ?? true)
        }

        /// Whether the exemption holds on any day of `from ... through` (nil: no end).
        public func overlaps(from: LocalDate, through: LocalDate?) -> Bool {
            if let through, through < validFrom { return false }
            if let lastDay, lastDay < from { return false }
            return lastDay.map { validFrom <= $0 } ?? true
        }
    }

    /// Sums over every charge, cancelled ones included.
    public struct Totals: Hashable, Sendable {
        public var gross: Int64 = 0
        public var exemptedPartial: Int64 = 0
        public var exemptedTotal: Int64 = 0
        public var net: Int64 = 0
        public var paid: Int64 = 0
        public var cancelled: Int64 = 0
        public var writtenOff: Int64 = 0
        public var outstanding: Int64 = 0

        public var exempted: Int64 { exemptedPartial + exemptedTotal }
    }

    public private(set) var personRef: PersonRef?
    public private(set) var programmeId: ProgrammeID?
    public private(set) var charges: [ChargeID: Charge] = [:]
    public private(set) var exemptions: [ExemptionID: Exemption] = [:]
    /// Requests neither granted nor refused yet.
    public private(set) var pendingRequests = 0
    public private(set) var paymentReferences: Set<String> = []
    /// Paid but not allocated to a charge.
    public private(set) var credit: Int64 = 0

    public init() {}

    public var totals: Totals {
        charges.values.reduce(into: Totals()) { totals, charge in
            totals.gross += charge.gross
            if charge.exemptionKind == .total {
                totals.exemptedTotal += charge.exempted
            } else {
                totals.exemptedPartial += charge.exempted
            }
            totals.net += charge.net
            totals.paid += charge.paid
            totals.cancelled += charge.cancelled
            totals.writtenOff += charge.writtenOff
            totals.outstanding += charge.outstanding
        }
    }

    /// The charge standing for `chargePeriod` and `serviceId`: one not cancelled in full.
    public func charge(for chargePeriod: String, serviceId: String) -> Charge? {
        charges.values.first { $0.chargePeriod == chargePeriod && $0.serviceId == serviceId && !$0.cancelledInFull }
    }

    /// The exemption for `serviceId` that holds on some day of `from ... through` (at most one: grants never overlap).
    public func exemption(forService serviceId: String, from: LocalDate, through: LocalDate) -> Exemption? {
        exemptions.values.sorted { $0.exemptionId < $1.exemptionId }
            .first { $0.serviceIds.contains(serviceId) && $0.overlaps(from: from, through: through) }
    }

    /// Folds one event of this account's stream; events of other accounts change nothing.
    func applying(_ event: DomainEvent) -> FeeAccountState {
        var state = self
        switch event {
        case .feeAssessed(let assessed):
            state.open(assessed.personRef, assessed.programmeId)
            state.charges[assessed.chargeId] = Charge(
                chargeId: assessed.chargeId, chargePeriod: assessed.chargePeriod, serviceId: assessed.serviceId,
                units: assessed.units, rate: assessed.rate, gross: assessed.gross, exemptionId: assessed.exemptionId,
                exemptionKind: assessed.exemptionId.flatMap { exemptions[$0]?.kind }, exempted: assessed.exempted,
                net: assessed.net)
        case .feeExemptionRequested(let requested):
            state.open(requested.personRef, requested.programmeId)
            state.pendingRequests += 1
        case .feeExemptionGranted(let granted):
            state.open(granted.personRef, granted.programmeId)
            state.pendingRequests = max(0, pendingRequests - 1)
            state.exemptions[granted.exemptionId] = Exemption(
                exemptionId: granted.exemptionId, kind: granted.kind, percent: granted.percent,
                validFrom: granted.validFrom, validTo: granted.validTo, serviceIds: granted.serviceIds,
                exemptionRuleId: granted.exemptionRuleId)
        case .feeExemptionRefused:
            state.pendingRequests = max(0, pendingRequests - 1)
        case .feeExemptionRevoked(let revoked):
            state.exemptions[revoked.exemptionId]?.revokedFrom = revoked.effectiveFrom
        case .paymentReceived(let payment):
            state.open(payment.personRef, payment.programmeId)
            state.paymentReferences.insert(payment.paymentReference)
            var allocated: Int64 = 0
            for allocation in payment.allocations {
                state.charges[allocation.chargeId]?.paid += allocation.amount
                allocated += allocation.amount
            }
            state.credit += payment.amount - allocated
        case .chargeCancelled(let cancelled):
            state.charges[cancelled.chargeId]?.cancelled += cancelled.amount
            // Cancelled in full only when nothing of it was paid or written off: a charge settled in part and
            // cancelled for the rest still stands for its month, which a new charge would bill a second time.
            if let charge = state.charges[cancelled.chargeId], charge.cancelled == charge.net {
                state.charges[cancelled.chargeId]?.cancelledInFull = true
            }
        case .chargeWrittenOff(let writtenOff):
            state.charges[writtenOff.chargeId]?.writtenOff += writtenOff.amount
        default:
            break
        }
        return state
    }

    private mutating func open(_ personRef: PersonRef, _ programmeId: ProgrammeID) {
        if self.personRef == nil {
            self.personRef = personRef
            self.programmeId = programmeId
        }
    }
}
