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
/// sealed part and keeps only the statistical attributes, discarding everything else at once. It writes no
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
        switch whole {
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
}
