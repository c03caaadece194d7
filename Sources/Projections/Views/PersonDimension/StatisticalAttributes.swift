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

    /// The attributes the record at `position` carries, or nil when it has no readable sealed part; a part whose
    /// key was destroyed reads as erased at its receipt (an as-of build before the receipt, or a rebuild, then
    /// puts the person in "not available" as the live dimension does after the receipt).
    func attributes(at position: Position) throws(ProjectionError) -> StatisticalAttributes? {
        let event: DomainEvent?
        switch try sealedPart(at: position) {
        case .erased(let receipt): return StatisticalAttributes(erasedAt: receipt.rawValue)
        case .opened(let opened): event = opened
        case .none: event = nil
        }
        switch event {
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
        guard case .opened(let event) = try sealedPart(at: position) else { return nil }
        switch event {
        case .planTerminatedEarly(let terminated):
            return terminated.personal.map { PlanOutcome.Sealed(terminationReason: $0.reason) }
        case .planSummaryRecorded(let summary):
            return summary.personal.map { PlanOutcome.Sealed(ratings: SummaryRatings($0)) }
        default:
            return nil
        }
    }

    /// What the sealed part of the record at `position` gives.
    private enum SealedPart {
        /// The whole event, its sealed part attached.
        case opened(DomainEvent)
        /// Its key was destroyed by the receipt at this position.
        case erased(Position)
        /// It has no sealed part.
        case none
    }

    private func sealedPart(at position: Position) throws(ProjectionError) -> SealedPart {
        let record: RecordedEvent?
        do { record = try ledger.event(at: position) } catch { throw ProjectionError.storage("\(error)") }
        guard let record, let sealed = record.sealed else { return .none }
        let opened: OpenedPersonalData
        do {
            opened = try vault.open(sealed, binding: SealBinding(record))
        } catch  where error.code == .subjectErased {
            // Withheld while the person's erasure is recorded: nothing to read; the receipt follows.
            return .none
        } catch {
            throw ProjectionError.undecodable(position: position.rawValue, "the sealed part does not open: \(error)")
        }
        let plaintext: [UInt8]
        switch opened {
        case .plaintext(let bytes): plaintext = bytes
        case .redacted(_, let receipt): return .erased(receipt)
        }
        let clear: (context: EventContext, event: DomainEvent)
        let whole: DomainEvent
        do {
            clear = try EventCodec.decode(
                eventType: record.type.description, schemaVersion: record.schemaVersion, clear: Array(record.payload))
            whole = try EventCodec.attachPersonal(plaintext, to: clear.event)
        } catch { throw ProjectionError.undecodable(position: position.rawValue, "\(error)") }
        return .opened(whole)
    }
}
