import Commands
import Foundation
import HTTPTypes
import Hummingbird
import Ledger

/// The auditor's evidence over HTTP (issue #10 "Audit endpoints"), the same bytes `cus` prints: the newest signed
/// checkpoint and the verifier key (auditor and operator), an inclusion proof of one position and a consistency
/// proof between two sizes (`Schemas/audit-*-proof.schema.json`), and the ledger export as NDJSON streamed chunk
/// by chunk (auditor). Nothing here decrypts; the export carries the sealed parts as they are stored.
struct AuditRoutes {
    let server: APIServer
    /// Export lines read and sent at a time: the export's memory is bounded by one chunk, whatever its length.
    static let exportLinesPerChunk: UInt64 = 256

    func register(on router: Routes) {
        router.get("/v1/audit/checkpoint") { _, context in
            try authorise(context, AccessPolicy.mayReadCheckpoint)
            guard let checkpoint = try ledger({ try $0.newestCheckpoint() }) else {
                throw Problem(
                    .notFound, code: "no-checkpoint", title: "The ledger has no signed checkpoint yet",
                    detail: "one is signed after checkpointEveryEvents events or checkpointIntervalSeconds")
            }
            return Self.text(checkpoint.text)
        }
        router.get("/v1/audit/verifier-key") { _, context in
            try authorise(context, AccessPolicy.mayReadCheckpoint)
            guard let key = try ledger({ try $0.recordedVerifierKey() }) else {
                throw Problem(.notFound, code: "no-verifier-key", title: "The ledger has no signing key yet")
            }
            return Self.text(key + "\n")
        }
        router.get("/v1/audit/inclusion-proof") { request, context in
            try authorise(context, AccessPolicy.mayReadAuditEvidence)
            return try inclusionProof(QueryParameters(request: request))
        }
        router.get("/v1/audit/consistency-proof") { request, context in
            try authorise(context, AccessPolicy.mayReadAuditEvidence)
            return try consistencyProof(QueryParameters(request: request))
        }
        router.get("/v1/audit/export") { request, context in
            try authorise(context, AccessPolicy.mayReadAuditEvidence)
            return try export(QueryParameters(request: request))
        }
    }

    private func authorise(_ context: APIRequestContext, _ allowed: (APIRole) -> Bool) throws {
        guard allowed(try context.requirePrincipal().role) else { throw Problem.forbidden }
    }

    /// `position`, and `treeSize` (default: the newest signed checkpoint holding the position, else the ledger's
    /// size); the signed checkpoint of that size travels with the proof when there is one.
    func inclusionProof(_ query: QueryParameters) throws -> Response {
        guard let position = try query.unsigned("position") else {
            throw Problem.invalidRequest("position is required")
        }
        let given = try query.unsigned("treeSize")
        let document = try ledger { ledger in
            let size = try ledger.treeSize()
            guard position < size else { return nil as InclusionProofDocument? }
            let checkpoints = try ledger.checkpoints()
            let treeSize = given ?? checkpoints.first { $0.checkpoint.size > position }?.checkpoint.size ?? size
            guard treeSize <= size, position < treeSize else { return nil }
            return InclusionProofDocument(
                proof: try ledger.inclusionProof(position: Position(position), treeSize: treeSize),
                record: try ledger.recordBytes(at: Position(position)), root: try ledger.root(atSize: treeSize),
                checkpoint: checkpoints.first { $0.checkpoint.size == treeSize })
        }
        guard let document else {
            if let given, given <= position { throw Problem.invalidRequest("position must be below treeSize") }
            if given != nil { throw Problem.invalidRequest("treeSize is beyond the ledger's size") }
            throw Problem.notFound
        }
        return Self.json(document.json)
    }

    /// `from` ≥ 1 and `to` ≥ `from` up to the ledger's size, with the signed checkpoints of those sizes if any.
    func consistencyProof(_ query: QueryParameters) throws -> Response {
        guard let from = try query.unsigned("from"), let to = try query.unsigned("to") else {
            throw Problem.invalidRequest("from and to (tree sizes) are required")
        }
        guard from >= 1, from <= to else { throw Problem.invalidRequest("from must be 1…to") }
        let document = try ledger { ledger in
            guard to <= (try ledger.treeSize()) else { return nil as ConsistencyProofDocument? }
            let checkpoints = try ledger.checkpoints()
            return ConsistencyProofDocument(
                proof: try ledger.consistencyProof(oldSize: from, newSize: to), oldRoot: try ledger.root(atSize: from),
                newRoot: try ledger.root(atSize: to), oldCheckpoint: checkpoints.first { $0.checkpoint.size == from },
                newCheckpoint: checkpoints.first { $0.checkpoint.size == to })
        }
        guard let document else { throw Problem.invalidRequest("to is beyond the ledger's size") }
        return Self.json(document.json)
    }

    /// Positions [`from`, `to`) (default: the whole ledger) as the lines of `cus ledger export`. An export from 0
    /// up to a signed checkpoint's size is what `cus audit verify-export` checks.
    func export(_ query: QueryParameters) throws -> Response {
        let size = try ledger { try $0.treeSize() }
        let from = try query.unsigned("from") ?? 0
        let to = try query.unsigned("to") ?? size
        guard from <= to else { throw Problem.invalidRequest("from must not be after to") }
        guard to <= size else { throw Problem.invalidRequest("to is beyond the ledger's size") }
        let stream = ExportStream(
            exporter: LedgerExporter(ledger: server.services.ledger, payloadJSON: DomainPayloadJSON.renderer),
            range: from..<to, linesPerChunk: Self.exportLinesPerChunk)
        return Response(
            status: .ok, headers: [.contentType: "application/x-ndjson"],
            body: ResponseBody { writer in
                try await stream.write { try await writer.write($0) }
                try await writer.finish(nil)
            })
    }

    /// Runs a read on the ledger; its failures are 503, never a 500 or a partial answer.
    private func ledger<R>(_ read: (Ledger) throws -> R) throws -> R {
        do { return try read(server.services.ledger) } catch {
            throw Problem.reading(error, "the ledger could not be read")
        }
    }

    static func text(_ text: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func json(_ text: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// An export range sent in chunks of `linesPerChunk` lines: each chunk is read, handed to `send`, and dropped
/// before the next is read, so memory stays bounded by one chunk.
struct ExportStream: Sendable {
    let exporter: LedgerExporter
    let range: Range<UInt64>
    let linesPerChunk: UInt64

    func write(_ send: (ByteBuffer) async throws -> Void) async throws {
        var next = range.lowerBound
        while next < range.upperBound {
            let count = min(linesPerChunk, range.upperBound - next)
            try await send(ByteBuffer(bytes: try exporter.lines(from: Position(next), count: count)))
            next += count
        }
    }
}
