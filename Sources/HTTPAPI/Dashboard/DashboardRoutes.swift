import Foundation
import HTTPTypes
import Hummingbird

/// The web dashboard under `/ui` (README "Dashboard"): server-rendered pages over the same reads, and behind the
/// same `AccessPolicy`, as the JSON API. A token is exchanged once at `/ui/login` for a session cookie
/// (`DashboardSessions`); every page then re-checks the token's state and the role, so a revoked token or a
/// role without access gets the login page or a 403 page, never data.
struct DashboardRoutes {
    let server: APIServer
    let sessions: DashboardSessions

    static let prefix = "/ui"

    /// Whether `path` belongs to the dashboard, which authenticates by session cookie instead of bearer token.
    static func owns(_ path: String) -> Bool { path == prefix || path.hasPrefix(prefix + "/") }

    func register(on routes: Routes) {
        routes.get("/ui/static/dashboard.css") { _, _ in
            Self.asset(DashboardAssets.stylesheet, type: "text/css; charset=utf-8")
        }
        routes.get("/ui/static/dashboard.js") { _, _ in
            Self.asset(DashboardAssets.script, type: "text/javascript; charset=utf-8")
        }
        routes.get("/ui/login") { request, _ in try loginForm(request) }
        routes.post("/ui/login") { request, _ in try await login(request) }
        routes.post("/ui/logout") { request, _ in try logout(request) }
        routes.get("/ui") { request, _ in try await page(request) { try home($0) } }
        routes.get("/ui/programmes") { request, _ in try await page(request) { try programmes($0) } }
        routes.get("/ui/programmes/:programmeId") { request, context in
            try await page(request) { try await programme($0, context) }
        }
        routes.get("/ui/programmes/:programmeId/indicators.csv") { request, context in
            try await page(request) { try await indicatorsCSV($0, context) }
        }
        routes.get("/ui/plans") { request, _ in try await page(request) { try plans($0) } }
        routes.get("/ui/plans/:planId") { request, context in try await page(request) { try plan($0, context) } }
        routes.get("/ui/providers") { request, _ in try await page(request) { try providers($0) } }
        routes.get("/ui/ledger") { request, _ in try await page(request) { try ledger($0) } }
    }

    // MARK: Sessions

    /// What a page handler gets: the request, the session's principal and the language to answer in.
    struct Visit {
        var request: Request
        var principal: Principal
        var language: DashboardLanguage
    }

    /// Runs a page for a live session: no session (or a revoked token) redirects to the login page; a `Problem`
    /// thrown by the page (403, 404, 400, 503) becomes an HTML page with the same status.
    func page(_ request: Request, _ body: (Visit) async throws -> Response) async throws -> Response {
        let requested = Result { () throws(Problem) in try Self.language(request) }
        guard let id = request.cookies[DashboardSessions.cookieName]?.value, let session = sessions.use(id),
            let principal = server.tokens.activePrincipal(tokenID: session.tokenID)
        else {
            let query = (try? requested.get())?.map { "?lang=\($0.rawValue)" } ?? ""
            return Response(status: .seeOther, headers: [.location: "/ui/login" + query, .cacheControl: "no-store"])
        }
        var visit = Visit(request: request, principal: principal, language: session.language)
        do {
            if let language = try requested.get() {
                if language != session.language { sessions.setLanguage(language, for: id) }
                visit.language = language
            }
            return try await body(visit)
        } catch let problem as Problem {
            return try message(problem, visit: visit)
        }
    }

    func loginForm(_ request: Request) throws -> Response {
        let language = try Self.language(request) ?? .pl
        return try render(
            "login", title: DashboardLabels.text("loginTitle", language), language: language,
            request: request, principal: nil, values: [:])
    }

