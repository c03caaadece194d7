import Foundation
import LedgerTesting
import Testing

@Suite("cus projections rebuild")
struct ProjectionsRebuildCommandTests {
    private func status(_ data: String) throws -> [String: [String: Any]] {
        let outcome = try CLIRunner.run(["projections", "status", "--data", data, "--json"])
        let rows = try #require(
            try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: rows.compactMap { row in (row["name"] as? String).map { ($0, row) } })
    }

    @Test("Every view rebuilt together is switched live at a new generation and shows the rows it showed before")
    func rebuildAll() async throws {
        try await TemporaryDirectory.with { directory in
            let data = directory.path + "/data"
            let generated = try CLIRunner.generateSmallCentre(data)
            #expect(generated.status == 0, "\(generated.standardError)")
            let views = ["PlanStatusView", "ProviderWorkload", "FeeLedgerView", "ComplianceAlerts"]
            let show = { (view: String) in
                try CLIRunner.run(["views", "show", view, "--data", data, "--json", "--today", "2025-04-01"])
            }
            let before = try views.map { try show($0).standardOutput }
            // `views show` built the four views live (generation 0); the others are not built yet.
            #expect(views.allSatisfy { (try? status(data))?[$0]?["generation"] as? Int == 0 })

            let rebuilt = try CLIRunner.run(["projections", "rebuild", "--data", data])
            #expect(rebuilt.status == 0, "\(rebuilt.standardError)")
            let lines = rebuilt.standardOutput.split(separator: "\n").filter { $0.hasSuffix("; live") }
            let after = try status(data)
            #expect(lines.count == after.count && after.count >= 8, "\(rebuilt.standardOutput)")
            for (name, row) in after {
                #expect(row["state"] as? String == "live", "\(name): \(row)")
                #expect(row["generation"] as? Int == 1, "\(name)")
            }
            #expect(try views.map { try show($0).standardOutput } == before)
        }
    }
}
