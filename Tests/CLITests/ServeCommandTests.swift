import Foundation
import LedgerTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("cus serve and cus tokens")
struct ServeCommandTests {
    @Test("tokens create prints a token once, list shows it without secret, revoke marks it; bad input exits 64")
    func tokens() async throws {
        try await TemporaryDirectory.with { directory in
            let data = directory.path + "/data"
            let subject = UUID().uuidString.lowercased()
            let created = try CLIRunner.run(
                ["tokens", "create", "--data", data, "--role", "coordinator", "--subject", subject, "--label", "desk"])
            #expect(created.status == 0, "\(created.standardError)")
            let token = created.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(token.hasPrefix("cus_"))
            let id = String(token.split(separator: "_")[1])
            let listed = try CLIRunner.run(["tokens", "list", "--data", data, "--json"])
            #expect(listed.status == 0)
            #expect(listed.standardOutput.contains(id) && listed.standardOutput.contains(subject))
            #expect(!listed.standardOutput.contains(token) && !listed.standardOutput.contains("sha256"))
            #expect(try CLIRunner.run(["tokens", "revoke", "--data", data, id]).status == 0)
            #expect(try CLIRunner.run(["tokens", "list", "--data", data]).standardOutput.contains("revoked"))
            #expect(try CLIRunner.run(["tokens", "revoke", "--data", data, "nope"]).status == 64)
            let badRole = ["tokens", "create", "--data", data, "--role", "system", "--subject", subject]
            #expect(try CLIRunner.run(badRole).status == 64)
            let badSubject = ["tokens", "create", "--data", data, "--role", "director", "--subject", "me"]
            #expect(try CLIRunner.run(badSubject).status == 64)
        }
    }

    @Test("serve holds the writer lock, answers /health, and exits 0 on SIGTERM with the ledger verifying")
    func serveLifecycle() async throws {
        try await TemporaryDirectory.with { directory in
            let data = directory.path + "/data"
            let (process, base) = try CLIRunner.startServer(["--data", data])
            let health = try await Self.get(base + "/health")
            #expect(health.status == 200 && health.body.contains("ok"))
            let refused = try await Self.get(base + "/v1/views")
            #expect(refused.status == 401)
            let seed = try CLIRunner.run(["ledger", "seed", "--data", data, "--events", "1"])
            #expect(seed.status == 75, "another process holds the writer lock")
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            #expect(try CLIRunner.run(["ledger", "seed", "--data", data, "--events", "1"]).status == 0)
            #expect(try CLIRunner.run(["ledger", "verify", "--data", data]).status == 0)
        }
    }

    /// A GET with curl (FoundationNetworking is not a dependency of the tests).
    static func get(_ url: String) async throws -> (status: Int, body: String) {
        let outcome = try CLIRunner.runTool("/usr/bin/curl", ["-s", "-w", "\n%{http_code}", url])
        let lines = outcome.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }
}

extension CLIRunner {
    static func runTool(_ path: String, _ arguments: [String]) throws -> String {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
