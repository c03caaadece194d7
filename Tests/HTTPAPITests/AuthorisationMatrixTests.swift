import Commands
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import Projections
import Testing

@testable import HTTPAPI

@Suite("HTTP API: the authorisation matrix (Schemas/authz-matrix.json), every role × operation × own/other subject")
struct AuthorisationMatrixTests {
    typealias Operation = AuthorisationMatrix.Operation
    typealias Which = MatrixSubjects.Which

    @Test("Every operation of openapi.yaml has its row in the matrix, and every row is an operation of the API")
    func coversOpenAPI() throws {
        let matrix = try AuthorisationMatrix.load()
        let api = try AuthorisationMatrix.openAPIOperations()
        let table = matrix.operations.map(\.operation)
        #expect(!api.isEmpty && Set(api).count == api.count)
        #expect(Set(table).count == table.count, "an operation is listed twice in Schemas/authz-matrix.json")
        let undecided = Set(api).subtracting(table).sorted()
        let unknown = Set(table).subtracting(api).sorted()
        #expect(undecided.isEmpty, "operations without an authorisation decision in Schemas/authz-matrix.json")
        #expect(unknown.isEmpty, "Schemas/authz-matrix.json lists operations openapi.yaml does not have")
        #expect(matrix.roles == APIRole.allCases.map(\.rawValue), "the matrix's roles are APIRole's")
        for operation in matrix.operations + matrix.dashboard {
            let named = (operation.access.map { [$0] } ?? []) + (operation.views?.values.map { $0 } ?? [])
            #expect(operation.isPublic == named.isEmpty, "\(operation.operation): public, or access, not both")
            let roles = Set(named.flatMap(\.keys))
            #expect(roles.isSubset(of: matrix.roles), "\(operation.operation) names an unknown role")
            if let views = operation.views {
                #expect(Set(views.keys) == Set(ProjectionCatalogue.views.map(\.name)), "\(operation.operation)")
            }
        }
        print(Self.grid(matrix))
    }

