public import Domain

/// The money columns of FeeLedgerView (domain.md §5), in grosze: what a charge, an account or a programme month
/// adds up to. The same sums as `FeeAccountState.Totals`, charges cancelled in full included.
public struct FeeTotals: PayloadCodable, Hashable, Sendable {
    public var gross: Int64 = 0
    public var exemptedPartial: Int64 = 0
    public var exemptedTotal: Int64 = 0
    public var netDue: Int64 = 0
    /// Payments allocated to charges (never more than a charge's outstanding; the excess is credit).
    public var paid: Int64 = 0
    public var cancelled: Int64 = 0
    public var writtenOff: Int64 = 0
    /// Paid but not allocated to a charge.
    public var credit: Int64 = 0

    public init() {}

    /// Net due less paid, cancelled and written off; never below zero (an overpayment is credit).
    public var outstanding: Int64 { max(0, netDue - paid - cancelled - writtenOff) }

    mutating func add(_ other: FeeTotals) {
        gross += other.gross
        exemptedPartial += other.exemptedPartial
        exemptedTotal += other.exemptedTotal
        netDue += other.netDue
        paid += other.paid
        cancelled += other.cancelled
        writtenOff += other.writtenOff
        credit += other.credit
    }

    public func encode(to writer: inout PayloadWriter) {
        writer.write(gross)
        writer.write(exemptedPartial)
        writer.write(exemptedTotal)
        writer.write(netDue)
        writer.write(paid)
        writer.write(cancelled)
        writer.write(writtenOff)
        writer.write(credit)
    }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        gross = try reader.read()
        exemptedPartial = try reader.read()
        exemptedTotal = try reader.read()
        netDue = try reader.read()
        paid = try reader.read()
        cancelled = try reader.read()
        writtenOff = try reader.read()
        credit = try reader.read()
    }
}

/// One resident's fee account in one programme (`feeaccount-{personRef}-{programmeId}`): its totals and the
/// exemptions granted on it, which FeeAssessed names by id.
public struct FeeAccountRow: PayloadCodable, Hashable, Sendable {
    public var programmeId: ProgrammeID
    public var personRef: PersonRef
    public var totals = FeeTotals()
    /// In the order granted.
    public var exemptions: [FeeExemptionTerms] = []

    public init(programmeId: ProgrammeID, personRef: PersonRef) {
        self.programmeId = programmeId
        self.personRef = personRef
    }

    static func key(_ programmeId: ProgrammeID, _ personRef: PersonRef) -> RowKey {
        RowKey.uuid(programmeId.uuid).appending(personRef.uuid)
    }

    public func encode(to writer: inout PayloadWriter) {
        writer.write(programmeId)
        writer.write(personRef)
        writer.write(totals)
        writer.writeArray(exemptions)
    }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        programmeId = try reader.read()
        personRef = try reader.read()
        totals = try reader.read()
        exemptions = try reader.readArray()
    }
}

/// A granted exemption as the account keeps it: its kind and rule (what FeeAssessed's exempted amount is counted
/// under) and its period, revocation included.
public struct FeeExemptionTerms: PayloadCodable, Hashable, Sendable {
    public var exemptionId: ExemptionID
    public var kind: ExemptionKind
    public var exemptionRuleId: String
    public var percent: UInt64
    public var validFrom: LocalDate
    public var validTo: LocalDate?
    /// The first day without the exemption, once revoked.
    public var revokedFrom: LocalDate?

    init(_ granted: FeeExemptionGranted) {
        exemptionId = granted.exemptionId
        kind = granted.kind
        exemptionRuleId = granted.exemptionRuleId
        percent = granted.percent
        validFrom = granted.validFrom
        validTo = granted.validTo
    }

    var tag: ExemptionTag { ExemptionTag(kind: kind, exemptionRuleId: exemptionRuleId) }

    public func encode(to writer: inout PayloadWriter) {
        writer.write(exemptionId)
        writer.write(kind)
        writer.write(exemptionRuleId)
        writer.write(percent)
        writer.write(validFrom)
        writer.writeOptional(validTo)
        writer.writeOptional(revokedFrom)
    }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        exemptionId = try reader.read()
        kind = try reader.read()
        exemptionRuleId = try reader.read()
        percent = try reader.read()
        validFrom = try reader.read()
        validTo = try reader.readOptional()
        revokedFrom = try reader.readOptional()
    }
}

