public import Domain
public import Ledger
public import Vault

/// The statistical attributes of a resident that M&E breakdowns need (ledger.md §4.4): sex, age band and
/// district — quasi-identifiers, sealed in the ledger, never names, PESEL, contact data or free text.
public struct StatisticalAttributes: PayloadCodable, Hashable, Sendable {
    public var sex: Sex?
    public var ageBand: String?
    public var district: String?
    /// The erasure receipt's position once the person's data was erased: the attributes are gone for good.
    public var erasedAt: UInt64?

    public init(sex: Sex? = nil, ageBand: String? = nil, district: String? = nil, erasedAt: UInt64? = nil) {
        self.sex = sex
        self.ageBand = ageBand
        self.district = district
        self.erasedAt = erasedAt
    }

    public func encode(to writer: inout PayloadWriter) {
        writer.writeOptional(sex)
        writer.writeOptional(ageBand)
        writer.writeOptional(district)
        writer.writeOptional(erasedAt)
    }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        sex = try reader.readOptional()
        ageBand = try reader.readOptional()
        district = try reader.readOptional()
        erasedAt = try reader.readOptional()
    }
}

/// The Vault's system path for projections (ledger.md §4.4): opens a registration's or rectification's
/// sealed part and keeps only the statistical attributes, or a plan's early end or summary and keeps only its
/// outcome fields (reason, goal results, ratings; never the narrative or free text), discarding everything
/// else at once. It writes no
/// access-log entry — by design, since no person reads anything here; staff views go through the
/// access-logged `PersonalDataReader` instead. An erased key reads as nothing, so a rebuild after an erasure
/// gives what the live dimension holds after it.
public struct StatisticalAttributeSource: Sendable {
    let ledger: Ledger
    let vault: Vault

    public init(ledger: Ledger, vault: Vault) {
        self.ledger = ledger
        self.vault = vault
    }

    /// The attributes the record at `position` carries, or nil when it has no readable sealed part.
    func attributes(at position: Position) throws(ProjectionError) -> StatisticalAttributes? {
        switch try opened(at: position) {
        case .personRegistered(let registered):
            guard let personal = registered.personal else { return nil }
            return StatisticalAttributes(sex: personal.sex, ageBand: personal.ageBand, district: personal.district)
        case .personDataRectified(let rectified):
            guard let values = rectified.personal?.newValues else { return nil }
            return StatisticalAttributes(sex: values.sex, ageBand: values.ageBand, district: values.district)
        default:
            return nil
        }
    }

    /// The outcome fields an early end or a summary at `position` carries, or nil when it has no readable
    /// sealed part (none recorded, or the key erased).
    func outcome(at position: Position) throws(ProjectionError) -> PlanOutcome.Sealed? {
        switch try opened(at: position) {
        case .planTerminatedEarly(let terminated):
            return terminated.personal.map { PlanOutcome.Sealed(terminationReason: $0.reason) }
        case .planSummaryRecorded(let summary):
            return summary.personal.map { PlanOutcome.Sealed(ratings: SummaryRatings($0)) }
        default:
            return nil
        }
    }

    /// The whole event at `position`, its sealed part attached, or nil when it has none that opens.
    private func opened(at position: Position) throws(ProjectionError) -> DomainEvent? {
        let record: RecordedEvent?
        do { record = try ledger.event(at: position) } catch { throw ProjectionError.storage("\(error)") }
        guard let record, let sealed = record.sealed else { return nil }
        let opened: OpenedPersonalData
        do { opened = try vault.open(sealed, binding: SealBinding(record)) } catch {
            throw ProjectionError.undecodable(position: position.rawValue, "the sealed part does not open: \(error)")
        }
        guard case .plaintext(let plaintext) = opened else { return nil }
        let clear: (context: EventContext, event: DomainEvent)
        let whole: DomainEvent
        do {
            clear = try EventCodec.decode(
                eventType: record.type.description, schemaVersion: record.schemaVersion, clear: Array(record.payload))
            whole = try EventCodec.attachPersonal(plaintext, to: clear.event)
        } catch { throw ProjectionError.undecodable(position: position.rawValue, "\(error)") }
        return whole
    }
}
