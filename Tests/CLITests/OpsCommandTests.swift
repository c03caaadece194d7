import Foundation
import LedgerTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("cus ops duties / run-due")
struct OpsCommandTests {
    private func rows(_ outcome: CLIRunner.Outcome) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [[String: Any]])
    }

    @Test("run-due runs every duty once on a generated centre; a second run finds nothing due; duties lists them")
    func runDue() async throws {
        try await TemporaryDirectory.with { directory in
            let data = directory.path + "/data"
            let generated = try CLIRunner.generateSmallCentre(data)
            #expect(generated.status == 0, "\(generated.standardError)")
            let never = try rows(try CLIRunner.run(["ops", "duties", "--data", data, "--json"]))
            #expect(never.count == 6 && never.allSatisfy { $0["lastRun"] is NSNull })

            let backups = directory.path + "/backups"
            let first = try CLIRunner.run([
                "ops", "run-due", "--data", data, "--today", "2025-04-05", "--backup-dir", backups, "--json",
            ])
            #expect(first.status == 0, "\(first.standardError)")
            let ran = try rows(first)
            #expect(
                Set(ran.compactMap { $0["duty"] as? String }) == [
                    "waitlistPromotion", "monthlyCharge", "retentionErasure", "checkpoint", "backup", "readerCheck",
                ])
            #expect(ran.allSatisfy { ["ok", "partial"].contains($0["outcome"] as? String) }, "\(ran)")
            let backedUp = try FileManager.default.contentsOfDirectory(atPath: backups)
            #expect(backedUp.count == 1)
            // After run-due's retention erasures, the compacting copy of ledger.md §4.4 (no server holds the env).
            let compacted = try CLIRunner.run(["projections", "compact", "--data", data])
            #expect(compacted.status == 0, "\(compacted.standardError)")
            #expect(compacted.standardOutput.hasPrefix("projections env compacted: "), "\(compacted.standardOutput)")
            #expect(try CLIRunner.run(["projections", "status", "--data", data]).status == 0)

            let second = try CLIRunner.run(["ops", "run-due", "--data", data, "--today", "2025-04-05"])
            #expect(second.status == 0 && second.standardOutput == "no duty is due\n", "\(second.standardError)")

            let listed = try rows(try CLIRunner.run(["ops", "duties", "--data", data, "--json"]))
            #expect(listed.count == 6)
            let charge = try #require(listed.first { $0["duty"] as? String == "monthlyCharge" })
            #expect(charge["schedule"] as? String == "monthly day 2 06:00")
            #expect((charge["lastRun"] as? [String: Any])?["outcome"] != nil)
            #expect((charge["nextRun"] as? String)?.hasPrefix("2025-05-02") == true)

            // Beside another writer (here a flock held on writer.lock for 3 s) run-due refuses at once with exit 75.
            let holder = ChildProcess()
            holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
            holder.arguments = ["-x", data + "/writer.lock", "sleep", "3"]
            try holder.run()
            var locked = try CLIRunner.run(["ops", "run-due", "--data", data, "--today", "2025-04-06"])
            for _ in 0..<50 where locked.status != 75 {
                usleep(100_000)
                locked = try CLIRunner.run(["ops", "run-due", "--data", data, "--today", "2025-04-06"])
            }
            #expect(locked.status == 75, "\(locked.standardError)")
            holder.waitUntilExit()

            let badDate = try CLIRunner.run(["ops", "run-due", "--data", data, "--today", "2025-13-01"])
            #expect(badDate.status == 64)
            let format = DateFormatter()
            (format.dateFormat, format.timeZone) = ("yyyy-MM-dd", TimeZone(identifier: "Europe/Warsaw"))
            let later = format.string(from: Date().addingTimeInterval(2 * 86_400))
            let future = try CLIRunner.run(["ops", "run-due", "--data", data, "--today", later])
            #expect(future.status == 64 && future.standardError.contains("is after today"), "\(future.standardError)")
            try "{\"schedules\": {\"coffee\": {\"every\": 1}}}".write(
                toFile: directory.path + "/duties.json", atomically: true, encoding: .utf8)
            let badConfig = try CLIRunner.run([
                "ops", "duties", "--data", data, "--duties", directory.path + "/duties.json",
            ])
            #expect(badConfig.status == 65 && badConfig.standardError.contains("schedules.coffee"))
        }
    }
}
