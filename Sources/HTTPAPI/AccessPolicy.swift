import Domain
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
        // ResidentTimeline reveals personal data, so it is never served as a view: the auditor and the director
        // (TokenStaffAuthorisation.revealRoles) read a resident's timeline only through the access-logged reveal
        // with a purpose, POST /v1/persons/{personRef}/timeline-reveals (RevealRoutes).
        default: nil
        }
    }

    /// M&E indicators, always suppressed (domain.md §6.3).
    static func mayReadIndicators(_ role: APIRole) -> Bool {
        [.evaluator, .servicesOrganiser, .director, .auditor].contains(role)
    }

    /// The newest signed checkpoint and the verifier key: the auditor, and the operator who watches that
    /// checkpoints are signed and publishes them to witnesses.
    static func mayReadCheckpoint(_ role: APIRole) -> Bool { [.auditor, .operator].contains(role) }

    /// Inclusion and consistency proofs and the ledger export: the auditor only (the export is every clear
    /// payload of the ledger).
    static func mayReadAuditEvidence(_ role: APIRole) -> Bool { role == .auditor }

    /// `/metrics` and `/v1/status`: operations, never business data.
    static func mayReadOperations(_ role: APIRole) -> Bool { [.operator, .auditor].contains(role) }

    /// The command groups of domain.md §4, each with the roles its section names. The deciders check finer
    /// rules on the actor (a director signs a refusal, a delegated organiser approves a plan); this is the
    /// coarse gate in front of them, so a role outside a group is 403 before its body is read.
    enum CommandGroup: String, CaseIterable, Sendable {
        /// Programmes, catalogue, fee rules, county agreements (§4.2) and rule-set activation (§3.1).
        case programmeSetup
        /// Providers and their engagement (§4.3).
        case providerSetup
        /// Staff qualifications and delegations (§4.10).
        case staff
        /// Residents' registration and person facts (§4.4), need signals and applications (§4.5).
        case intake
        /// Qualification, refusal, waiting list, appeals (§4.5).
        case qualification
        /// Coordinator assignment and the IPUS lifecycle (§4.6).
        case plan
        /// Service authorisations (§4.7).
        case authorisation
        /// Deliveries, non-deliveries and their corrections (§4.7).
        case delivery
        /// Fees, exemptions, payments, cancellations and write-offs (§4.8).
        case fees
        /// Erasure of a resident's personal data (ledger.md §4.3).
        case erasure
    }

    static func mayIssue(_ role: APIRole, _ group: CommandGroup) -> Bool {
        switch group {
        case .programmeSetup, .providerSetup: [.servicesOrganiser, .director].contains(role)
        case .staff: role == .director
        case .intake: [.intakeClerk, .coordinator].contains(role)
        case .qualification: [.coordinator, .intakeClerk, .servicesOrganiser, .director].contains(role)
        case .plan: [.coordinator, .servicesOrganiser, .director].contains(role)
        case .authorisation: [.coordinator, .servicesOrganiser, .director].contains(role)
        case .delivery: [.providerStaff, .coordinator, .servicesOrganiser].contains(role)
        case .fees: [.financeOfficer, .intakeClerk, .director].contains(role)
        case .erasure: role == .director
        }
    }

    /// A coordinator acts only on the plans of their own caseload (the plan's `coordinatorId` is the token's
    /// subject); every other role the command group admits acts on any plan. A plan outside the caseload is
    /// answered 404, exactly like a missing one.
    static func mayActOn(_ plan: PlanState, _ principal: Principal) -> Bool {
        principal.role != .coordinator || plan.coordinatorId?.uuid == principal.subject
    }

    /// Every view name the catalogue serves, for the matrix in README and the tests.
    static var viewNames: [String] { ProjectionCatalogue.views.map(\.name) }
}
