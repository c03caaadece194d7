import HTTPTypes
import LMDB
import Ledger
public import Hummingbird
import Logging

/// The request context of every route: the authenticated principal (set by `AuthenticationMiddleware`) and the
/// correlation id that logs carry instead of anything personal.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var principal: Principal?

    public init(source: Source) {
        coreContext = .init(source: source)
        principal = nil
    }

    /// The principal, or 401 on a route that needs one.
    func requirePrincipal() throws(Problem) -> Principal {
        guard let principal else { throw Problem.unauthorized }
        return principal
    }
}

/// Turns `Authorization: Bearer …` into a principal; `/health` and `/ready` answer without one, and the dashboard
/// under `/ui` authenticates by its session cookie instead (`DashboardRoutes.page`).
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let tokens: TokenStore
    static let publicPaths: Set<String> = ["/health", "/ready"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        if Self.publicPaths.contains(request.uri.path) || DashboardRoutes.owns(request.uri.path) {
            return try await next(request, context)
        }
        // The scheme's name is case-insensitive (RFC 9110 §11.1); the token is not.
        guard let header = request.headers[.authorization],
            JSONBody.equalIgnoringCase(header.utf8.prefix(7), "bearer ".utf8),
            let principal = tokens.authenticate(String(header.dropFirst(7)))
        else { throw Problem.unauthorized }
        var context = context
        context.principal = principal
        context.logger[metadataKey: "role"] = .string(principal.role.rawValue)
        context.logger[metadataKey: "token"] = .string(principal.tokenID)
        return try await next(request, context)
    }
}

/// Registers routes whose handlers are cut off after `timeout` with 503 `request-timeout` (`RequestDeadlines`).
struct Routes {
    typealias Handler = @Sendable (Request, APIRequestContext) async throws -> Response
    let router: Router<APIRequestContext>
    let deadlines: RequestDeadlines

    init(router: Router<APIRequestContext>, timeout: Duration) {
        self.router = router
        deadlines = RequestDeadlines(timeout: timeout)
    }

    func get(_ path: RouterPath, _ handler: @escaping Handler) {
        router.get(path, use: timed(handler))
    }

    func post(_ path: RouterPath, _ handler: @escaping Handler) {
        router.post(path, use: timed(handler))
    }

    private func timed(_ handler: @escaping Handler) -> Handler {
        { [deadlines] request, context in
            try await deadlines.run { try await handler(request, context) }
        }
    }
}

/// Every problem leaves as problem+json, and anything else thrown (a bug) as a 500 problem without details.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do { return try await next(request, context) } catch let problem as Problem {
            return try problem.response(from: request, context: context)
        } catch let error as HTTPError {
            let problem: Problem
            switch error.status {
            case .notFound: problem = .notFound
            case .contentTooLarge: problem = .limitExceeded("the body is over bodyBytesMax")
            case .methodNotAllowed:
                problem = Problem(.methodNotAllowed, code: "method-not-allowed", title: "Method not allowed")
            default: problem = .invalidRequest(error.body ?? "the request is malformed")
            }
            return try problem.response(from: request, context: context)
        } catch let error as LedgerError where error.code == .readersFull {
            return try Problem.readersFull.response(from: request, context: context)
        } catch let error where LMDBError.readersFull ~= error {
            // A read of the projections or keys env, whose transaction got no reader slot.
            return try Problem.readersFull.response(from: request, context: context)
        } catch {
            context.logger.error("unhandled error", metadata: ["type": "\(type(of: error))"])
            return try Problem.internalError().response(
                from: request, context: context)
        }
    }
}
