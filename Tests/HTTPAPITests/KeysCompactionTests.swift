import Commands
import Domain
import Foundation
@testable import HTTPAPI
import HTTPTypes
import HummingbirdTesting
import Ledger
import Testing
import Vault

@Suite(
    "HTTP API: the keys and projections envs are compacted after erasures while the server runs (ledger.md §4.4, §4.5)")
struct KeysCompactionTests {
    @Test(
        "Erasing a person over HTTP leads, after the debounce, to a keys env without the key's wrapped bytes and a fresh projections env"
    )
    func erasureCompactsKeys() async throws {
        let fixture = try await APIFixture(generate: false, keysCompactionDebounce: .milliseconds(200))
        let resident = try ResidentCommandTests.Resident(fixture)
        let director = try fixture.token(.director)
        let operatorToken = try fixture.token(.operator)
        let vault = fixture.server.services.vault
        let keysFile = fixture.dataDirectory + "/keys/data.mdb"
        let projectionsFile = fixture.dataDirectory + "/projections/data.mdb"
        try await fixture.test { client in
            try await resident.setUp(client)
            let subject = UUID128(try #require(PersonRef(resident.person)).uuid)
            let keyIDs = try vault.keyIDs(of: subject)
            #expect(!keyIDs.isEmpty)
            let wrapped = try keyIDs.map { keyID in Array(try #require(try vault.wrappedRecord(of: keyID))[16..<64]) }
            #expect(await fixture.server.keysCompaction.completed == 0)
            let projectionsInode = try Self.inode(projectionsFile)
            let before = try Data(contentsOf: URL(fileURLWithPath: keysFile))
            for run in wrapped { #expect(before.range(of: Data(run)) != nil) }

            // The metrics registry is the process's: other tests' compactions may count too.
            let compactionsBefore = Self.okCompactions(
                try await client.send(.get, "/metrics", token: operatorToken).text)
            let request = #"{"reason":"art17","legalBasisRef":"RODO art. 17","requestId":"\#(CentreScript.newID())"}"#
            // Sent once: a replay (as `client.command` sends) arriving after the debounce compacts again.
            let erasure = try await client.send(
                .post, resident.personPath + "/erasure", token: director, json: request,
                headers: [("Idempotency-Key", UUID().uuidString.lowercased())])
            #expect(erasure.status == .created, "\(erasure.text)")
            // The server keeps answering while the compaction waits out its debounce and runs.
            for _ in 0..<600 where await fixture.server.keysCompaction.completed == 0 {
                let ready = try await client.send(.get, "/ready", token: nil)
                #expect(ready.status == .ok)
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(await fixture.server.keysCompaction.completed == 1)
            // The projections env too (ledger.md §4.4), once the views applied the receipt: a new data.mdb.
            for _ in 0..<600 where await fixture.server.projectionsCompaction.completed == 0 {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(await fixture.server.projectionsCompaction.completed == 1)
            #expect(try Self.inode(projectionsFile) != projectionsInode, "the compacted copy was renamed in")
            let view = try await client.send(.get, "/v1/views/PlanStatusView?limit=1", token: director)
            #expect(view.status == .ok, "the reopened projections env serves views: \(view.text)")
            let bytes = try Data(contentsOf: URL(fileURLWithPath: keysFile))
            for run in wrapped { #expect(bytes.range(of: Data(run)) == nil) }

            let metrics = try await client.send(.get, "/metrics", token: operatorToken)
            #expect(Self.okCompactions(metrics.text) >= compactionsBefore + 1, "\(metrics.text)")
            #expect(metrics.text.contains("cusledger_keys_compaction_last_duration_seconds"))
            #expect(metrics.text.contains("cusledger_projections_compactions_total{outcome=\"ok\"}"))
            // The reopened keys env serves new commands.
            try await client.command(
                "/v1/persons", token: resident.clerk, json: CommandTests.registration(CentreScript.newID()))
        }
    }

    static func inode(_ path: String) throws -> UInt64 {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.systemFileNumber] as? UInt64)
    }

    /// `cusledger_keys_compactions_total{outcome="ok"}` in a /metrics text, 0 when absent.
    static func okCompactions(_ metrics: String) -> Int {
        let prefix = #"cusledger_keys_compactions_total{outcome="ok"} "#
        let line = metrics.split(separator: "\n").first { $0.hasPrefix(prefix) }
        return line.flatMap { Int($0.dropFirst(prefix.count)) } ?? 0
    }

    @Test("An erasure over HTTP forgets the M&E reports computed before it, as-of ones included (ledger.md §4.4)")
    func erasureForgetsCachedReports() async throws {
        let fixture = try await APIFixture(generate: false)
        let resident = try ResidentCommandTests.Resident(fixture)
        let director = try fixture.token(.director)
        let evaluator = try fixture.token(.evaluator)
        try await fixture.test { client in
            try await resident.setUp(client)
            let size = try fixture.server.services.ledger.treeSize()
            let path = "/v1/programmes/\(resident.script.programme)/indicators?from=2025-01-01&to=2025-05-01"
            for (cutoff, token) in [("", evaluator), ("&asOfSize=\(size)", director)] {
                let report = try await client.send(.get, path + cutoff, token: token)
                #expect(report.status == .ok, "\(report.text)")
            }
            #expect(fixture.server.indicatorReports.count == 2)
            let request = #"{"reason":"art17","legalBasisRef":"RODO art. 17","requestId":"\#(CentreScript.newID())"}"#
            // Sent once: `client.command` replays it, and a replay runs the erasure's observer again.
            let erasure = try await client.send(
                .post, resident.personPath + "/erasure", token: director, json: request,
                headers: [("Idempotency-Key", UUID().uuidString.lowercased())])
            #expect(erasure.status == .created, "\(erasure.text)")
            #expect(fixture.server.indicatorReports.count == 0)
            // Forgotten again once the views applied the receipt (a live report made before then may have read
            // the person's attributes).
            for _ in 0..<200 where fixture.server.indicatorReports.forgetCount < 2 {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(fixture.server.indicatorReports.forgetCount == 2)
            let asOf = try await client.send(.get, path + "&asOfSize=\(size)", token: director)
            #expect(asOf.status == .ok, "the report as of the same size is computed again: \(asOf.text)")
            #expect(fixture.server.indicatorReports.count == 1)
        }
    }
}