/// What "persons exempted by kind and rule" groups by.
public struct ExemptionTag: PayloadCodable, Hashable, Sendable, Comparable {
    public var kind: ExemptionKind
    public var exemptionRuleId: String

    public static func < (a: ExemptionTag, b: ExemptionTag) -> Bool {
        (a.kind.rawValue, a.exemptionRuleId) < (b.kind.rawValue, b.exemptionRuleId)
    }

    public func encode(to writer: inout PayloadWriter) {
        writer.write(kind)
        writer.write(exemptionRuleId)
    }

    init(kind: ExemptionKind, exemptionRuleId: String) {
        self.kind = kind
        self.exemptionRuleId = exemptionRuleId
    }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        kind = try reader.read()
        exemptionRuleId = try reader.read()
    }
}

/// One programme's charges for one charge period ("YYYY-MM"): their totals (payments, cancellations and
/// write-offs count in the period of the charge they touch; unallocated payments in the month received) and who
/// was charged, for the persons columns.
public struct FeeMonthRow: PayloadCodable, Hashable, Sendable {
    public var programmeId: ProgrammeID
    public var month: String
    public var totals = FeeTotals()
    /// In the order assessed.
    public var charges: [MonthCharge] = []

    public init(programmeId: ProgrammeID, month: String) {
        self.programmeId = programmeId
        self.month = month
    }

    static func key(_ programmeId: ProgrammeID, _ month: String) -> RowKey {
        RowKey.uuid(programmeId.uuid).appending(month)
    }

    /// Distinct persons with a charge standing in the month (one cancelled in full drops out).
    public var personsCharged: Int { Set(charges.filter(\.standing).map(\.personRef)).count }

    /// Distinct persons with a standing exempted charge, by exemption kind and rule.
    public var personsExempted: [(tag: ExemptionTag, persons: Int)] {
        let exempted = charges.filter(\.standing).compactMap { charge in charge.exemption.map { ($0, charge.personRef) }
        }
        return Dictionary(grouping: exempted, by: \.0).map { ($0.key, Set($0.value.map(\.1)).count) }
            .sorted { $0.tag < $1.tag }
    }

    public func encode(to writer: inout PayloadWriter) {
        writer.write(programmeId)
        writer.write(month)
        writer.write(totals)
        writer.writeArray(charges)
    }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        programmeId = try reader.read()
        month = try reader.read()
        totals = try reader.read()
        charges = try reader.readArray()
    }
}

/// A charge of a month: whose, under which exemption, and whether it still stands.
public struct MonthCharge: PayloadCodable, Hashable, Sendable {
    public var chargeId: ChargeID
    public var personRef: PersonRef
    public var exemption: ExemptionTag?
    /// False once cancelled in full (a retroactive exemption is a cancellation plus a new charge, domain.md §4.8).
    public var standing = true

    init(chargeId: ChargeID, personRef: PersonRef, exemption: ExemptionTag?) {
        self.chargeId = chargeId
        self.personRef = personRef
        self.exemption = exemption
    }

    public func encode(to writer: inout PayloadWriter) {
        writer.write(chargeId)
        writer.write(personRef)
        writer.writeOptional(exemption)
        writer.write(standing)
    }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        chargeId = try reader.read()
        personRef = try reader.read()
        exemption = try reader.readOptional()
        standing = try reader.read()
    }
}

/// One charge as assessed and settled since, so payments, cancellations and write-offs find its account and
/// month and never take it below zero.
struct FeeCharge: PayloadCodable, Hashable, Sendable {
    var programmeId: ProgrammeID
    var personRef: PersonRef
    var chargePeriod: String
    var totals: FeeTotals

    var accountKey: RowKey { FeeAccountRow.key(programmeId, personRef) }
    var monthKey: RowKey { FeeMonthRow.key(programmeId, chargePeriod) }
    /// Cancelled to the last grosz of its net due: it no longer counts its person as charged.
    var cancelledInFull: Bool { totals.netDue > 0 && totals.cancelled >= totals.netDue }

    init(programmeId: ProgrammeID, personRef: PersonRef, chargePeriod: String, totals: FeeTotals) {
        self.programmeId = programmeId
        self.personRef = personRef
        self.chargePeriod = chargePeriod
        self.totals = totals
    }

    func encode(to writer: inout PayloadWriter) {
        writer.write(programmeId)
        writer.write(personRef)
        writer.write(chargePeriod)
        writer.write(totals)
    }

    init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        programmeId = try reader.read()
        personRef = try reader.read()
        chargePeriod = try reader.read()
        totals = try reader.read()
    }
}
