import Logging
import HTTPTypes
import Commands
import Domain
import Foundation
import Hummingbird
import Ledger
import Projections

/// `POST` routes of the resident flow (domain.md §4.4–4.5). Each takes a required `Idempotency-Key` (a UUID,
/// v7 recommended), which becomes the command id (ledger.md G4): a retry returns the original response with
/// `Idempotent-Replayed: true`; the same key with another request is 422 `idempotency-key-reused`; the same key
/// still being decided is 409 `request-in-flight`. `If-Match: <stream version>` refuses the command with 412 when
/// the stream has moved on. The answer names the appended positions and the stream's new version.
struct CommandRoutes {
    let server: APIServer

    func register(on router: Routes) {
        router.post("/v1/persons") { request, context in
            try await run(request, context, RegisterPersonRequest.self, route: "register-person", group: .intake) {
                body, envelope throws(CommandError) in
                try await server.intake.register(
                    body.clear.personRef, purposeTags: body.clear.purposeTags, identity: body.personal,
                    envelope: envelope)
            }
        }
        router.post("/v1/applications/:applicationId/need-signals") { request, context in
            let application = try pathIdentifier(context, "applicationId", ApplicationID.self)
            return try await run(request, context, NeedSignalRequest.self, route: "signal-need", group: .intake) {
                body, envelope throws(CommandError) in
                try await server.intake.application(application, envelope: envelope) { _ in
                    .signalNeed(body.event(application))
                }
            }
        }
        router.post("/v1/applications/:applicationId") { request, context in
            let application = try pathIdentifier(context, "applicationId", ApplicationID.self)
            return try await run(
                request, context, SubmitApplicationRequest.self, route: "submit-application", group: .intake
            ) {
                body, envelope throws(CommandError) in
                try await server.intake.application(application, envelope: envelope) { facts throws(CommandError) in
                    .submit(
                        SubmitApplication(
                            application: body.event(application), person: try facts.person(body.clear.personRef),
                            programmes: try body.clear.programmeIds.map { id throws(CommandError) in
                                try facts.programmeFacts(id)
                            }))
                }
            }
        }
    }

    /// A command's answer (`Appended` in `Schemas/openapi.yaml`). Encodable only so the tests can compare the
    /// text written by hand with Foundation's.
    struct Appended: Encodable {
        var commandId: String
        var stream: String
        var firstPosition: UInt64?
        var lastPosition: UInt64?
        var streamVersion: UInt64?
        var eventCount: Int

        /// The JSON text, written by hand as `JSONEncoder` with sorted keys wrote it (absent fields left out):
        /// every durable command answers with one, and Foundation's encoder was ≈ 2 % of a command's CPU. Numbers
        /// are written as their digits; the two strings are ids of ASCII letters, digits, `_` and `-`, so the
        /// escapes where `ViewValue` and `JSONEncoder` differ (`\b`, `\f`) never arise.
        var jsonText: String {
            var cells: [(column: String, value: ViewValue)] = [
                ("commandId", .string(commandId)), ("eventCount", .json(String(eventCount))),
            ]
            if let firstPosition { cells.append(("firstPosition", .json(String(firstPosition)))) }
            if let lastPosition { cells.append(("lastPosition", .json(String(lastPosition)))) }
            cells.append(("stream", .string(stream)))
            if let streamVersion { cells.append(("streamVersion", .json(String(streamVersion)))) }
            return ViewRow(cells).jsonText
        }
    }

    /// A command id derived from what the command is about (ledger.md G4's table) and its fingerprint.
    struct NaturalKey {
        var commandID: UUID128
        var fingerprint: String

        init(_ key: (commandID: UUID128, fingerprint: String)) {
            commandID = key.commandID
            fingerprint = key.fingerprint
        }
    }

