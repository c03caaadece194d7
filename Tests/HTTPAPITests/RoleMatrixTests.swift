import Commands
import Domain
import Foundation
import HTTPAPI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import Projections
import Testing

@Suite("HTTP API: the role matrix and row scoping")
struct RoleMatrixTests {
    /// README's role matrix for the views, as the tests read it: who may read which view, and whose rows.
    static let expected: [String: [APIRole: String]] = [
        "PlanStatusView": [.coordinator: "own", .director: "all", .servicesOrganiser: "all", .auditor: "all"],
        "CoordinatorCaseload": [.coordinator: "own", .director: "all", .servicesOrganiser: "all", .auditor: "all"],
        "ApplicationQueue": [
            .intakeClerk: "all", .coordinator: "all", .director: "all", .servicesOrganiser: "all", .auditor: "all",
        ],
        "ProviderWorkload": [
            .providerStaff: "own", .servicesOrganiser: "all", .director: "all", .auditor: "all",
            .financeOfficer: "all",
        ],
        "FeeLedgerView": [.financeOfficer: "all", .director: "all", .servicesOrganiser: "all", .auditor: "all"],
        "ComplianceAlerts": [.director: "all", .servicesOrganiser: "all", .auditor: "all"],
        "ResidentTimeline": [:],
    ]

    @Test("Every role × view: the allowed ones answer rows, every forbidden one the same 403 body")
    func everyCombination() async throws {
        let fixture = try await APIFixture()
        let tokens = try Dictionary(uniqueKeysWithValues: APIRole.allCases.map { ($0, try fixture.token($0)) })
        try await fixture.test { client in
            var forbiddenBodies: Set<String> = []
            for view in ProjectionCatalogue.views.map(\.name) {
                let allowed = try #require(Self.expected[view], "\(view) is missing from the matrix")
                for role in APIRole.allCases {
                    for query in ["", "?key=\(UUID().uuidString.lowercased())", "?limit=1&offset=5"] {
                        let response = try await client.send(.get, "/v1/views/\(view)\(query)", token: tokens[role])
                        if allowed[role] != nil {
                            #expect(response.status == .ok, "\(role) \(view)\(query)")
                        } else {
                            #expect(response.status == .forbidden, "\(role) \(view)\(query)")
                            forbiddenBodies.insert(response.text)
                        }
                    }
                }
                let listed = try await client.send(.get, "/v1/views", token: tokens[.auditor])
                #expect(listed.status == .ok)
            }
            #expect(forbiddenBodies.count == 1, "a 403 must not depend on what was asked")
            for role in APIRole.allCases {
                let listed = try await client.send(.get, "/v1/views", token: tokens[role]).object()
                let names = (listed["views"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
                #expect(Set(names) == Set(Self.expected.filter { $0.value[role] != nil }.keys), "\(role)")
            }
        }
    }

    @Test("A coordinator sees only the own caseload: rows, totals, key filters and single plans")
    func coordinatorScope() async throws {
        let fixture = try await APIFixture()
        let director = try fixture.token(.director)
        try await fixture.test { client in
            let all = try await client.send(.get, "/v1/views/PlanStatusView?limit=1000", token: director).object()
            let rows = try #require(all["rows"] as? [[String: Any]])
            let byCoordinator = Dictionary(grouping: rows) { $0["coordinatorId"] as? String ?? "" }
            let mine = try #require(byCoordinator.keys.sorted().first { !$0.isEmpty })
            let others = rows.filter { ($0["coordinatorId"] as? String) != mine }
            #expect(!others.isEmpty)
            let coordinator = try fixture.token(.coordinator, subject: UUID(uuidString: mine))
            let own = try await client.send(.get, "/v1/views/PlanStatusView?limit=1000", token: coordinator).object()
            let ownRows = try #require(own["rows"] as? [[String: Any]])
            #expect(ownRows.count == byCoordinator[mine]?.count)
            #expect(own["total"] as? Int == byCoordinator[mine]?.count)
            #expect(ownRows.allSatisfy { $0["coordinatorId"] as? String == mine })
            let foreignPlan = try #require(others.first?["planId"] as? String)
            let filtered = try await client.send(
                .get, "/v1/views/PlanStatusView?key=\(foreignPlan)", token: coordinator
            ).object()
            #expect(filtered["total"] as? Int == 0)
            let foreign = try await client.send(.get, "/v1/plans/\(foreignPlan)", token: coordinator)
            let missing = try await client.send(.get, "/v1/plans/\(UUID().uuidString.lowercased())", token: coordinator)
            #expect(foreign.status == .notFound && missing.status == .notFound)
            #expect(foreign.text == missing.text, "another coordinator's plan must look like a missing one")
            let ownPlan = try #require(ownRows.first?["planId"] as? String)
            let plan = try await client.send(.get, "/v1/plans/\(ownPlan)", token: coordinator)
            #expect(plan.status == .ok)
            let caseload = try await client.send(
                .get, "/v1/views/CoordinatorCaseload?limit=1000", token: coordinator
            ).object()
            let caseloadRows = try #require(caseload["rows"] as? [[String: Any]])
            #expect(caseloadRows.allSatisfy { $0["coordinatorId"] as? String == mine })
        }
    }

    @Test("Provider staff see only their own provider's workload")
    func providerScope() async throws {
        let fixture = try await APIFixture()
        let organiser = try fixture.token(.servicesOrganiser)
        let provider = try fixture.token(.providerStaff)
        let own = fixture.subject(of: .providerStaff).uuidString.lowercased()
        try await fixture.test { client in
            let all = try await client.send(.get, "/v1/views/ProviderWorkload?limit=1000", token: organiser).object()
            let allRows = try #require(all["rows"] as? [[String: Any]])
            #expect(Set(allRows.compactMap { $0["providerId"] as? String }).count > 1)
            let mine = try await client.send(.get, "/v1/views/ProviderWorkload?limit=1000", token: provider).object()
            let rows = try #require(mine["rows"] as? [[String: Any]])
            #expect(rows.allSatisfy { $0["providerId"] as? String == own })
            #expect(rows.count == allRows.filter { $0["providerId"] as? String == own }.count)
            let other = try #require(allRows.first { $0["providerId"] as? String != own }?["providerId"] as? String)
            let filtered = try await client.send(.get, "/v1/views/ProviderWorkload?key=\(other)", token: provider)
            #expect(try filtered.object()["total"] as? Int == 0)
        }
    }
}
