import Commands
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Ledger
import Logging

/// Access-logged reveals of a resident's personal fields (domain.md §4.12 rule 6), for the roles of
/// `TokenStaffAuthorisation.revealRoles` only: every reveal goes through `AuditReveal` and is recorded as one
/// `PersonalDataViewed` (channel `api`) before anything is decrypted. A refused or failed reveal records nothing:
/// the role, the path and the body are checked first, and a resident no event names is 404, as a malformed
/// personRef is.
struct RevealRoutes {
    let server: APIServer

    func register(on router: Routes) {
        router.post("/v1/persons/:personRef/reveals") { request, context in
            let (person, body, rows) = try await reveal(request, context)
            let fields: [[String: Any]] = rows.compactMap { row in
                guard row.personal != nil, let personal = row.jsonObject["personal"] else { return nil }
                return [
                    "position": row.position, "type": row.type, "recordedAt": row.recordedAt, "personal": personal,
                ]
            }
            return try Self.response(["personRef": person, "purpose": body.purpose, "fields": fields])
        }
        router.post("/v1/persons/:personRef/timeline-reveals") { request, context in
            let (person, body, rows) = try await reveal(request, context)
            return try Self.response(["personRef": person, "purpose": body.purpose, "events": rows.map(\.jsonObject)])
        }
    }

    /// `{"purpose": "…", "from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}`; the period (business dates, half-open)
    /// narrows a timeline reveal.
    struct RevealRequest: Decodable {
        var purpose: String
        var from: LocalDate?
        var to: LocalDate?
    }

    func reveal(_ request: Request, _ context: APIRequestContext) async throws -> (
        String, RevealRequest, [AuditTimelineRow]
    ) {
        let principal = try context.requirePrincipal()
        guard TokenStaffAuthorisation.revealRoles.contains(principal.role) else { throw Problem.forbidden }
        let person = try pathIdentifier(context, "personRef", PersonRef.self)
        let bytes = try await JSONBody.bytes(of: request, limit: server.limits.bodyBytesMax)
        let body = try JSONBody.decode(RevealRequest.self, from: bytes)
        if let from = body.from, let to = body.to, to <= from {
            throw Problem.invalidRequest("to must be after from")
        }
        let rows: [AuditTimelineRow]?
        do {
            rows = try await AuditReveal.residentTimeline(
                person, from: body.from.map { Instant(startOf: $0) }, to: body.to.map { Instant(startOf: $0) },
                viewer: principal.actor, purpose: body.purpose, channel: .api, services: server.services)
        } catch let error as CommandError {
            throw CommandRoutes.problem(error)
        } catch {
            throw Problem.reading(error, "the ledger or the keys could not be read")
        }
        guard let rows else { throw Problem.notFound }
        context.logger.info("personal data revealed", metadata: ["events": "\(rows.count)"])
        return (person.uuid.lowercasedText, body, rows)
    }

    /// The answer's JSON; a value `JSONSerialization` cannot write is a 500 (a defect), never an empty 200 that
    /// would pass for a reveal of nothing after the view was logged.
    static func response(_ object: [String: Any]) throws(Problem) -> Response {
        guard
            let bytes = try? JSONSerialization.data(
                withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { throw Problem.internalError() }
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