    /// Authorises, reads the headers and body, runs `execute` under the in-flight gate, and answers.
    ///
    /// `known` runs after the role gate and before anything else is read: it refuses a resource outside the
    /// principal's scope (404, as for a missing one) and returns the body fields the path and the stream already
    /// fix (`planId`, `personRef`…), which the body may omit and must not contradict. With `naturalKey`, the
    /// command id derives from the body and `Idempotency-Key` is optional (still a UUID when given). `admit` runs
    /// on the decoded body, before anything is decided: it refuses a body naming a resource outside the
    /// principal's scope (404, as `known` does).
    func run<Body: CommandRequest>(
        _ request: Request, _ context: APIRequestContext, _ type: Body.Type, route: String,
        group: AccessPolicy.CommandGroup,
        known: (Principal) throws -> [String: String] = { _ in [:] },
        admit: (Principal, Body) throws -> Void = { _, _ in },
        naturalKey: (@Sendable (Body) -> NaturalKey)? = nil,
        execute: @Sendable @escaping (Body, CommandEnvelope) async throws(CommandError) -> CommandResult
    ) async throws -> Response {
        let principal = try context.requirePrincipal()
        guard AccessPolicy.mayIssue(principal.role, group) else { throw Problem.forbidden }
        let fields = try known(principal)
        let key = try Self.idempotencyKey(request, required: naturalKey == nil)
        let required = try Self.ifMatch(request)
        guard JSONBody.isJSON(request.headers[.contentType]) else { throw Problem.unsupportedMediaType }
        let bytes = try await JSONBody.bytes(of: request, limit: server.limits.bodyBytesMax)
        let body = try JSONBody.decode(Body.self, from: try JSONBody.binding(fields, into: bytes))
        try admit(principal, body)
        let natural = naturalKey?(body)
        guard let commandID = natural?.commandID ?? key else {
            throw Problem.invalidRequest("the Idempotency-Key header is required (a UUID, v7 recommended)")
        }
        var envelope = CommandEnvelope(
            commandID: commandID, actor: principal.actor, occurredAt: Instant(server.configuration.clock()),
            fingerprint: natural?.fingerprint ?? body.fingerprint(route: route))
        envelope.requiredStreamVersion = required
        let result: CommandResult
        do {
            result = try await server.gate.run(commandID) {
                do throws(CommandError) { return try await execute(body, envelope) } catch {
                    // Storage and corruption messages name files and codes, never a field's value.
                    if [.storage, .corrupted, .writerLocked, .outcomeUnknown, .writerStopped].contains(error.code) {
                        context.logger.error(
                            "command failed in storage",
                            metadata: ["route": "\(route)", "code": "\(error.code)", "reason": "\(error.message)"])
                    }
                    throw Self.problem(error)
                }
            }
        } catch let problem as Problem {
            context.logger.info("command refused", metadata: ["route": "\(route)", "code": "\(problem.code)"])
            throw problem
        }
        context.logger.info(
            "command recorded",
            metadata: ["route": "\(route)", "command": "\(commandID)", "replayed": "\(result.wasAlreadyRecorded)"])
        var headers: HTTPFields = [:]
        if let version = result.streamVersion { headers[.eTag] = "\"\(version.rawValue)\"" }
        if result.wasAlreadyRecorded, let replayed = HTTPField.Name("Idempotent-Replayed") {
            headers[replayed] = "true"
        }
        let appended = Appended(
            commandId: commandID.description, stream: result.stream.description,
            firstPosition: result.firstPosition?.rawValue, lastPosition: result.lastPosition?.rawValue,
            streamVersion: result.streamVersion?.rawValue, eventCount: result.eventCount)
        return JSONBody.response(jsonText: appended.jsonText, status: .created, headers: headers)
    }

    /// The `Idempotency-Key` as a UUID; nil when absent and not `required`.
    static func idempotencyKey(_ request: Request, required: Bool = true) throws(Problem) -> UUID128? {
        guard let text = idempotencyKeyField.flatMap({ request.headers[$0] }) else {
            guard !required else {
                throw Problem.invalidRequest("the Idempotency-Key header is required (a UUID, v7 recommended)")
            }
            return nil
        }
        // Parsed by hand: Foundation's trimming and `UUID(uuidString:)` (sscanf) were ≈ 1.7 % of a command's CPU.
        // The UUID as it stands, or in one pair of quotes (a client quoting it as a structured-field string).
        guard let uuid = UUID128(unquoted(text)) else { throw Problem.invalidRequest("Idempotency-Key must be a UUID") }
        return uuid
    }

    /// A header value without the blanks around it (RFC 9110's optional whitespace) and without one pair of
    /// quotes around the rest, when it has them; any other quote stays, for the caller's parser to refuse.
    static func unquoted(_ value: String) -> Substring {
        var text = Substring(value)
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        guard text.count >= 2, text.first == "\"", text.last == "\"" else { return text }
        return text.dropFirst().dropLast()
    }

    static let idempotencyKeyField = HTTPField.Name("Idempotency-Key")

    /// `If-Match: "3"` (the strong ETag a command's answer carries) or `If-Match: 3`: the stream version the command
    /// requires. Anything else is 400, a weak tag (`W/"3"`) included: RFC 9110 compares `If-Match` strongly.
    static func ifMatch(_ request: Request) throws(Problem) -> StreamVersion? {
        guard let text = request.headers[.ifMatch] else { return nil }
        guard let version = UInt64(asciiDigits: unquoted(text)) else {
            throw Problem.invalidRequest("If-Match must be a stream version (the strong ETag of a command's answer)")
        }
        return StreamVersion(version)
    }

    /// style.md §4's table, for the command side.
    static func problem(_ error: CommandError) -> Problem {
        switch error.code {
        case .rejected where error.rejectionCode == "invalid-fields":
            // A field that breaks its event schema's constraints (a length, a pattern, a range) is a schema
            // violation, 400 as for a malformed body; the deciders find it on the events they would append.
            Problem(
                .badRequest, code: "invalid-fields", title: "A field breaks its schema", detail: error.message,
                rule: error.rule)
        case .rejected:
            Problem(
                .unprocessableContent, code: error.rejectionCode ?? "rejected", title: "A rule refused the command",
                detail: error.message, rule: error.rule)
        case .invalidRequest: .invalidRequest(error.message)
        case .wrongExpectedVersion:
            Problem(
                .conflict, code: "wrong-expected-version", title: "The stream kept changing; retry",
                detail: "retry with the same Idempotency-Key")
        case .preconditionFailed:
            Problem(
                .preconditionFailed, code: "precondition-failed", title: "The stream is not at the If-Match version")
        case .idempotencyKeyReused:
            Problem(
                .unprocessableContent, code: "idempotency-key-reused",
                title: "The Idempotency-Key was already used for another request",
                detail: "use a new key for a new request")
        case .outcomeUnknown:
            Problem(
                .serviceUnavailable, code: "outcome-unknown", title: "The commit's outcome is unknown",
                detail: "retry with the same Idempotency-Key")
        case .writerStopped: .writerStopped
        case .readersFull: .readersFull
        case .overloaded: .tooManyRequests
        case .limitExceeded: .limitExceeded("the command is over a ledger limit")
        // The server holds the writer lock; another writer here means the server did not open as the writer.
        case .storage, .corrupted, .writerLocked: .storageUnavailable("the ledger or the keys could not be used")
        }
    }
}
