import Commands
import HTTPTypes
import Foundation
import Hummingbird
import Ledger
import Projections

/// `/health` (the process answers), `/ready` (the ledger is open, its writer takes appends and every projection is
/// live within `readyLagEventsMax`), `/metrics` (Prometheus text) and `/v1/status` (each projection's state and
/// lag), the last two for the operator and auditor roles only.
struct OperationsRoutes {
    let server: APIServer
    /// A projection further behind than this makes `/ready` answer 503.
    static let readyLagEventsMax: UInt64 = 10_000

    func register(on router: Routes) {
        router.get("/health") { _, _ in JSONBody.response(["status": "ok"]) }
        router.get("/ready") { _, _ in try ready() }
        router.get("/metrics") { _, context in
            let principal = try context.requirePrincipal()
            guard AccessPolicy.mayReadOperations(principal.role) else { throw Problem.forbidden }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(bytes: server.metrics.exposition(server))))
        }
        router.get("/v1/status") { _, context in
            let principal = try context.requirePrincipal()
            guard AccessPolicy.mayReadOperations(principal.role) else { throw Problem.forbidden }
            return JSONBody.response(try statuses())
        }
    }

    struct Status: Encodable {
        var ledgerSize: UInt64
        var projections: [ProjectionStatus]
    }

    func statuses() throws -> Status {
        let ledger = server.services.ledger
        do {
            let now = Timestamp(microseconds: Int64((Date().timeIntervalSince1970 * 1_000_000).rounded()))
            let statuses = try ProjectionStatus.report(
                server.engine.projections.map { type(of: $0) }, store: server.projectionsStore, ledger: ledger,
                now: now)
            return Status(ledgerSize: try ledger.treeSize(), projections: statuses)
        } catch { throw Problem.reading(error, "the ledger or the projections could not be read") }
    }

    func ready() throws -> Response {
        guard !server.services.ledger.isClosed else { throw Problem.storageUnavailable("the ledger is closed") }
        guard server.services.ledger.writerStopReason == nil else { throw Problem.writerStopped }
        let status = try statuses()
        let behind = status.projections.filter { $0.state != .live || $0.lagEvents > Self.readyLagEventsMax }
        guard behind.isEmpty else {
            var problem = Problem(
                .serviceUnavailable, code: "not-ready", title: "Projections are not caught up",
                detail: "behind: " + behind.map(\.name).joined(separator: ", "))
            problem.headers[.retryAfter] = "1"
            throw problem
        }
        return JSONBody.response(["status": "ready", "ledgerSize": "\(status.ledgerSize)"])
    }
}
