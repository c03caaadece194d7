import Foundation
import LMDB
import LedgerTesting
import Testing

@Suite("cus on a ledger whose meta.treeSize claims more events than its records")
struct OverstatedLedgerTests {
    @Test(
        "verify reports it, export and a projections rebuild stop with one line instead of chasing 2^60 events",
        .timeLimit(.minutes(10)))
    func overstatedTreeSize() async throws {
        try await TemporaryDirectory.with { directory in
            let data = directory.path + "/data"
            let seeded = try CLIRunner.run(["ledger", "seed", "--data", data, "--events", "200", "--streams", "4"])
            #expect(seeded.status == 0, "\(seeded.standardError)")
            let environment = try Environment(path: data + "/ledger", options: .init(mapSizeBytes: 64 << 20))
            let meta = try environment.openDatabase(named: "meta")
            try environment.write { txn in
                try txn.put(
                    withUnsafeBytes(of: (UInt64(1) << 60).bigEndian, Array.init), key: Array("treeSize".utf8), in: meta)
            }
            environment.close()
            let verify = try CLIRunner.run(["ledger", "verify", "--data", data])
            #expect(verify.status == 1, "\(verify.standardOutput)\(verify.standardError)")
            let export = try CLIRunner.run(["ledger", "export", "--data", data, "--out", directory.path + "/x.jsonl"])
            #expect(
                export.status != 0 && export.standardError.contains("records end at 200"), "\(export.standardError)")
            #expect(!FileManager.default.fileExists(atPath: directory.path + "/x.jsonl"))
            let rebuild = try CLIRunner.run(["projections", "rebuild", "PlanStatusView", "--data", data])
            #expect(
                rebuild.status != 0 && rebuild.standardError.contains("records end at 200"), "\(rebuild.standardError)")
        }
    }
}
