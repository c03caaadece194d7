public import Domain

/// How FeeLedgerView reads (domain.md §5): two row sets in one table, told apart by `kind`, per programme in
/// key order — first its accounts (`kind` "account", one per person × programme, by personRef), then its
/// months (`kind` "month", one per charge period "YYYY-MM", in date order). Both carry the money columns in
/// grosze; `outstanding` is net due less paid, cancelled and written off, never below zero. On a month row,
/// payments, cancellations and write-offs count in the period of the charge they settle, and `credit` (paid
/// beyond the charges allocated to) in the month the payment was received. An account row
/// names its person and lists the exemptions granted on it (`status` on `today`: upcoming, active, expired or
/// revoked); a month row counts the persons charged and, by exemption kind and rule, the persons exempted.
/// Columns that do not apply to a row's kind are null.
public enum FeeLedgerView {
    public static let columns = [
        "kind", "programmeId", "personRef", "month", "gross", "exemptedPartial", "exemptedTotal", "netDue", "paid",
        "outstanding", "writtenOff", "cancelled", "credit", "exemptions", "personsCharged", "personsExempted",
    ]

    /// What `--key` selects: every row, one programme's, or one account (`programmeId/personRef`).
    public enum Key: Sendable, Hashable {
        case programme(ProgrammeID)
        case account(ProgrammeID, PersonRef)
    }

    public static func rows(_ reader: RowReader, key: Key?, context: ViewContext) throws(ProjectionError)
        -> [ViewRow]
    {
        let accounts: [FeeAccountRow]
        var months: [FeeMonthRow] = []
        switch key {
        case .account(let programmeId, let personRef):
            let account = try reader.get("accounts", FeeAccountRow.key(programmeId, personRef), as: FeeAccountRow.self)
            accounts = account.map { [$0] } ?? []
        case .programme(let programmeId):
            accounts = try reader.rows("accounts", prefix: .uuid(programmeId.uuid), as: FeeAccountRow.self).map(\.row)
            months = try reader.rows("months", prefix: .uuid(programmeId.uuid), as: FeeMonthRow.self).map(\.row)
        case nil:
            accounts = try reader.rows("accounts", as: FeeAccountRow.self).map(\.row)
            months = try reader.rows("months", as: FeeMonthRow.self).map(\.row)
        }
        let programmes = Array(Set(accounts.map(\.programmeId) + months.map(\.programmeId))).sorted()
        return programmes.flatMap { programmeId in
            accounts.filter { $0.programmeId == programmeId }.map { accountRow($0, today: context.today) }
                + months.filter { $0.programmeId == programmeId }.map(monthRow)
        }
    }

    /// Parses `--key`: a programmeId, or `programmeId/personRef` for one account.
    public static func key(_ text: String) -> Key? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard let programmeId = ProgrammeID(parts[0]) else { return nil }
        switch parts.count {
        case 1: return .programme(programmeId)
        case 2: return PersonRef(parts[1]).map { .account(programmeId, $0) }
        default: return nil
        }
    }

    static func accountRow(_ account: FeeAccountRow, today: LocalDate) -> ViewRow {
        row(
            kind: "account", programmeId: account.programmeId, personRef: .id(account.personRef), month: .null,
            totals: account.totals,
            details: [
                ("exemptions", .rows(account.exemptions.map { exemptionRow($0, today: today) })),
                ("personsCharged", .null), ("personsExempted", .null),
            ])
    }

    static func monthRow(_ month: FeeMonthRow) -> ViewRow {
        let exempted = month.personsExempted.map { group in
            ViewRow([
                ("kind", .string(group.tag.kind.rawValue)), ("exemptionRuleId", .string(group.tag.exemptionRuleId)),
                ("persons", .int(Int64(group.persons))),
            ])
        }
        return row(
            kind: "month", programmeId: month.programmeId, personRef: .null, month: .string(month.month),
            totals: month.totals,
            details: [
                ("exemptions", .null), ("personsCharged", .int(Int64(month.personsCharged))),
                ("personsExempted", .rows(exempted)),
            ])
    }

    private static func row(
        kind: String, programmeId: ProgrammeID, personRef: ViewValue, month: ViewValue, totals: FeeTotals,
        details: [(column: String, value: ViewValue)]
    ) -> ViewRow {
        ViewRow(
            [
                ("kind", .string(kind)), ("programmeId", .id(programmeId)), ("personRef", personRef),
                ("month", month), ("gross", .int(totals.gross)), ("exemptedPartial", .int(totals.exemptedPartial)),
                ("exemptedTotal", .int(totals.exemptedTotal)), ("netDue", .int(totals.netDue)),
                ("paid", .int(totals.paid)), ("outstanding", .int(totals.outstanding)),
                ("writtenOff", .int(totals.writtenOff)), ("cancelled", .int(totals.cancelled)),
                ("credit", .int(totals.credit)),
            ] + details)
    }

    static func exemptionRow(_ exemption: FeeExemptionTerms, today: LocalDate) -> ViewRow {
        let status: String
        if let revokedFrom = exemption.revokedFrom, revokedFrom <= today {
            status = "revoked"
        } else if today < exemption.validFrom {
            status = "upcoming"
        } else if let validTo = exemption.validTo, validTo < today {
            status = "expired"
        } else {
            status = "active"
        }
        return ViewRow([
            ("exemptionId", .id(exemption.exemptionId)), ("kind", .string(exemption.kind.rawValue)),
            ("exemptionRuleId", .string(exemption.exemptionRuleId)), ("percent", .uint(exemption.percent)),
            ("validFrom", .date(exemption.validFrom)), ("validTo", .date(exemption.validTo)),
            ("revokedFrom", .date(exemption.revokedFrom)), ("status", .string(status)),
        ])
    }
}
