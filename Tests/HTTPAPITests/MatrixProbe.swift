import Commands
import Foundation
import HTTPAPI
import HTTPTypes
import HummingbirdTesting
import Ledger
import Testing

/// Makes the authorisation matrix's calls against one fixture and judges each answer against the table: an
/// allowed call is not refused (401, 403, or the missing subject's 404) and, when the role is scoped, shows
/// nothing of the other subject; a refused call is exactly the one 403 body, a hidden one exactly the 404 body of a
/// missing subject, and neither writes anything to the ledger (so no `PersonalDataViewed` either).
struct MatrixProbe {
    typealias Operation = AuthorisationMatrix.Operation
    typealias Verdict = MatrixTally.Verdict

    let client: any TestClientProtocol
    let fixture: APIFixture
    let subjects: MatrixSubjects
    /// The one 403, 404 and 401 bodies of the API.
    let forbidden: String
    let notFound: String
    let unauthorized: String

    /// The column a role scoped to its own rows must hold its subject in.
    static let ownColumn = [
        "PlanStatusView": "coordinatorId", "CoordinatorCaseload": "coordinatorId", "ProviderWorkload": "providerId",
    ]
    /// Query parameters an operation needs to answer at all.
    static let queries = [
        "/v1/audit/inclusion-proof": "position=0", "/v1/audit/consistency-proof": "from=1&to=2",
        "/v1/audit/export": "from=0&to=1", "/v1/programmes/{programmeId}/indicators": "from=2025-01-01&to=2025-05-01",
        "/ui/programmes/{programmeId}/indicators.csv": "from=2025-01-01&to=2025-05-01",
    ]

    init(client: any TestClientProtocol, fixture: APIFixture, subjects: MatrixSubjects) async throws {
        self.client = client
        self.fixture = fixture
        self.subjects = subjects
        forbidden = try await client.send(.get, "/metrics", token: try fixture.token(.evaluator)).text
        notFound = try await client.send(
            .get, "/v1/plans/\(UUID().uuidString.lowercased())", token: try fixture.token(.director)
        ).text
        unauthorized = try await client.send(.get, "/v1/views", token: nil).text
    }

    var ledgerSize: UInt64 { get throws { try fixture.server.services.ledger.treeSize() } }

    static func expected(_ operation: Operation, _ role: APIRole, view: String?, which: MatrixSubjects.Which)
        -> Verdict
    {
        if operation.isPublic { return .public }
        guard let scope = operation.scope(role, view: view) else { return .denied }
        let subjectInPath = ["{planId}", "{authorisationId}"].contains { operation.path.contains($0) }
        return scope == .own && which == .other && subjectInPath ? .hidden : .allowed
    }

    /// The URI of `path` for `which` side; a view's other side filters by the other subject's key.
    func uri(_ operation: Operation, path: String, view: String?, which: MatrixSubjects.Which) -> String {
        var query = Self.queries[operation.path].map { [$0] } ?? []
        if let view {
            query.append("limit=\(APILimits.defaults.pageRowsMax)")
            if which == .other { query.append("key=\(Self.key(of: view, subjects.other))") }
        }
        return subjects.fill(path, which) + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
    }

    static func key(of view: String, _ side: MatrixSubjects.Side) -> String {
        switch view {
        case "PlanStatusView": side.plan
        case "CoordinatorCaseload": side.coordinator
        case "ProviderWorkload": side.provider
        case "ComplianceAlerts": "plan-" + side.plan
        case "ResidentTimeline": side.person
        default: side.programme
        }
    }

    func call(
        _ operation: Operation, path: String, view: String?, role: APIRole, token: String?,
        which: MatrixSubjects.Which, into tally: inout MatrixTally
    ) async throws {
        let uri = uri(operation, path: path, view: view, which: which)
        let before = try ledgerSize
        let response = try await send(operation, uri: uri, token: token)
        let written = try ledgerSize != before
        let verdict = Self.expected(operation, role, view: view, which: which)
        let what =
            "\(operation.method) \(uri) [\(which.rawValue)]: \(response.status.code) \(response.text.prefix(200))"
        switch verdict {
        case .public, .allowed:
            let refused =
                [.unauthorized, .forbidden].contains(response.status)
                || (response.status == .notFound && response.text == notFound)
            var leak: String?
            if operation.scope(role, view: view) == .own {
                leak = foreignData(in: response.text, role: role, view: view).map { "\(what) shows \($0)" }
            }
            tally.record(role.rawValue, verdict, leak: leak, wrongRefusal: refused ? what : nil)
        case .denied:
            let clean = response.status == .forbidden && response.text == forbidden && !written
            tally.record(role.rawValue, verdict, leak: clean ? nil : what + (written ? " (wrote)" : ""))
        case .hidden:
            let clean = response.status == .notFound && response.text == notFound && !written
            tally.record(role.rawValue, verdict, leak: clean ? nil : what + (written ? " (wrote)" : ""))
        }
    }

