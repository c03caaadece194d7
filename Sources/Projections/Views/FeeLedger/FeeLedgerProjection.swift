import Domain

/// FeeLedgerView (domain.md §5, §4.8): per resident and programme the account's totals, and per programme and
/// charge period the same totals with the persons charged and exempted by kind and rule. Every fee event names
/// its `personRef` and `programmeId`, so no stream lookup is needed; payments, cancellations and write-offs
/// find their charge in the `charges` table, and a charge's exemption is counted under the kind and rule
/// FeeExemptionGranted gave it (kept on the account row).
public struct FeeLedgerProjection: Projection {
    public static let name = "FeeLedgerView"
    public static let version: UInt32 = 1
    /// µs per event of a rebuild beyond the shared scan, as `cus-bench projections` measured it.
    public static let rebuildCost = 0.1
    public static let tables = ["accounts", "months", "charges"]
    public static let eventTypes: Set<String> = [
        FeeAssessed.eventType, FeeExemptionGranted.eventType, FeeExemptionRevoked.eventType,
        PaymentReceived.eventType, ChargeCancelled.eventType, ChargeWrittenOff.eventType,
    ]

    public init() {}

    public func apply(_ event: ProjectedEvent, to rows: RowBatch) throws(ProjectionError) {
        let ledger = try FeeLedgerTables(rows)
        switch event.event {
        case .feeAssessed(let assessed):
            try ledger.assess(assessed)
        case .feeExemptionGranted(let granted):
            try ledger.updateAccount(granted.programmeId, granted.personRef) { account in
                account.exemptions.removeAll { $0.exemptionId == granted.exemptionId }
                account.exemptions.append(FeeExemptionTerms(granted))
            }
        case .feeExemptionRevoked(let revoked):
            try ledger.updateAccount(revoked.programmeId, revoked.personRef) { account in
                guard let index = account.exemptions.firstIndex(where: { $0.exemptionId == revoked.exemptionId })
                else { return }
                account.exemptions[index].revokedFrom = revoked.effectiveFrom
            }
        case .paymentReceived(let payment):
            _ = try ledger.receive(payment)
        case .chargeCancelled(let cancelled):
            _ = try ledger.settle(cancelled.chargeId, amount: cancelled.amount, as: \.cancelled)
        case .chargeWrittenOff(let writtenOff):
            _ = try ledger.settle(writtenOff.chargeId, amount: writtenOff.amount, as: \.writtenOff)
        default:
            return
        }
    }
}

/// The view's tables in one batch, and the three places every amount goes: the charge, its account and its month.
struct FeeLedgerTables {
    let accounts: RowTable<FeeAccountRow>
    let months: RowTable<FeeMonthRow>
    let charges: RowTable<FeeCharge>

    init(_ rows: RowBatch) throws(ProjectionError) {
        accounts = try rows.table("accounts")
        months = try rows.table("months")
        charges = try rows.table("charges")
    }

    func updateAccount(
        _ programmeId: ProgrammeID, _ personRef: PersonRef, _ body: (inout FeeAccountRow) -> Void
    ) throws(ProjectionError) {
        try accounts.update(
            FeeAccountRow.key(programmeId, personRef),
            orInsert: { FeeAccountRow(programmeId: programmeId, personRef: personRef) }, body)
    }

    func updateMonth(_ programmeId: ProgrammeID, _ month: String, _ body: (inout FeeMonthRow) -> Void)
        throws(ProjectionError)
    {
        try months.update(
            FeeMonthRow.key(programmeId, month), orInsert: { FeeMonthRow(programmeId: programmeId, month: month) },
            body)
    }

    /// A new charge: gross, exempted (partial or total by the exemption's kind) and net due.
    func assess(_ assessed: FeeAssessed) throws(ProjectionError) {
        let chargeKey = RowKey.uuid(assessed.chargeId.uuid)
        guard try charges.get(chargeKey) == nil else { return }
        let account = try accounts.get(FeeAccountRow.key(assessed.programmeId, assessed.personRef))
        let exemption = assessed.exemptionId.flatMap { id in account?.exemptions.first { $0.exemptionId == id } }
        var amounts = FeeTotals()
        amounts.gross = assessed.gross
        if exemption?.kind == .total {
            amounts.exemptedTotal = assessed.exempted
        } else {
            amounts.exemptedPartial = assessed.exempted
        }
        amounts.netDue = assessed.net
        charges.put(
            chargeKey,
            FeeCharge(
                programmeId: assessed.programmeId, personRef: assessed.personRef, chargePeriod: assessed.chargePeriod,
                totals: amounts))
        try updateAccount(assessed.programmeId, assessed.personRef) { $0.totals.add(amounts) }
        try updateMonth(assessed.programmeId, assessed.chargePeriod) { month in
            month.totals.add(amounts)
            month.charges.append(
                MonthCharge(chargeId: assessed.chargeId, personRef: assessed.personRef, exemption: exemption?.tag))
        }
    }

    /// Allocations settle their charges; what is not allocated (or exceeds a charge's outstanding) is credit,
    /// counted in the month the payment was received. Returns what each allocation settled.
    func receive(_ payment: PaymentReceived) throws(ProjectionError) -> [(chargeId: ChargeID, amount: Int64)] {
        var settled: [(chargeId: ChargeID, amount: Int64)] = []
        for allocation in payment.allocations {
            settled.append(
                (allocation.chargeId, try settle(allocation.chargeId, amount: allocation.amount, as: \.paid)))
        }
        let allocated = settled.reduce(0) { $0 + $1.amount }
        var credit = FeeTotals()
        credit.credit = max(0, payment.amount - allocated)
        guard credit.credit > 0 else { return settled }
        try updateAccount(payment.programmeId, payment.personRef) { $0.totals.add(credit) }
        try updateMonth(payment.programmeId, MonthlyAllocation.month(of: payment.receivedOn)) { $0.totals.add(credit) }
        return settled
    }

    /// Pays, cancels or writes off up to the charge's outstanding; returns the amount that settled it (zero for
    /// a charge the view does not know).
    func settle(_ chargeId: ChargeID, amount: Int64, as column: WritableKeyPath<FeeTotals, Int64>)
        throws(ProjectionError) -> Int64
    {
        let chargeKey = RowKey.uuid(chargeId.uuid)
        guard var charge = try charges.get(chargeKey) else { return 0 }
        var settled = FeeTotals()
        settled[keyPath: column] = max(0, min(amount, charge.totals.outstanding))
        charge.totals.add(settled)
        charges.put(chargeKey, charge)
        try accounts.update(charge.accountKey) { $0?.totals.add(settled) }
        let cancelledInFull = charge.cancelledInFull
        try months.update(charge.monthKey) { month in
            month?.totals.add(settled)
            guard cancelledInFull, let index = month?.charges.firstIndex(where: { $0.chargeId == chargeId }) else {
                return
            }
            month?.charges[index].standing = false
        }
        return settled[keyPath: column]
    }
}
