import Commands
import Domain
import Foundation
import LedgerTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("cus audit timeline --reveal: locally, or through the running server's API (issue #11)")
struct AuditRevealThroughServerTests {
    static func rows(_ outcome: CLIRunner.Outcome) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [[String: Any]])
    }

    static func token(_ role: String, data: String) throws -> String {
        let created = try CLIRunner.run([
            "tokens", "create", "--data", data, "--role", role, "--subject", UUID().uuidString,
        ])
        #expect(created.status == 0, "\(created.standardError)")
        return created.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("While cus serve holds the writer lock, a reveal goes through its API (server.json or --server)")
    func throughServer() async throws {
        try await TemporaryDirectory.with { directory in
            let data = directory.path + "/data"
            let (kept, erased) = try await ViewsCommandTests.residents(in: data)
            let auditor = try Self.token("auditor", data: data)
            let evaluator = try Self.token("evaluator", data: data)
            func reveal(_ person: PersonRef, _ extra: [String] = [], token: String? = nil) throws -> CLIRunner.Outcome {
                try CLIRunner.run(
                    [
                        "audit", "timeline", "--data", data, "--person", person.uuid.uuidString.lowercased(),
                        "--reveal", "--token", token ?? auditor, "--purpose", "kontrola", "--json",
                    ] + extra)
            }
            let local = try reveal(kept)
            #expect(local.status == 0 && local.standardOutput.contains("Anna"), "\(local.standardError)")
            let localRows = try Self.rows(local)

            let (process, url) = try CLIRunner.startServer(["--data", data])
            let serverFile = data + "/server.json"
            let written = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: serverFile)))
            #expect((written as? [String: Any])?["url"] as? String == url)

            let served = try reveal(kept)
            #expect(served.status == 0 && served.standardOutput.contains("Anna"), "\(served.standardError)")
            let servedRows = try Self.rows(served)
            // The same events as the local reveal, plus the local reveal's own PersonalDataViewed (it names them).
            #expect(servedRows.count == localRows.count + 1)
            #expect(
                Array(servedRows.map { $0["position"] as? Int }.prefix(localRows.count))
                    == localRows.map { $0["position"] as? Int })
            #expect(servedRows.last?["type"] as? String == "PersonalDataViewed")
            #expect(servedRows.first?["personal"] as? [String: Any] != nil)
            let text1 = try CLIRunner.run([
                "audit", "timeline", "--data", data, "--person", kept.uuid.uuidString.lowercased(), "--reveal",
                "--token", auditor, "--purpose", "kontrola", "--server", url.trimmingCharacters(in: .newlines),
            ])
            #expect(text1.status == 0 && text1.standardOutput.contains("personal: {"), "\(text1.standardError)")
            let redacted = try reveal(erased)
            #expect(redacted.status == 0 && redacted.standardOutput.contains("\"redacted\":true"))
            #expect(!redacted.standardOutput.contains("Jan"))
            let unknown = try reveal(PersonRef(uuid: UUID()))
            #expect(
                unknown.status == 0 && unknown.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")

            let refused = try reveal(kept, ["--server", url.trimmingCharacters(in: .newlines)], token: evaluator)
            #expect(refused.status == 64 && refused.standardError.contains("403"), "\(refused.standardError)")
            #expect(!refused.standardOutput.contains("Anna") && !refused.standardError.contains(evaluator))
            let plan = try CLIRunner.run([
                "audit", "timeline", "--data", data, "--plan", UUID().uuidString, "--reveal", "--token", auditor,
                "--purpose", "kontrola",
            ])
            #expect(plan.status == 75 && plan.standardError.contains("use --person"), "\(plan.standardError)")

            let subject = directory.path + "/subject"
            let exported = try CLIRunner.run([
                "audit", "subject-export", "--data", data, "--person", erased.uuid.uuidString.lowercased(), "--token",
                auditor, "--purpose", "art. 15", "--out", subject,
            ])
            #expect(exported.status == 0, "through the server: \(exported.standardError)")
            let document = try String(
                contentsOfFile: subject + "/subject-\(erased.uuid.uuidString.lowercased()).json", encoding: .utf8)
            #expect(document.contains("\"redacted\" : true") && !document.contains("Jan"), "\(document)")
            #expect(document.contains("\"channel\" : \"api\""))

            let access = try CLIRunner.run([
                "audit", "access", "--data", data, "--person", kept.uuid.uuidString.lowercased(), "--json",
            ])
            let channels = try Self.rows(access).map { $0["channel"] as? String }
            #expect(channels == ["cli", "api", "api"], "\(access.standardOutput)")

            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            #expect(!FileManager.default.fileExists(atPath: serverFile))
            let after = try reveal(kept)
            #expect(after.status == 0, "local again once the server stopped: \(after.standardError)")
            let bad = try reveal(kept, ["--server", "ftp://x"])
            #expect(bad.status == 64)
        }
    }
}
