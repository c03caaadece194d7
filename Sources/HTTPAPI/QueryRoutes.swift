import Commands
import HTTPTypes
import Domain
import Foundation
import Hummingbird
import Ledger
import Projections

/// `GET` routes over the read models: every view of the `ProjectionCatalogue` (paginated, filtered by key, rows
/// scoped by role), one plan, a programme's M&E indicators live or as of a cutoff. Every answer carries the
/// checkpoint (ledger size) it reflects; `?minPosition=N` first waits, bounded, until the projections have
/// applied position N (read-your-writes after a command).
struct QueryRoutes {
    let server: APIServer

    func register(on router: Routes) {
        router.get("/v1/views") { _, context in try listViews(context) }
        router.get("/v1/views/:name") { request, context in try await view(request, context) }
        router.get("/v1/plans/:planId") { request, context in try await plan(request, context) }
    }

    struct ViewSummary: Encodable {
        var name: String
        var columns: [String]
        var key: String
        var scope: String
    }

    func listViews(_ context: APIRequestContext) throws -> Response {
        let principal = try context.requirePrincipal()
        let views = ProjectionCatalogue.views.compactMap { view -> ViewSummary? in
            guard let scope = AccessPolicy.viewScope(principal.role, view: view.name) else { return nil }
            return ViewSummary(
                name: view.name, columns: view.columns, key: view.keyHelp, scope: scope == .all ? "all" : "own")
        }
        return JSONBody.response(["views": views])
    }

    /// A page of a view. Written by hand from the rows (Foundation's encoder took a third of a page's CPU,
    /// docs/benchmarks.md): the members in name order, as `JSONBody`'s sorted keys gave them; `nextOffset` only
    /// when there is a next page; each row's columns in the view's order.
    struct ViewPage {
        var view: String
        var checkpoint: UInt64
        var rows: [ViewRow]
        var offset: Int
        var limit: Int
        var total: Int
        var nextOffset: Int?

        var jsonText: String {
            var out = "{\"checkpoint\":\(checkpoint),\"limit\":\(limit)"
            if let nextOffset { out += ",\"nextOffset\":\(nextOffset)" }
            out += ",\"offset\":\(offset),\"rows\":"
            ViewRow.writeJSON(rows, into: &out)
            out += ",\"total\":\(total),\"view\":"
            ViewValue.writeQuoted(view, into: &out)
            return out + "}"
        }
    }

    /// `?key=`, at most `viewKeyLengthMax` characters (the contract's `maxLength`).
    static func viewKey(_ query: QueryParameters) throws(Problem) -> String? {
        guard let key = try query.text("key") else { return nil }
        guard key.count <= viewKeyLengthMax else {
            throw Problem.invalidRequest("key must be at most \(viewKeyLengthMax) characters")
        }
        return key
    }

    static let viewKeyLengthMax = 200

    func view(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        guard let name = context.parameters.get("name"),
            let definition = ProjectionCatalogue.views.first(where: { $0.name == name })
        else { throw Problem.notFound }
        guard let scope = AccessPolicy.viewScope(principal.role, view: name) else { throw Problem.forbidden }
        let query = QueryParameters(request: request)
        let page = try query.page(server.limits)
        let today = try query.date("today") ?? server.today()
        try await waitForMinPosition(query)
        let (rows, checkpoint) = try read(definition, key: try Self.viewKey(query), today: today)
        let visible = Self.filter(rows, scope: scope, principal: principal)
        let slice = visible.dropFirst(page.offset).prefix(page.limit)
        let next = page.offset + slice.count
        let body = ViewPage(
            view: name, checkpoint: checkpoint, rows: Array(slice), offset: page.offset, limit: page.limit,
            total: visible.count, nextOffset: next < visible.count ? next : nil)
        return JSONBody.response(jsonText: body.jsonText)
    }

    /// One plan's PlanStatusView row; a plan outside a coordinator's caseload is 404, as a missing one is.
    func plan(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        guard let scope = AccessPolicy.viewScope(principal.role, view: PlanStatusProjection.name) else {
            throw Problem.forbidden
        }
        let plan = try pathIdentifier(context, "planId", PlanID.self)
        let query = QueryParameters(request: request)
        let today = try query.date("today") ?? server.today()
        try await waitForMinPosition(query)
        let definition = try ProjectionCatalogue.view(named: PlanStatusProjection.name)
        let (rows, checkpoint) = try read(definition, key: plan.description, today: today)
        guard let row = Self.filter(rows, scope: scope, principal: principal).first else { throw Problem.notFound }
        var body = "{\"checkpoint\":\(checkpoint),\"plan\":"
        row.writeJSON(into: &body)
        return JSONBody.response(jsonText: body + "}")
    }

    func read(_ definition: ViewDefinition, key: String?, today: LocalDate) throws -> ([ViewRow], UInt64) {
        let context = ViewContext(today: today, ruleBook: server.configuration.ruleBook, ledger: server.services.ledger)
        do {
            let (rows, record) = try server.projectionsStore.readLive(type(of: definition.projection)) {
                reader, record in
                let cacheKey = ViewRowsCache.Key(
                    view: definition.name, key: key, today: today, content: record.contentIdentity)
                return try server.viewRows.rows(cacheKey) { () throws(ProjectionError) in
                    try definition.render(reader, key, context)
                }
            }
            return (rows, record.checkpoint)
        } catch ProjectionError.invalidKey {
            throw Problem.invalidRequest("key must be \(definition.keyHelp)")
        } catch let error as ProjectionError {
            throw Self.problem(error)
        }
    }

    static func filter(_ rows: [ViewRow], scope: AccessPolicy.RowScope, principal: Principal) -> [ViewRow] {
        guard case .own(let column) = scope else { return rows }
        let subject = principal.subject.lowercasedText
        return rows.filter { $0[column] == .string(subject) }
    }

    static func problem(_ error: ProjectionError) -> Problem {
        switch error {
        case .invalidKey: .invalidRequest("key does not fit the view")
        case .unknownProjection: .notFound
        default:
            Problem(
                .serviceUnavailable, code: "projection-unavailable", title: "The view cannot be read now",
                detail: "the projection is not built or its storage failed; see /ready")
        }
    }

    /// Waits up to `minPositionWait` until every projection has applied `minPosition`, else 503. A position the
    /// ledger has not reached was never acknowledged to anyone, so it is a bad request rather than a wait.
    func waitForMinPosition(_ query: QueryParameters) async throws(Problem) {
        guard let position = try query.unsigned("minPosition") else { return }
        let size: UInt64
        do { size = try server.services.ledger.treeSize() } catch {
            throw Problem.reading(error, "the ledger could not be read")
        }
        guard position < size else { throw Problem.invalidRequest("minPosition is beyond the ledger's last position") }
        guard await server.engine.waitUntilProjected(Position(position), timeout: server.limits.minPositionWait)
        else {
            var problem = Problem(
                .serviceUnavailable, code: "not-yet-projected", title: "The views have not reached minPosition yet",
                detail: "retry; the projections were behind \(position) after minPositionWait")
            problem.headers[.retryAfter] = "1"
            throw problem
        }
    }
}
