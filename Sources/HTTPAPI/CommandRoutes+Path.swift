import Commands
import Domain
import Hummingbird

extension CommandRoutes {
    /// `POST path`, whose `:parameter` is the id of the stream the command writes: an id that does not parse
    /// is 404, then the command runs as `run` describes, `execute` given the body, the id and the envelope. A body
    /// that carries the stream's id (`CommandRequest.pathBoundField`) must name the path's.
    func post<Body: CommandRequest, ID: EntityIdentifier>(
        _ router: Routes, _ path: String, id parameter: String, _ idType: ID.Type, _ type: Body.Type,
        route: String, group: AccessPolicy.CommandGroup,
        execute: @Sendable @escaping (Body, ID, CommandEnvelope) async throws(CommandError) -> CommandResult
    ) {
        router.post(RouterPath(path)) { request, context in
            let id = try pathIdentifier(context, parameter, idType)
            let bound = Body.pathBoundField.map { [$0: id.description] } ?? [:]
            return try await run(request, context, type, route: route, group: group, known: { _ in bound }) {
                body, envelope throws(CommandError) in try await execute(body, id, envelope)
            }
        }
    }
}
