public import Domain
import Foundation

/// A view as `cus views show` and the HTTP API read it: the projection that stores it, its columns
/// (domain.md §5 names), what `--key` selects, and how rows are rendered for a day.
public struct ViewDefinition: Sendable {
    public let name: String
    public let projection: any Projection
    public let columns: [String]
    public let keyHelp: String
    public let render: @Sendable (RowReader, String?, ViewContext) throws(ProjectionError) -> [ViewRow]
}

/// Every projection this release builds, and the views over them.
public enum ProjectionCatalogue {
    public static let projections: [any Projection] = [
        PlanStatusProjection(), ApplicationQueueProjection(), CoordinatorCaseloadProjection(),
        ProviderWorkloadProjection(), FeeLedgerProjection(),
    ]

    /// Every projection, with the person dimension when the Vault is at hand (it decrypts statistical
    /// attributes through the Vault's system path, ledger.md §4.4).
    public static func all(attributes: StatisticalAttributeSource?) -> [any Projection] {
        projections + (attributes.map { [PersonDimensionProjection(source: $0)] } ?? [])
    }

    public static let views: [ViewDefinition] = [
        ViewDefinition(
            name: PlanStatusProjection.name, projection: PlanStatusProjection(), columns: PlanStatusView.columns,
            keyHelp: "a planId"
        ) { reader, key, context throws(ProjectionError) in
            let plan = try key.map { (text: String) throws(ProjectionError) in try Self.identifier(PlanID.self, text) }
            return try PlanStatusView.rows(reader, key: plan, context: context)
        },
        ViewDefinition(
            name: ApplicationQueueProjection.name, projection: ApplicationQueueProjection(),
            columns: ApplicationQueueView.columns, keyHelp: "a programmeId"
        ) { reader, key, context throws(ProjectionError) in
            let programme = try key.map { (text: String) throws(ProjectionError) in
                try Self.identifier(ProgrammeID.self, text)
            }
            return try ApplicationQueueView.rows(reader, programme: programme, context: context)
        },
        ViewDefinition(
            name: CoordinatorCaseloadProjection.name, projection: CoordinatorCaseloadProjection(),
            columns: CoordinatorCaseloadView.columns, keyHelp: "a coordinator's staffId"
        ) { reader, key, context throws(ProjectionError) in
            let coordinator = try key.map { (text: String) throws(ProjectionError) in
                try Self.identifier(StaffID.self, text)
            }
            return try CoordinatorCaseloadView.rows(reader, coordinator: coordinator, context: context)
        },
        ViewDefinition(
            name: ProviderWorkloadProjection.name, projection: ProviderWorkloadProjection(),
            columns: ProviderWorkloadView.columns, keyHelp: "a providerId, or providerId/serviceId"
        ) { reader, key, context throws(ProjectionError) in
            let selected = try key.map { (text: String) throws(ProjectionError) in
                try Self.parsed(text, ProviderWorkloadView.key, expected: "a providerId or providerId/serviceId")
            }
            return try ProviderWorkloadView.rows(reader, key: selected, context: context)
        },
        ViewDefinition(
            name: FeeLedgerProjection.name, projection: FeeLedgerProjection(), columns: FeeLedgerView.columns,
            keyHelp: "a programmeId, or programmeId/personRef"
        ) { reader, key, context throws(ProjectionError) in
            let selected = try key.map { (text: String) throws(ProjectionError) in
                try Self.parsed(text, FeeLedgerView.key, expected: "a programmeId or programmeId/personRef")
            }
            return try FeeLedgerView.rows(reader, key: selected, context: context)
        },
    ]

    public static func view(named name: String) throws(ProjectionError) -> ViewDefinition {
        guard let found = views.first(where: { $0.name == name }) else { throw ProjectionError.unknownProjection(name) }
        return found
    }

    /// A `--key` of a view with composite keys, parsed by the view.
    static func parsed<Key>(_ text: String, _ parse: (String) -> Key?, expected: String) throws(ProjectionError) -> Key
    {
        guard let key = parse(text) else { throw ProjectionError.invalidKey("\(text) is not \(expected)") }
        return key
    }

    static func identifier<ID: EntityIdentifier>(_ type: ID.Type, _ text: String) throws(ProjectionError) -> ID {
        guard let uuid = UUID(uuidString: text) else {
            throw ProjectionError.invalidKey("\(text) is not a UUID")
        }
        return ID(uuid: uuid)
    }
}