    /// A non-public operation without a valid token: the one 401 body, nothing written.
    func unauthenticated(_ operation: Operation, caller: String, token: String?, into tally: inout MatrixTally)
        async throws
    {
        let path = operation.path.replacingOccurrences(of: "{name}", with: "PlanStatusView")
        let uri = uri(operation, path: path, view: nil, which: .own)
        let before = try ledgerSize
        let response = try await send(operation, uri: uri, token: token)
        let written = try ledgerSize != before
        let clean = response.status == .unauthorized && response.text == unauthorized && !written
        tally.record(caller, .denied, leak: clean ? nil : "\(operation.method) \(uri): \(response.status.code)")
    }

    func send(_ operation: Operation, uri: String, token: String?) async throws -> TestResponse {
        guard operation.method == "POST" else { return try await client.send(.get, uri, token: token) }
        let body = uri.hasSuffix("reveals") ? #"{"purpose":"authorisation matrix"}"# : "{"
        return try await client.send(
            .post, uri, token: token, json: body, headers: [("Idempotency-Key", UUID().uuidString.lowercased())])
    }

    /// The first of the other subject's ids in `text`, or in a scoped view a row of another subject.
    func foreignData(in text: String, role: APIRole, view: String?) -> String? {
        if let id = subjects.foreign(to: role).first(where: { text.contains($0) }) { return id }
        guard let view, let column = Self.ownColumn[view],
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
            let rows = object["rows"] as? [[String: Any]]
        else { return nil }
        let own = (role == .providerStaff ? subjects.own.provider : subjects.own.coordinator)
        return rows.first { $0[column] as? String != own }.map { "a row of \($0[column] ?? "nobody")" }
    }

    // MARK: Dashboard

    func page(
        _ page: Operation, role: APIRole, session: String?, which: MatrixSubjects.Which,
        into tally: inout MatrixTally
    ) async throws {
        let uri = uri(page, path: page.path, view: nil, which: which)
        let before = try ledgerSize
        let response = try await client.page(uri, page.isPublic ? "" : session ?? "")
        let written = try ledgerSize != before
        let verdict = Self.expected(page, role, view: nil, which: which)
        let what = "GET \(uri) [\(which.rawValue)]: \(response.status.code)"
        switch verdict {
        case .public, .allowed:
            let refused = response.status != .ok
            let leak =
                page.scope(role) == .own
                ? foreignData(in: response.text, role: role, view: nil).map { "\(what) shows \($0)" } : nil
            tally.record("ui " + role.rawValue, verdict, leak: leak, wrongRefusal: refused ? what : nil)
        case .denied:
            let leak = foreignData(in: response.text, role: role, view: nil)
            let clean = response.status == .forbidden && leak == nil && !written
            tally.record("ui " + role.rawValue, verdict, leak: clean ? nil : what + (leak.map { " shows \($0)" } ?? ""))
        case .hidden:
            let missing = try await missingPage(page, session: session ?? "")
            let shown = response.text.replacingOccurrences(of: subjects.other.plan, with: "{id}")
            let clean = response.status == .notFound && shown == missing && !written
            tally.record("ui " + role.rawValue, verdict, leak: clean ? nil : what + " unlike a missing plan")
        }
    }

    /// The page of a plan nobody has, its id replaced by `{id}`.
    func missingPage(_ page: Operation, session: String) async throws -> String {
        let id = UUID().uuidString.lowercased()
        let response = try await client.page(page.path.replacingOccurrences(of: "{planId}", with: id), session)
        return response.text.replacingOccurrences(of: id, with: "{id}")
    }

    /// A page without a live session: the redirect to the login page, nothing else.
    func pageWithoutSession(_ page: Operation, caller: String, session: String?, into tally: inout MatrixTally)
        async throws
    {
        let uri = subjects.fill(page.path, .own)
        let response = try await client.page(uri, session ?? "")
        let clean =
            response.status == .seeOther && response.headers[.location]?.hasPrefix("/ui/login") == true
            && response.text.isEmpty
        tally.record(caller, .denied, leak: clean ? nil : "GET \(uri): \(response.status.code)")
    }
}
