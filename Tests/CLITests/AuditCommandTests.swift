import Foundation
import LedgerTesting
import Testing

@Suite("cus ledger verify / checkpoint / public-key / verify-checkpoint / export / import / backup")
struct AuditCommandTests {
    private func json(_ outcome: CLIRunner.Outcome) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
    }

    @Test("The whole round: seed, verify, sign, export, import elsewhere, back up — one root throughout")
    func fullRound() async throws {
        try await TemporaryDirectory.with { directory in
            let data = directory.path + "/data"
            #expect(
                try CLIRunner.run(["ledger", "seed", "--data", data, "--events", "1500", "--streams", "9"]).status == 0)
            let verified = try CLIRunner.run(["ledger", "verify", "--data", data, "--json"])
            #expect(verified.status == 0, "\(verified.standardError)")
            let report = try json(verified)
            let root = try #require(report["root"] as? String)
            #expect(
                report["ok"] as? Bool == true && report["size"] as? Int == 1500 && report["firstBadPosition"] is NSNull)
            #expect(Set(report.keys).isSuperset(of: ["ok", "size", "root", "firstBadPosition", "problems"]))

            // A key argument that does not parse is a usage error; one naming a file that cannot be read, 66.
            let junk = try CLIRunner.run(["ledger", "verify", "--data", data, "--public-key", "junk"])
            #expect(junk.status == 64, "\(junk.standardError)")
            let unreadable = try CLIRunner.run([
                "ledger", "verify", "--data", data, "--public-key", "@" + directory.path + "/missing.vkey",
            ])
            #expect(unreadable.status == 66 && unreadable.standardError.contains("cannot read the verifier key file"))

            let key = try CLIRunner.run(["ledger", "public-key", "--data", data])
            let vkeyFile = directory.path + "/ledger.vkey"
            try key.standardOutput.write(toFile: vkeyFile, atomically: true, encoding: .utf8)
            #expect(key.standardOutput.hasPrefix("cusledger.local/ledger/v1+"))
            #expect(try CLIRunner.run(["ledger", "checkpoint", "--data", data, "--sign"]).status == 0)
            let checkpoint = try CLIRunner.run(["ledger", "checkpoint", "--data", data])
            #expect(checkpoint.standardOutput.contains("\n1500\n"))
            let checkpointFile = directory.path + "/cp.txt"
            try checkpoint.standardOutput.write(toFile: checkpointFile, atomically: true, encoding: .utf8)
            let checked = try CLIRunner.run([
                "ledger", "verify-checkpoint", checkpointFile, "--public-key", "@" + vkeyFile,
            ])
            #expect(checked.status == 0 && checked.standardOutput.contains(root))
            let stranger = "other.example/ledger/v1+00000000+AQ" + String(repeating: "A", count: 42) + "="
            #expect(
                try CLIRunner.run(["ledger", "verify-checkpoint", checkpointFile, "--public-key", stranger]).status != 0
            )

            let exportFile = directory.path + "/out.jsonl"
            #expect(try CLIRunner.run(["ledger", "export", "--data", data, "--out", exportFile]).status == 0)
            #expect(FileManager.default.fileExists(atPath: exportFile + ".checkpoint"))
            let copy = directory.path + "/copy"
            let imported = try CLIRunner.run([
                "ledger", "import", "--data", copy, exportFile, "--public-key", "@" + vkeyFile,
            ])
            #expect(imported.status == 0, "\(imported.standardError)")
            #expect(
                try json(try CLIRunner.run(["ledger", "verify", "--data", copy, "--json"]))["root"] as? String == root)

            let backup = directory.path + "/backup"
            let backedUp = try CLIRunner.run(["ledger", "backup", "--data", data, "--to", backup])
            #expect(backedUp.status == 0 && backedUp.standardOutput.contains(root), "\(backedUp.standardError)")
            #expect(
                try CLIRunner.run(["ledger", "backup", "--data", data, "--to", backup]).status != 0, "never overwrites")
        }
    }

    @Test("verify exits 1 on a tampered ledger and names the first bad position")
    func verifyFails() async throws {
        try await TemporaryDirectory.with { directory in
            let data = directory.path + "/data"
            #expect(
                try CLIRunner.run(["ledger", "seed", "--data", data, "--events", "400", "--streams", "1"]).status == 0)
            let file = URL(fileURLWithPath: data + "/ledger/data.mdb")
            var bytes = [UInt8](try Data(contentsOf: file))
            for range in bytes.ranges(of: Array("{\"seq\":250,".utf8)) { bytes[range.lowerBound + 30] ^= 0x20 }
            try Data(bytes).write(to: file)
            let failed = try CLIRunner.run(["ledger", "verify", "--data", data, "--json"])
            #expect(failed.status == 1)
            let report = try json(failed)
            #expect(report["ok"] as? Bool == false && report["firstBadPosition"] as? Int == 250)
        }
    }

    @Test("A bad import line is named, exits non-zero and leaves nothing behind")
    func importRefusesBadLine() async throws {
        try await TemporaryDirectory.with { directory in
            let data = directory.path + "/data"
            #expect(
                try CLIRunner.run(["ledger", "seed", "--data", data, "--events", "50", "--streams", "2"]).status == 0)
            let exportFile = directory.path + "/out.jsonl"
            #expect(try CLIRunner.run(["ledger", "export", "--data", data, "--out", exportFile]).status == 0)
            var lines = try String(contentsOfFile: exportFile, encoding: .utf8).split(separator: "\n").map(String.init)
            lines.swapAt(9, 10)
            try (lines.joined(separator: "\n") + "\n").write(toFile: exportFile, atomically: true, encoding: .utf8)
            let refused = try CLIRunner.run(["ledger", "import", "--data", directory.path + "/copy", exportFile])
            #expect(refused.status == 64 && refused.standardError.contains("line 10"), "\(refused.standardError)")
            #expect(refused.standardError.split(separator: "\n").count == 1)
            #expect(!FileManager.default.fileExists(atPath: directory.path + "/copy/ledger"))
        }
    }
}
