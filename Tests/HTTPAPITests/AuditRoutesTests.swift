import Commands
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import LedgerTesting
import Testing

@testable import HTTPAPI

@Suite("HTTP API: audit endpoints (checkpoint, verifier key, proofs, export) and access-logged reveals")
struct AuditRoutesTests {
    static let schemas = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Schemas")

    /// Validates `json` against one of `Schemas/` with the PATH's python3 and jsonschema (PyPI, as Tools/validate-*
    /// use); nil when it validates.
    static func schemaErrors(_ json: String, schema: String) throws -> String? {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cus-\(UUID()).json")
        try json.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c",
            "import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))",
            schemas.appendingPathComponent(schema).path, file.path,
        ]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return process.terminationStatus == 0 ? nil : text
    }

    @Test("Checkpoint and verifier key for auditors and operators; the checkpoint verifies with the key")
    func checkpointAndKey() async throws {
        let fixture = try await APIFixture()
        try await fixture.server.services.ledger.signCheckpoint()
        let newest = try #require(try fixture.server.services.ledger.newestCheckpoint())
        let tokens = try [APIRole.auditor, .operator].map { try fixture.token($0) }
        let others = try APIRole.allCases.filter { ![.auditor, .operator].contains($0) }.map { try fixture.token($0) }
        try await fixture.test { client in
            for token in tokens {
                let checkpoint = try await client.send(.get, "/v1/audit/checkpoint", token: token)
                #expect(checkpoint.status == .ok && checkpoint.text == newest.text)
                #expect(checkpoint.headers[.contentType]?.hasPrefix("text/plain") == true)
                let key = try await client.send(.get, "/v1/audit/verifier-key", token: token)
                #expect(key.status == .ok)
                let verifier = try NoteVerifier(verifierKey: key.text.trimmingCharacters(in: .whitespacesAndNewlines))
                try SignedCheckpoint(text: checkpoint.text).verify(with: verifier)
            }
            for token in others {
                #expect(try await client.send(.get, "/v1/audit/checkpoint", token: token).status == .forbidden)
                #expect(try await client.send(.get, "/v1/audit/verifier-key", token: token).status == .forbidden)
            }
            #expect(try await client.send(.get, "/v1/audit/checkpoint", token: nil).status == .unauthorized)
        }
    }

    @Test("Before any checkpoint is signed the checkpoint is 404 no-checkpoint")
    func noCheckpointYet() async throws {
        let fixture = try await APIFixture(generate: false)
        let auditor = try fixture.token(.auditor)
        try await fixture.test { client in
            let missing = try await client.send(.get, "/v1/audit/checkpoint", token: auditor)
            #expect(missing.status == .notFound)
            #expect(try missing.problemCode() == "no-checkpoint")
        }
    }

    @Test("Inclusion and consistency proofs validate against their schemas and verify; bad sizes are 400")
    func proofs() async throws {
        let fixture = try await APIFixture()
        let ledger = fixture.server.services.ledger
        try await ledger.signCheckpoint()
        let signed = try #require(try ledger.newestCheckpoint())
        let verifier = try NoteVerifier(verifierKey: try #require(try ledger.recordedVerifierKey()))
        let size = signed.checkpoint.size
        let auditor = try fixture.token(.auditor)
        try await fixture.test { client in
            for position in [0, size / 2, size - 1] {
                let proof = try await client.send(
                    .get, "/v1/audit/inclusion-proof?position=\(position)", token: auditor)
                #expect(proof.status == .ok, "\(proof.text)")
                let errors = try Self.schemaErrors(proof.text, schema: "audit-inclusion-proof.schema.json")
                #expect(errors == nil, "\(errors ?? "")")
                let document = try InclusionProofDocument(json: Array(proof.text.utf8))
                // The newest signed checkpoint holding the position: the one just signed for the last ones.
                #expect(document.checkpoint?.checkpoint.size ?? 0 > position)
                if position == size - 1 { #expect(document.checkpoint == signed && document.proof.treeSize == size) }
                #expect(try document.verify(verifier: verifier).position == Position(position))
            }
            let older = try await client.send(.get, "/v1/audit/inclusion-proof?position=3&treeSize=10", token: auditor)
            let unsigned = try InclusionProofDocument(json: Array(older.text.utf8))
            #expect(unsigned.proof.treeSize == 10 && unsigned.checkpoint == nil)
            try unsigned.verify(verifier: nil)

            let consistency = try await client.send(
                .get, "/v1/audit/consistency-proof?from=7&to=\(size)", token: auditor)
            #expect(consistency.status == .ok, "\(consistency.text)")
            let errors = try Self.schemaErrors(consistency.text, schema: "audit-consistency-proof.schema.json")
            #expect(errors == nil, "\(errors ?? "")")
            let document = try ConsistencyProofDocument(json: Array(consistency.text.utf8))
            #expect(document.newCheckpoint == signed && document.oldCheckpoint == nil)
            try document.verify(verifier: nil)
            #expect(document.newRoot == signed.checkpoint.root)

            for (query, code) in [
                ("inclusion-proof", 400), ("inclusion-proof?position=x", 400),
                ("inclusion-proof?position=\(size + 5)", 404), ("inclusion-proof?position=5&treeSize=5", 400),
                ("inclusion-proof?position=5&treeSize=\(size + 9)", 400), ("consistency-proof?from=1", 400),
                ("consistency-proof?from=0&to=4", 400), ("consistency-proof?from=9&to=4", 400),
                ("consistency-proof?from=1&to=\(size + 9)", 400),
            ] {
                let refused = try await client.send(.get, "/v1/audit/" + query, token: auditor)
                #expect(refused.status.code == code, "\(query): \(refused.text)")
                #expect(refused.headers[.contentType] == "application/problem+json")
            }
            for role in APIRole.allCases where role != .auditor {
                let token = try fixture.token(role)
                for path in ["inclusion-proof?position=1", "consistency-proof?from=1&to=2", "export"] {
                    let refused = try await client.send(.get, "/v1/audit/" + path, token: token)
                    #expect(refused.status == .forbidden, "\(role) \(path)")
                }
            }
        }
    }

    @Test("The export streams the lines of cus ledger export, which verify-export's verifier accepts")
    func export() async throws {
        let fixture = try await APIFixture()
        let ledger = fixture.server.services.ledger
        try await ledger.signCheckpoint()
        let signed = try #require(try ledger.newestCheckpoint())
        let file = fixture.directory.path + "/export.jsonl"
        _ = try LedgerExporter(ledger: ledger, payloadJSON: DomainPayloadJSON.renderer).export(to: file)
        let expected = try String(contentsOfFile: file, encoding: .utf8)
        let auditor = try fixture.token(.auditor)
        try await fixture.test { client in
            let exported = try await client.send(.get, "/v1/audit/export", token: auditor)
            #expect(exported.status == .ok && exported.headers[.contentType] == "application/x-ndjson")
            #expect(exported.text == expected)
            let received = fixture.directory.path + "/received.jsonl"
            try exported.text.write(toFile: received, atomically: true, encoding: .utf8)
            let summary = try ExportVerifier(path: received, payloadJSON: DomainPayloadJSON.renderer).verify(
                against: [signed.checkpoint])
            #expect(summary.matchedSizes == [signed.checkpoint.size])

            let part = try await client.send(.get, "/v1/audit/export?from=2&to=5", token: auditor)
            let lines = expected.split(separator: "\n")
            #expect(part.text == lines[2..<5].joined(separator: "\n") + "\n")
            #expect(try await client.send(.get, "/v1/audit/export?from=3&to=3", token: auditor).text.isEmpty)
            for query in ["from=5&to=2", "to=\(lines.count + 1)", "from=-1"] {
                let refused = try await client.send(.get, "/v1/audit/export?" + query, token: auditor)
                #expect(refused.status == .badRequest, "\(query)")
            }
        }
    }

    @Test("The export is read and sent one bounded chunk at a time, never as a whole body")
    func exportChunks() async throws {
        let fixture = try await APIFixture()
        let ledger = fixture.server.services.ledger
        let size = try ledger.treeSize()
        let exporter = LedgerExporter(ledger: ledger, payloadJSON: DomainPayloadJSON.renderer)
        let stream = ExportStream(exporter: exporter, range: 0..<size, linesPerChunk: 7)
        var chunks: [ByteBuffer] = []
        try await stream.write { chunks.append($0) }
        #expect(UInt64(chunks.count) == (size + 6) / 7)
        #expect(chunks.allSatisfy { String(buffer: $0).split(separator: "\n").count <= 7 })
        let whole = chunks.map { String(buffer: $0) }.joined()
        #expect(whole == String(decoding: try exporter.lines(from: .zero, count: size), as: UTF8.self))
        await fixture.close()
    }

    /// Two residents registered through the real handlers; the second is erased.
    static func residents(_ fixture: APIFixture) async throws -> (kept: PersonRef, erased: PersonRef) {
        let intake = IntakeCommands(services: fixture.server.services)
        let clerk = Actor.staff(StaffID(uuid: UUID()), role: .intakeClerk)
        func envelope(_ actor: Actor) -> CommandEnvelope {
            CommandEnvelope(commandID: .random(), actor: actor, occurredAt: Instant(Date()), fingerprint: "test")
        }
        let kept = PersonRef(uuid: UUID())
        let erased = PersonRef(uuid: UUID())
        for (person, name) in [(kept, "Anna"), (erased, "Jan")] {
            _ = try await intake.register(
                person, purposeTags: ["intake"], identity: .init(givenName: name, familyName: "Kowalska"),
                envelope: envelope(clerk))
        }
        _ = try await intake.erase(
            erased, reason: .art17, legalBasisRef: "RODO art. 17", requestID: RequestID(uuid: UUID()),
            envelope: envelope(.system("retention")))
        return (kept, erased)
    }

    static func views(_ fixture: APIFixture) throws -> [AuditAccessEntry] {
        try AuditTimeline.accessEntries(in: fixture.server.services.ledger, viewerID: nil, person: nil)
    }

    @Test("A reveal records one PersonalDataViewed and returns the fields; erased ones are redacted markers")
    func reveal() async throws {
        let fixture = try await APIFixture(generate: false)
        let (kept, erased) = try await Self.residents(fixture)
        let auditorID = StaffID(uuid: UUID())
        let auditor = try fixture.token(.auditor, subject: auditorID.uuid)
        let director = try fixture.token(.director)
        try await fixture.test { client in
            let body = #"{"purpose":"kontrola NIK"}"#
            let revealed = try await client.send(.post, "/v1/persons/\(kept)/reveals", token: auditor, json: body)
            #expect(revealed.status == .ok, "\(revealed.text)")
            #expect(revealed.text.contains("Anna"))
            let fields = try #require(try revealed.object()["fields"] as? [[String: Any]])
            #expect(fields.map { $0["type"] as? String } == ["PersonRegistered"])
            var views = try Self.views(fixture)
            #expect(views.count == 1)
            #expect(views.first?.viewed.personRef == kept && views.first?.viewed.purpose == "kontrola NIK")
            #expect(views.first?.viewed.channel == .api && views.first?.viewed.viewerRole == .auditor)
            #expect(views.first?.viewed.viewerId == Actor.staff(auditorID, role: .auditor).ledgerName)

            let timeline = try await client.send(
                .post, "/v1/persons/\(erased)/timeline-reveals", token: director, json: body)
            #expect(timeline.status == .ok, "\(timeline.text)")
            let events = try #require(try timeline.object()["events"] as? [[String: Any]])
            #expect(events.map { $0["type"] as? String } == ["PersonRegistered", "PersonalDataErased"])
            let marker = try #require(events.first?["personal"] as? [String: Any])
            #expect(marker["redacted"] as? Bool == true && !timeline.text.contains("Jan"))
            #expect(events.allSatisfy { AuditTimelineRow(jsonObject: $0) != nil })
            views = try Self.views(fixture)
            #expect(views.count == 2 && views.last?.viewed.personRef == erased)
            let period = #"{"purpose":"kontrola","from":"2000-01-01","to":"2000-02-01"}"#
            let none = try await client.send(
                .post, "/v1/persons/\(kept)/timeline-reveals", token: auditor, json: period)
            #expect(none.status == .ok)
            #expect(try (none.object()["events"] as? [Any])?.isEmpty == true)
            #expect(try Self.views(fixture).count == 2, "nothing sealed was revealed, so nothing is logged")
        }
    }

    @Test("Refused or failed reveals record nothing and leak nothing: 403, 404, 400, 401")
    func revealRefusals() async throws {
        let fixture = try await APIFixture(generate: false)
        let (kept, _) = try await Self.residents(fixture)
        let auditor = try fixture.token(.auditor)
        try await fixture.test { client in
            let body = #"{"purpose":"kontrola"}"#
            for path in ["reveals", "timeline-reveals"] {
                for role in APIRole.allCases where !TokenStaffAuthorisation.revealRoles.contains(role) {
                    let refused = try await client.send(
                        .post, "/v1/persons/\(kept)/\(path)", token: try fixture.token(role), json: body)
                    #expect(refused.status == .forbidden && !refused.text.contains("Anna"), "\(role)")
                }
                let unknown = try await client.send(
                    .post, "/v1/persons/\(UUID().uuidString.lowercased())/\(path)", token: auditor, json: body)
                let malformed = try await client.send(.post, "/v1/persons/anna/\(path)", token: auditor, json: body)
                #expect(unknown.status == .notFound && malformed.status == .notFound)
                #expect(unknown.text == malformed.text)
                let long = String(repeating: "x", count: PersonalDataReader.purposeLengthMax + 1)
                for bad in [
                    #"{}"#, #"{"purpose":"  "}"#, #"{"purpose":"\#(long)"}"#, "not json", #"{"purpose":"\u0000"}"#,
                    #"{"purpose":"kontrola\u001b[2J"}"#,
                    #"{"purpose":"a","from":"2025-02-01","to":"2025-01-01"}"#, #"{"purpose":"a","from":"1 May"}"#,
                ] {
                    let refused = try await client.send(.post, "/v1/persons/\(kept)/\(path)", token: auditor, json: bad)
                    #expect(refused.status == .badRequest && !refused.text.contains("Anna"), "\(bad)")
                }
                let anonymous = try await client.send(.post, "/v1/persons/\(kept)/\(path)", token: nil, json: body)
                #expect(anonymous.status == .unauthorized)
            }
            #expect(try Self.views(fixture).isEmpty)
        }
    }
}