    /// `POST /ui/login` with a form field `token`: a same-origin post only (SameSite=Strict alone does not stop a
    /// login CSRF), answered with the session cookie and a redirect home, or 401 with the form again.
    func login(_ request: Request) async throws -> Response {
        try Self.requireSameOrigin(request)
        let language = try Self.language(request) ?? .pl
        let body = try await JSONBody.bytes(of: request, limit: server.limits.bodyBytesMax)
        let fields = Self.formFields(String(decoding: body, as: UTF8.self))
        guard let token = fields["token"], let principal = server.tokens.authenticate(token) else {
            var response = try render(
                "login", title: DashboardLabels.text("loginTitle", language), language: language, request: request,
                principal: nil, values: ["failed": true])
            response.status = .unauthorized
            return response
        }
        let id = sessions.open(tokenID: principal.tokenID, language: language)
        var response = Response(status: .seeOther, headers: [.location: "/ui", .cacheControl: "no-store"])
        response.headers[.setCookie] = Self.sessionCookie(id, maxAge: sessions.lifetimeSeconds, request: request)
        return response
    }

    func logout(_ request: Request) throws -> Response {
        try Self.requireSameOrigin(request)
        if let id = request.cookies[DashboardSessions.cookieName]?.value { sessions.close(id) }
        var response = Response(status: .seeOther, headers: [.location: "/ui/login", .cacheControl: "no-store"])
        response.headers[.setCookie] = Self.sessionCookie("", maxAge: 0, request: request)
        return response
    }

    /// HttpOnly, SameSite=Strict, scoped to `/ui`; Secure when the request came over TLS (a TLS listener, or a
    /// proxy saying `X-Forwarded-Proto: https`). Trusting that header can only add Secure, never remove it.
    static func sessionCookie(_ value: String, maxAge: Int, request: Request) -> String {
        let forwarded = HTTPField.Name("X-Forwarded-Proto").flatMap { request.headers[$0] }
        let secure = request.head.scheme == "https" || forwarded?.lowercased() == "https"
        return "\(DashboardSessions.cookieName)=\(value); Path=/ui; Max-Age=\(maxAge); HttpOnly; SameSite=Strict"
            + (secure ? "; Secure" : "")
    }

    /// A state-changing form must come from this server's own pages: its `Origin` (or, without one, `Referer`)
    /// must name the host the request was sent to, and its port when the `Host` names one (a TLS proxy such as
    /// docs/deploy/nginx-cus.conf passes `Host $host`, without the port).
    static func requireSameOrigin(_ request: Request) throws(Problem) {
        let host = request.head.authority ?? HTTPField.Name("Host").flatMap { request.headers[$0] }
        guard let host, let source = request.headers[.origin] ?? request.headers[.referer],
            let origin = URL(string: source), let originHost = origin.host?.lowercased(),
            let target = URL(string: "http://" + host), let targetHost = target.host?.lowercased()
        else { throw Problem.crossOrigin }
        guard originHost == targetHost, target.port == nil || target.port == origin.port else {
            throw Problem.crossOrigin
        }
    }

    /// `application/x-www-form-urlencoded` fields; the first of a repeated name wins.
    static func formFields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (part: Substring) in
                part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }
            guard let name = decode(parts[0]), fields[name] == nil else { continue }
            fields[name] = parts.count == 2 ? decode(parts[1]) : ""
        }
        return fields
    }

    /// `?lang=pl|en`; absent is nil (the session's or the default), anything else 400.
    static func language(_ request: Request) throws(Problem) -> DashboardLanguage? {
        guard let text = request.uri.queryParameters.get("lang"), !text.isEmpty else { return nil }
        guard let language = DashboardLanguage(rawValue: text) else {
            throw Problem.invalidRequest("lang must be pl or en")
        }
        return language
    }

    static func asset(_ text: String, type: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "max-age=3600"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

extension Problem {
    static let crossOrigin = Problem(
        .forbidden, code: "cross-origin", title: "The form was not sent from this server's pages",
        detail: "log in and out from the dashboard itself; Origin or Referer must name this host")
}
