import HTTPTypes
import Projections

/// The role matrix (README "HTTP API"): which role may read which view, and which rows of it. A role without an
/// entry is refused with the same 403 whatever it asked for; a scoped role sees only its own rows, filtered
/// before paging and counting, so totals, pages and "not found" say nothing about anyone else's rows.
enum AccessPolicy {
    enum RowScope: Equatable {
        case all
        /// Only rows whose `column` holds the principal's subject.
        case own(column: String)
    }

    static func viewScope(_ role: APIRole, view: String) -> RowScope? {
        switch (view, role) {
        case ("PlanStatusView", .coordinator), ("CoordinatorCaseload", .coordinator): .own(column: "coordinatorId")
        case ("ProviderWorkload", .providerStaff): .own(column: "providerId")
        case ("PlanStatusView", .director), ("PlanStatusView", .servicesOrganiser), ("PlanStatusView", .auditor):
            .all
        case ("CoordinatorCaseload", .director), ("CoordinatorCaseload", .servicesOrganiser),
            ("CoordinatorCaseload", .auditor):
            .all
        case ("ApplicationQueue", .intakeClerk), ("ApplicationQueue", .coordinator), ("ApplicationQueue", .director),
            ("ApplicationQueue", .servicesOrganiser), ("ApplicationQueue", .auditor):
            .all
        case ("ProviderWorkload", .servicesOrganiser), ("ProviderWorkload", .director), ("ProviderWorkload", .auditor),
            ("ProviderWorkload", .financeOfficer):
            .all
        case ("FeeLedgerView", .financeOfficer), ("FeeLedgerView", .director), ("FeeLedgerView", .servicesOrganiser),
            ("FeeLedgerView", .auditor):
            .all
        case ("ComplianceAlerts", .director), ("ComplianceAlerts", .servicesOrganiser), ("ComplianceAlerts", .auditor):
            .all
        // ResidentTimeline reveals personal data: only through an access-logged reveal with a purpose (not yet
        // served over HTTP), so every role is refused here.
        default: nil
        }
    }

    /// M&E indicators, always suppressed (domain.md §6.3).
    static func mayReadIndicators(_ role: APIRole) -> Bool {
        [.evaluator, .servicesOrganiser, .director, .auditor].contains(role)
    }

    /// `/metrics` and `/v1/status`: operations, never business data.
    static func mayReadOperations(_ role: APIRole) -> Bool { [.operator, .auditor].contains(role) }

    /// Intake commands: need signals and applications (domain.md §4.5), residents' registration (§4.4).
    static func mayRecordIntake(_ role: APIRole) -> Bool { [.intakeClerk, .coordinator].contains(role) }

    /// Every view name the catalogue serves, for the matrix in README and the tests.
    static var viewNames: [String] { ProjectionCatalogue.views.map(\.name) }
}
