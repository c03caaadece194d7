import HTTPTypes
import Foundation
import Ledger
public import Hummingbird

/// An RFC 9457 problem (`application/problem+json`) with the stable `code` of style.md §4. `detail` names rules,
/// limits and ids, never request fields or personal data, so an error cannot leak what a role may not read.
public struct Problem: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var title: String
    public var detail: String?
    /// For domain rejections: the rule of domain.md §3.2 (`L21`).
    public var rule: String?
    public var headers: HTTPFields = [:]

    public init(
        _ status: HTTPResponse.Status, code: String, title: String, detail: String? = nil, rule: String? = nil
    ) {
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.rule = rule
    }

    struct Body: Encodable {
        var type: String
        var title: String
        var status: Int
        var code: String
        var detail: String?
        var rule: String?
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = Body(
            type: "https://cusledger.local/problems/\(code)", title: title, status: status.code, code: code,
            detail: detail, rule: rule)
        var fields = headers
        fields[.contentType] = "application/problem+json"
        return Response(
            status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: JSONBody.encode(body))))
    }
}

extension Problem {
    static func invalidRequest(_ detail: String) -> Problem {
        Problem(.badRequest, code: "invalid-request", title: "The request is malformed", detail: detail)
    }
    static let unauthorized: Problem = {
        var problem = Problem(
            .unauthorized, code: "unauthorized", title: "A valid bearer token is required",
            detail: "send Authorization: Bearer <token> (cus tokens create)")
        problem.headers[.wwwAuthenticate] = "Bearer realm=\"cusledger\""
        return problem
    }()
    /// The same text whatever was asked for, so a refusal tells nothing about what exists.
    static let forbidden = forbidden(because: "see the role matrix in README")
    /// 403 for a request the role may make in general but not in this form; `detail` names the rule, never data.
    static func forbidden(because detail: String) -> Problem {
        Problem(.forbidden, code: "forbidden", title: "This role may not do this", detail: detail)
    }
    /// 500: a defect of the server, never of the request; `detail` names the part at fault, never data.
    static func internalError(_ detail: String? = nil) -> Problem {
        Problem(.internalServerError, code: "internal", title: "Internal error", detail: detail)
    }
    static let notFound = Problem(.notFound, code: "not-found", title: "No such resource")
    static let unsupportedMediaType = Problem(
        .unsupportedMediaType, code: "unsupported-media-type", title: "The body must be application/json",
        detail: "send the body with Content-Type: application/json")
    static func limitExceeded(_ detail: String) -> Problem {
        Problem(.contentTooLarge, code: "limit-exceeded", title: "Over a limit", detail: detail)
    }
    static let tooManyRequests = Problem(
        .tooManyRequests, code: "too-many-requests", title: "The write queue is full",
        detail: "retry later with the same Idempotency-Key"
    ).retryingAfter(seconds: 1)
    static let requestTimeout = Problem(
        .serviceUnavailable, code: "request-timeout", title: "The request took too long",
        detail: "retry a command with the same Idempotency-Key")
    static func storageUnavailable(_ detail: String) -> Problem {
        Problem(.serviceUnavailable, code: "storage-unavailable", title: "Storage is unavailable", detail: detail)
    }
    /// ledger.md §2.5 item 4: after a failed commit the writer refuses every append until the server restarts.
    static let writerStopped = Problem(
        .serviceUnavailable, code: "writer-stopped", title: "The ledger takes no appends until the server restarts",
        detail: "a commit failed (disk full or an I/O error); reads continue. Free space, then restart: the ledger "
            + "verifies its tail before it takes appends again")
    /// ledger.md §2.4: every LMDB reader slot is taken; back-pressure, not a fault.
    static let readersFull = Problem(
        .serviceUnavailable, code: "readers-full", title: "Every storage reader slot is in use", detail: "retry shortly"
    ).retryingAfter(seconds: 1)

    /// The same problem with `Retry-After`.
    func retryingAfter(seconds: Int) -> Problem {
        var problem = self
        problem.headers[.retryAfter] = "\(seconds)"
        return problem
    }

    /// A failed read of the ledger: `readers-full` when the reader slots ran out, else `storage-unavailable`.
    static func reading(_ error: any Error, _ detail: String) -> Problem {
        (error as? LedgerError)?.code == .readersFull ? .readersFull : .storageUnavailable(detail)
    }
}
