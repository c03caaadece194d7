import Commands
import Foundation
import HTTPAPI
import HTTPTypes
import HummingbirdTesting
import Ledger
import Testing

@Suite("HTTP API: the command role matrix of plans, authorisations, deliveries and fees")
struct CommandRoleMatrixTests {
    static let planRoles: Set<APIRole> = [.coordinator, .servicesOrganiser, .director]
    static let deliveryRoles: Set<APIRole> = [.providerStaff, .coordinator, .servicesOrganiser]
    static let feeRoles: Set<APIRole> = [.financeOfficer, .intakeClerk, .director]

    /// Every route of the three groups with the roles README's table gives it.
    static var routes: [(String, Set<APIRole>)] {
        let plan = UUID().uuidString.lowercased()
        let authorisation = UUID().uuidString.lowercased()
        let account = "\(UUID().uuidString.lowercased())/\(UUID().uuidString.lowercased())"
        let planPaths = [
            "coordinator", "reassignment", "draft", "agreement", "approval", "update", "reviews", "suspension",
            "resumption", "completion", "early-termination", "summary",
        ]
        let feePaths = [
            "charges", "exemption-requests", "exemptions", "exemption-refusals", "exemption-revocations", "payments",
            "charge-cancellations", "charge-write-offs",
        ]
        return planPaths.map { ("/v1/plans/\(plan)/\($0)", planRoles) }
            + ["", "/change", "/cancellation"].map { ("/v1/authorisations/\(authorisation)\($0)", planRoles) }
            + ["/deliveries", "/non-deliveries", "/delivery-corrections", "/delivery-reversals"].map {
                ("/v1/authorisations/\(authorisation)\($0)", deliveryRoles)
            }
            + feePaths.map { ("/v1/fee-accounts/\(account)/\($0)", feeRoles) }
    }

    @Test("Every role × command route: outside the route's group the same 403 before the body is read, inside never")
    func matrix() async throws {
        let fixture = try await APIFixture(generate: false)
        let tokens = try Dictionary(uniqueKeysWithValues: APIRole.allCases.map { ($0, try fixture.token($0)) })
        try await fixture.test { client in
            var refusals: Set<String> = []
            for (path, roles) in Self.routes {
                for role in APIRole.allCases {
                    let response = try await client.send(
                        .post, path, token: tokens[role], json: "{", headers: [CommandTests.key()])
                    if roles.contains(role) {
                        #expect(response.status != .forbidden, "\(role) \(path)")
                    } else {
                        #expect(response.status == .forbidden, "\(role) \(path)")
                        refusals.insert(response.text)
                    }
                }
            }
            #expect(refusals.count == 1, "every refusal is the same body")
            #expect(try fixture.server.services.ledger.treeSize() == 0)
        }
    }
}