    @Test("Every route the server serves has its row in the matrix (API operations and dashboard routes)")
    func coversRouter() async throws {
        let matrix = try AuthorisationMatrix.load()
        let fixture = try await APIFixture(generate: false)
        let served = buildRouter(fixture.server).routes.map { route in
            "\(route.method) "
                + route.path.description.split(separator: "/", omittingEmptySubsequences: false)
                .map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
        }
        await fixture.close()
        let listed = Set((matrix.operations + matrix.dashboard).map(\.operation))
        #expect(served.count > 1 && Set(served).count == served.count)
        #expect(Set(served).subtracting(listed).sorted() == [], "routes without a row in Schemas/authz-matrix.json")
        #expect(
            listed.subtracting(served).sorted() == [], "rows of Schemas/authz-matrix.json the server does not route")
    }

    @Test(
        "Every role × operation × own/other subject: allowed calls answer; refused ones are the one 403 or the missing subject's 404, write nothing and show nothing of the other subject"
    )
    func everyCall() async throws {
        let matrix = try AuthorisationMatrix.load()
        let fixture = try await APIFixture()
        let subjects = try MatrixSubjects(fixture)
        let tokens = try Dictionary(
            uniqueKeysWithValues: APIRole.allCases.map {
                ($0, try fixture.token($0, subject: subjects.subject(of: $0, in: fixture)))
            })
        let revoked = try fixture.server.tokens.create(role: .director, subject: UUID(), label: "revoked")
        try fixture.server.tokens.revoke(id: revoked.entry.id)
        try await fixture.test { client in
            let probe = try await MatrixProbe(client: client, fixture: fixture, subjects: subjects)
            var tally = MatrixTally()
            let viewed = try fixture.events(PersonalDataViewed.category).count
            for operation in matrix.operations {
                for (path, view) in Self.paths(operation) {
                    for role in APIRole.allCases {
                        for which in Self.sides(path, view: view) {
                            try await probe.call(
                                operation, path: path, view: view, role: role, token: tokens[role], which: which,
                                into: &tally)
                        }
                    }
                }
            }
            let reveals = matrix.operations.filter { $0.path.hasSuffix("reveals") }
            let allowedReveals = reveals.map { op in APIRole.allCases.filter { op.scope($0) != nil }.count * 2 }
            #expect(
                try fixture.events(PersonalDataViewed.category).count - viewed == allowedReveals.reduce(0, +),
                "one PersonalDataViewed per allowed reveal (own and other subject), none for a refused one")
            let callers = [
                ("no token", nil), ("malformed token", "cus_nope"),
                ("unknown token", "cus_000000000000_" + String(repeating: "0", count: 64)),
                ("revoked token", revoked.token),
            ]
            for operation in matrix.operations where !operation.isPublic {
                for (caller, token) in callers {
                    try await probe.unauthenticated(operation, caller: caller, token: token, into: &tally)
                }
            }
            var sessions: [APIRole: String] = [:]
            for role in APIRole.allCases { sessions[role] = try await client.session(try #require(tokens[role])) }
            // The login and logout forms take no session; DashboardTests checks their same-origin rule.
            for page in matrix.dashboard where page.method == "GET" {
                for role in APIRole.allCases {
                    for which in Self.sides(page.path, view: nil) {
                        try await probe.page(page, role: role, session: sessions[role], which: which, into: &tally)
                    }
                }
            }
            let ended = try fixture.server.tokens.create(role: .director, subject: UUID(), label: "ended")
            let revokedSession = try await client.session(ended.token)
            try fixture.server.tokens.revoke(id: ended.entry.id)
            for page in matrix.dashboard where !page.isPublic {
                try await probe.pageWithoutSession(page, caller: "no session", session: nil, into: &tally)
                try await probe.pageWithoutSession(
                    page, caller: "revoked session", session: revokedSession, into: &tally)
            }
            print(tally.summary(title: "Authorisation matrix: \(tally.calls) calls"))
            #expect(tally.failures.isEmpty, "\(tally.failures.joined(separator: "\n"))")
            #expect(tally.leaks == 0)
        }
    }

    @Test(
        "A coordinator orders, changes, cancels and reports only under plans of their own caseload: another's is 404 like a missing one, and nothing is written"
    )
    func coordinatorOrdersInOwnCaseload() async throws {
        let fixture = try await APIFixture()
        let subjects = try MatrixSubjects(fixture)
        let owner = try fixture.token(.coordinator, subject: subjects.subject(of: .coordinator, in: fixture))
        let stranger = try fixture.token(
            .coordinator, subject: try #require(UUID(uuidString: subjects.other.coordinator)))
        let order = try Self.newOrder(fixture, like: subjects.own.authorisation)
        try await fixture.test { client in
            let probe = try await MatrixProbe(client: client, fixture: fixture, subjects: subjects)
            @Sendable func post(_ uri: String, _ token: String, _ json: String) async throws -> TestResponse {
                try await client.send(.post, uri, token: token, json: json, headers: [CommandTests.key()])
            }
            let before = try probe.ledgerSize
            let foreign = try await post("/v1/authorisations/\(order.id)", stranger, order.json)
            #expect(foreign.status == .notFound && foreign.text == probe.notFound, "\(foreign.text)")
            let existing = "/v1/authorisations/\(subjects.own.authorisation)"
            for suffix in ["/change", "/cancellation", "/deliveries", "/non-deliveries", "/delivery-corrections"] {
                let refused = try await post(existing + suffix, stranger, "{}")
                #expect(refused.status == .notFound && refused.text == probe.notFound, "\(suffix): \(refused.text)")
                let admitted = try await post(existing + suffix, owner, "{}")
                #expect(admitted.status == .badRequest, "\(suffix): \(admitted.text)")
            }
            #expect(try probe.ledgerSize == before, "a refused order or report writes nothing")
            let mine = try await post("/v1/authorisations/\(order.id)", owner, order.json)
            #expect(![.notFound, .forbidden].contains(mine.status), "\(mine.text)")
        }
    }

    /// A new order of one unit shaped like the order `authorisation` (same plan, item, provider and qualification),
    /// as a request body naming the application of its qualification.
    static func newOrder(_ fixture: APIFixture, like authorisation: String) throws -> (id: String, json: String) {
        let orders = try fixture.events("authorisation").compactMap { _, event -> ServiceAuthorised? in
            guard case .serviceAuthorised(let order) = event else { return nil }
            return order
        }
        var order = try #require(orders.first { $0.authorisationId.description == authorisation })
        let application = try #require(
            try fixture.events("application").lazy.compactMap { _, event -> ApplicationID? in
                guard case .qualificationGranted(let granted) = event, granted.qualificationId == order.qualificationId
                else { return nil }
                return granted.applicationId
            }.first)
        order.authorisationId = AuthorisationID(uuid: UUID())
        order.unitsAuthorised = 1
        order.monthlyAllocation = []
        var body = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(order)) as? [String: Any])
        body["applicationId"] = application.description
        let json = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
        return (order.authorisationId.description, json)
    }

    /// The concrete paths of an operation: one per view for `GET /v1/views/{name}`.
    static func paths(_ operation: Operation) -> [(String, String?)] {
        guard let views = operation.views else { return [(operation.path, nil)] }
        return views.keys.sorted().map { (operation.path.replacingOccurrences(of: "{name}", with: $0), $0) }
    }

    /// Own and other subject where the path names one (or the view is keyed), else just one call.
    static func sides(_ path: String, view: String?) -> [Which] {
        view != nil || path.contains("{") ? [.own, .other] : [.own]
    }

    /// The roles × operations grid: A all, O own, · refused, P public.
    static func grid(_ matrix: AuthorisationMatrix) -> String {
        let roles = APIRole.allCases
        let width = (matrix.operations + matrix.dashboard).map(\.operation.count).max() ?? 0
        var lines = [
            "Authorisation matrix: \(matrix.operations.count) API operations, "
                + "\(matrix.dashboard.count) dashboard routes",
            "".padding(toLength: width + 1, withPad: " ", startingAt: 0)
                + roles.map { String($0.rawValue.prefix(4)).padding(toLength: 5, withPad: " ", startingAt: 0) }
                .joined(),
        ]
        for (operation, view) in (matrix.operations + matrix.dashboard).flatMap({ op in paths(op).map { (op, $0.1) } })
        {
            let name = view.map { operation.operation.replacingOccurrences(of: "{name}", with: $0) }
            let cells = roles.map { role -> String in
                if operation.isPublic { return "P" }
                switch operation.scope(role, view: view) {
                case .all: return "A"
                case .own: return "O"
                case nil: return "·"
                }
            }
            lines.append(
                (name ?? operation.operation).padding(toLength: width + 1, withPad: " ", startingAt: 0)
                    + cells.map { $0.padding(toLength: 5, withPad: " ", startingAt: 0) }.joined())
        }
        return lines.joined(separator: "\n")
    }
}
