public import Domain
import Ledger

/// The person dimension (ledger.md §4.4): each resident's sex, age band and district, decrypted once through
/// the Vault's system path, updated by rectifications, and cleared for good by `PersonalDataErased` (the
/// receipt's position is kept). Only M&E breakdowns read it.
public struct PersonDimensionProjection: Projection {
    public static let name = "PersonDimension"
    public static let version: UInt32 = 1
    /// µs per event of a rebuild beyond the shared scan, as `cus projections rebuild NAME` measured it.
    public static let rebuildCost = 0.5
    public static let tables = ["persons"]
    public static let eventTypes: Set<String> = [
        PersonRegistered.eventType, PersonDataRectified.eventType, PersonalDataErased.eventType,
    ]
    static let statisticalFields: Set<String> = ["sex", "ageBand", "district"]

    let source: StatisticalAttributeSource

    public init(source: StatisticalAttributeSource) { self.source = source }

    public func apply(_ event: ProjectedEvent, to rows: RowBatch) throws(ProjectionError) {
        let persons = try rows.table("persons", of: StatisticalAttributes.self)
        switch event.event {
        case .personRegistered(let registered):
            let attributes = try source.attributes(at: event.position) ?? StatisticalAttributes()
            try persons.update(.uuid(registered.personRef.uuid), orInsert: { attributes }) { row in
                if row.erasedAt == nil { row = attributes }
            }
        case .personDataRectified(let rectified):
            guard !Self.statisticalFields.isDisjoint(with: rectified.fieldNames),
                let changed = try source.attributes(at: event.position)
            else { return }
            try persons.update(.uuid(rectified.personRef.uuid)) { row in
                guard var current = row, current.erasedAt == nil else { return }
                current.sex = changed.sex ?? current.sex
                current.ageBand = changed.ageBand ?? current.ageBand
                current.district = changed.district ?? current.district
                row = current
            }
        case .personalDataErased(let erased):
            persons.put(.uuid(erased.personRef.uuid), StatisticalAttributes(erasedAt: event.position.rawValue))
        default:
            return
        }
    }

    /// The attributes of `person`, or nil when unknown.
    public static func attributes(of person: PersonRef, in reader: RowReader) throws(ProjectionError)
        -> StatisticalAttributes?
    {
        try reader.get("persons", .uuid(person.uuid), as: StatisticalAttributes.self)
    }
}
