import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// The dashboard's pages, each open to the roles `AccessPolicy` lets read the data behind it.
enum DashboardPage: String, CaseIterable {
    case programmes, plans, providers, ledger

    var path: String { "/ui/\(rawValue)" }

    func isOpen(to role: APIRole) -> Bool {
        switch self {
        case .programmes: AccessPolicy.mayReadIndicators(role)
        case .plans: AccessPolicy.viewScope(role, view: "PlanStatusView") != nil
        case .providers: AccessPolicy.viewScope(role, view: "ProviderWorkload") != nil
        case .ledger: AccessPolicy.mayReadOperations(role)
        }
    }

    /// 403 unless the visitor's role may open this page.
    func require(_ visit: DashboardRoutes.Visit) throws(Problem) {
        guard isOpen(to: visit.principal.role) else { throw Problem.forbidden }
    }
}

/// The parsed templates, once per process; a template that does not parse is our bug, answered as a 500 page.
enum DashboardRenderer {
    static let library: Result<MustacheLibrary, Problem> = {
        var library = MustacheLibrary()
        do {
            for (name, text) in DashboardTemplates.all { try library.register(text, named: name) }
        } catch {
            return .failure(
                Problem.internalError("a page template"))
        }
        return .success(library)
    }()
}

extension DashboardRoutes {
    /// Renders `template` inside the layout: title, language, navigation for the role, the language switch.
    /// Every non-empty list `x` in `values` also gets `xAny: true`, so a template can wrap it (a table head).
    func render(
        _ template: String, title: String, language: DashboardLanguage, request: Request, principal: Principal?,
        values: [String: Any], status: HTTPResponse.Status = .ok
    ) throws -> Response {
        // A refusal's language switch drops the query, so a page never echoes parameters it refused.
        let switchQuery: [String: String?] =
            status == .ok
            ? [:]
            : Dictionary(
                request.uri.queryParameters.map { (String($0.key), nil) }, uniquingKeysWith: { first, _ in first })
        var context = values
        for (key, value) in values {
            if let list = value as? [Any], !list.isEmpty { context[key + "Any"] = true }
        }
        let pages = principal.map { principal in DashboardPage.allCases.filter { $0.isOpen(to: principal.role) } } ?? []
        let nav = pages.map { page -> [String: Any] in
            [
                "href": page.path, "label": DashboardLabels.text(page.rawValue, language),
                "current": request.uri.path.hasPrefix(page.path),
            ]
        }
        context["nav"] = nav
        context["navAny"] = !nav.isEmpty
        context["lang"] = language.rawValue
        context["otherLang"] = language.other.rawValue
        context["t"] = DashboardLabels.texts(language)
        context["title"] = title
        context["query"] = principal == nil && language != .pl ? "?lang=\(language.rawValue)" : ""
        context["switchHref"] = Self.link(
            request, setting: switchQuery.merging(["lang": language.other.rawValue]) { _, new in new })
        context["roleLabel"] = principal.map { DashboardLabels.code("role", $0.role.rawValue, language) }
        let library = try DashboardRenderer.library.get()
        guard let html = library.render(context, withTemplate: template) else {
            throw Problem.internalError("a page template")
        }
        return Response(status: status, headers: Self.pageHeaders, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    func render(_ template: String, title: String, visit: Visit, values: [String: Any]) throws -> Response {
        try render(
            template, title: title, language: visit.language, request: visit.request, principal: visit.principal,
            values: values)
    }

    /// A refusal or failure as a page with the problem's status; its text is the problem's, which names no data.
    func message(_ problem: Problem, visit: Visit) throws -> Response {
        let key: String
        switch problem.status {
        case .forbidden: key = "forbidden"
        case .notFound: key = "notFound"
        case .serviceUnavailable: key = "unavailable"
        default: key = "invalid"
        }
        var values: [String: Any] = ["text": DashboardLabels.text(key + "Text", visit.language)]
        if problem.status == .badRequest, let detail = problem.detail { values["detail"] = detail }
        return try render(
            "message", title: DashboardLabels.text(key, visit.language), language: visit.language,
            request: visit.request, principal: visit.principal, values: values, status: problem.status)
    }

    func home(_ visit: Visit) throws -> Response {
        try render("home", title: DashboardLabels.text("home", visit.language), visit: visit, values: [:])
    }

    /// No caching of pages (they hold data a later visitor of the same browser may not see), no framing, and
    /// only this server's own styles and script.
    static let pageHeaders: HTTPFields = {
        var fields: HTTPFields = [
            .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
            .contentSecurityPolicy:
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
                + "frame-ancestors 'none'; base-uri 'none'",
        ]
        for (name, value) in [("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin")] {
            if let name = HTTPField.Name(name) { fields[name] = value }
        }
        return fields
    }()

    /// The request's path with its query, `changes` set (nil removes one); for the language switch and the pager.
    static func link(_ request: Request, setting changes: [String: String?]) -> String {
        var items = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
            .filter { changes[$0.0] == nil }
        for (name, value) in changes.sorted(by: { $0.key < $1.key }) {
            if let value { items.append((name, value)) }
        }
        var components = URLComponents()
        components.queryItems = items.map { URLQueryItem(name: $0.0, value: $0.1) }
        let query = components.percentEncodedQuery.map { items.isEmpty ? "" : "?" + $0 } ?? ""
        return request.uri.path + query
    }
}
