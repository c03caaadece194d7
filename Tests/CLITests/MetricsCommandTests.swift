import Foundation
import LedgerTesting
import Testing

@Suite("cus metrics")
struct MetricsCommandTests {
    static let programme = "6f1c2a4e-0b7d-4c1e-9a55-3d2f8e6b7a10"

    static func metrics(_ data: String, _ extra: [String] = []) throws -> CLIRunner.Outcome {
        try CLIRunner.run(
            ["metrics", "--data", data, "--programme", programme, "--from", "2025-04-01", "--to", "2025-05-01"]
                + extra)
    }

    @Test("--json prints the issue's shape; --as-of-size N at the ledger's size equals the live values")
    func json() async throws {
        try await TemporaryDirectory.with { directory in
            let data = directory.path + "/data"
            #expect(
                try CLIRunner.run(["ledger", "seed", "--data", data, "--events", "50", "--streams", "2"]).status == 0)
            let live = try Self.metrics(data, ["--json"])
            #expect(live.status == 0, "\(live.standardError)")
            let report = try #require(
                try JSONSerialization.jsonObject(with: Data(live.standardOutput.utf8)) as? [String: Any])
            #expect(report["programme"] as? String == Self.programme)
            #expect((report["period"] as? [String: String]) == ["from": "2025-04-01", "to": "2025-05-01"])
            let cutoff = try #require(report["cutoff"] as? [String: Any])
            #expect(cutoff["size"] as? Int == 50)
            let indicators = try #require(report["indicators"] as? [[String: Any]])
            let r1 = try #require(indicators.first { $0["id"] as? String == "R1" })
            #expect(
                Set(r1.keys) == [
                    "id", "name", "statistic", "variant", "breakdown", "value", "numerator", "denominator",
                    "suppressed", "display", "indicatorVersion", "ruleSetVersion",
                ])
            #expect(r1["value"] as? Int == 0)
            #expect(r1["suppressed"] as? Bool == false)
            #expect(r1["ruleSetVersion"] as? String == "cus-act/2020-01-01.1")
            let asOf = try Self.metrics(data, ["--json", "--as-of-size", "50"])
            #expect(asOf.status == 0, "\(asOf.standardError)")
            #expect(asOf.standardOutput == live.standardOutput)
            let earlier = try Self.metrics(data, ["--json", "--as-of-size", "20"])
            let earlierReport = try #require(
                try JSONSerialization.jsonObject(with: Data(earlier.standardOutput.utf8)) as? [String: Any])
            #expect((earlierReport["cutoff"] as? [String: Any])?["size"] as? Int == 20)
        }
    }

    @Test("--period --publish stores a revision once; --revisions lists it with its cutoff")
    func publishAndRevisions() async throws {
        try await TemporaryDirectory.with { directory in
            let data = directory.path + "/data"
            #expect(
                try CLIRunner.run(["ledger", "seed", "--data", data, "--events", "30", "--streams", "2"]).status == 0)
            func run(_ extra: [String]) throws -> CLIRunner.Outcome {
                try CLIRunner.run(["metrics", "--data", data, "--programme", Self.programme] + extra)
            }
            let first = try run(["--period", "2025-Q2", "--publish", "--json"])
            #expect(first.status == 0, "\(first.standardError)")
            #expect(first.standardError.hasPrefix("published 2025-Q2 revision 1 (cutoff size 30"))
            let again = try run(["--period", "2025-Q2", "--publish"])
            #expect(again.standardError.hasPrefix("unchanged: 2025-Q2 revision 1 (cutoff size 30"))
            #expect(try run(["--period", "2025-Q2", "--publish", "--as-of-size", "20"]).status == 64)
            let listed = try run(["--period", "2025-Q2", "--revisions", "--json"])
            #expect(listed.status == 0, "\(listed.standardError)")
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(listed.standardOutput.utf8)) as? [String: Any])
            let revisions = try #require(object["revisions"] as? [[String: Any]])
            #expect(revisions.count == 1)
            #expect((revisions.first?["cutoff"] as? [String: Any])?["size"] as? Int == 30)
            #expect((object["period"] as? [String: String])?["from"] == "2025-04-01")
            #expect(try run(["--period", "2025-Q5"]).status == 64)
            #expect(try run(["--from", "2025-04-01", "--to", "2025-05-01", "--publish"]).status == 64)
            let partial = try run(["--from", "2025-04-15", "--to", "2025-05-01"])
            #expect(partial.status == 64 && partial.standardError.contains("whole months"), "\(partial.standardError)")
            #expect(try run(["--period", "2025-Q2", "--revisions", "--as-of-size", "3"]).status == 64)
        }
    }

    @Test("--unsuppressed needs a staff token from the token store; an evaluator's or an unknown one is refused")
    func unsuppressed() async throws {
        try await TemporaryDirectory.with { directory in
            let data = directory.path + "/data"
            #expect(
                try CLIRunner.run(["ledger", "seed", "--data", data, "--events", "30", "--streams", "2"]).status == 0)
            func token(_ role: String) throws -> String {
                try CLIRunner.run(["tokens", "create", "--data", data, "--role", role, "--subject", UUID().uuidString])
                    .standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            #expect(try Self.metrics(data, ["--unsuppressed"]).status == 64)
            for (given, refusal) in [("t", "unknown, revoked or malformed"), (try token("evaluator"), "may not see")] {
                let refused = try Self.metrics(data, ["--unsuppressed", "--token", given])
                #expect(refused.status == 64 && refused.standardError.contains(refusal), "\(refused.standardError)")
                #expect(refused.standardError.split(separator: "\n").count == 1)
            }
            let staff = try Self.metrics(data, ["--unsuppressed", "--token", try token("director"), "--json"])
            #expect(staff.status == 0, "\(staff.standardError)")
            let report = try #require(
                try JSONSerialization.jsonObject(with: Data(staff.standardOutput.utf8)) as? [String: Any])
            let cells = try #require(report["indicators"] as? [[String: Any]])
            #expect(!cells.isEmpty && cells.allSatisfy { $0["suppressed"] as? Bool == false })
            let published = try CLIRunner.run([
                "metrics", "--data", data, "--programme", Self.programme, "--period", "2025-Q2", "--publish",
                "--unsuppressed", "--token", "t",
            ])
            #expect(published.status == 64, "published values are always suppressed")
        }
    }
}
