import Domain
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
        ProviderWorkloadProjection(), FeeLedgerProjection(), ComplianceAlertsProjection(), ResidentTimelineProjection(),
        MetricsFactsProjection(),
    ]

    /// Every projection, with the person and outcome dimensions when the Vault is at hand (they decrypt
    /// statistical attributes and outcome fields through the Vault's system path, ledger.md §4.4).
    public static func all(attributes: StatisticalAttributeSource?) -> [any Projection] {
        projections
            + (attributes.map { [PersonDimensionProjection(source: $0), OutcomeDimensionProjection(source: $0)] }
                ?? [])
    }

    public static let views: [ViewDefinition] = [
        ViewDefinition(
            name: PlanStatusProjection.name, projection: PlanStatusProjection(), columns: PlanStatusView.columns,
            keyHelp: "a planId",
            render: byIdentifier(PlanID.self) { reader, plan, context throws(ProjectionError) in
                try PlanStatusView.rows(reader, key: plan, context: context)
            }),
        ViewDefinition(
            name: ApplicationQueueProjection.name, projection: ApplicationQueueProjection(),
            columns: ApplicationQueueView.columns, keyHelp: "a programmeId",
            render: byIdentifier(ProgrammeID.self) { reader, programme, context throws(ProjectionError) in
                try ApplicationQueueView.rows(reader, programme: programme, context: context)
            }),
        ViewDefinition(
            name: CoordinatorCaseloadProjection.name, projection: CoordinatorCaseloadProjection(),
            columns: CoordinatorCaseloadView.columns, keyHelp: "a coordinator's staffId",
            render: byIdentifier(StaffID.self) { reader, coordinator, context throws(ProjectionError) in
                try CoordinatorCaseloadView.rows(reader, coordinator: coordinator, context: context)
            }),
        ViewDefinition(
            name: ProviderWorkloadProjection.name, projection: ProviderWorkloadProjection(),
            columns: ProviderWorkloadView.columns, keyHelp: "a providerId, or providerId/serviceId",
            render: byParsedKey(ProviderWorkloadView.key, expected: "a providerId or providerId/serviceId") {
                reader, key, context throws(ProjectionError) in
                try ProviderWorkloadView.rows(reader, key: key, context: context)
            }),
        ViewDefinition(
            name: FeeLedgerProjection.name, projection: FeeLedgerProjection(), columns: FeeLedgerView.columns,
            keyHelp: "a programmeId, or programmeId/personRef",
            render: byParsedKey(FeeLedgerView.key, expected: "a programmeId or programmeId/personRef") {
                reader, key, context throws(ProjectionError) in
                try FeeLedgerView.rows(reader, key: key, context: context)
            }),
        ViewDefinition(
            name: ComplianceAlertsProjection.name, projection: ComplianceAlertsProjection(),
            columns: ComplianceAlertsView.columns, keyHelp: "an alertId, or a subjectRef such as plan-<planId>",
            render: { reader, key, context throws(ProjectionError) in
                try ComplianceAlertsView.rows(reader, key: key, context: context)
            }),
        ViewDefinition(
            name: ResidentTimelineProjection.name, projection: ResidentTimelineProjection(),
            columns: ResidentTimelineView.columns, keyHelp: "a personRef",
            render: byIdentifier(PersonRef.self) { reader, person, context throws(ProjectionError) in
                try ResidentTimelineView.rows(reader, person: person, context: context)
            }),
    ]

    typealias Render = @Sendable (RowReader, String?, ViewContext) throws(ProjectionError) -> [ViewRow]

    /// The renderer of a view whose `--key` is one entity id.
    static func byIdentifier<ID: EntityIdentifier>(
        _ type: ID.Type, _ rows: @escaping @Sendable (RowReader, ID?, ViewContext) throws(ProjectionError) -> [ViewRow]
    ) -> Render {
        { reader, text, context throws(ProjectionError) in
            let id = try text.map { (text: String) throws(ProjectionError) in try identifier(ID.self, text) }
            return try rows(reader, id, context)
        }
    }

    /// The renderer of a view whose `--key` is composite, parsed by the view.
    static func byParsedKey<Key>(
        _ parse: @escaping @Sendable (String) -> Key?, expected: String,
        _ rows: @escaping @Sendable (RowReader, Key?, ViewContext) throws(ProjectionError) -> [ViewRow]
    ) -> Render {
        { reader, text, context throws(ProjectionError) in
            let key = try text.map { (text: String) throws(ProjectionError) in
                guard let key = parse(text) else { throw ProjectionError.invalidKey("\(text) is not \(expected)") }
                return key
            }
            return try rows(reader, key, context)
        }
    }

    public static func view(named name: String) throws(ProjectionError) -> ViewDefinition {
        guard let found = views.first(where: { $0.name == name }) else { throw ProjectionError.unknownProjection(name) }
        return found
    }

    static func identifier<ID: EntityIdentifier>(_ type: ID.Type, _ text: String) throws(ProjectionError) -> ID {
        guard let uuid = UUID(canonicalText: text) else {
            throw ProjectionError.invalidKey("\(text) is not a UUID")
        }
        return ID(uuid: uuid)
    }
}
