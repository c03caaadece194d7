import Foundation
import Ledger
import LedgerTesting
import Testing

@Suite("cus ledger seed / stats")
struct LedgerCommandTests {
    @Test("seed appends through the normal path and stats --json reports it")
    func seedAndStats() async throws {
        try await TemporaryDirectory.with { directory in
            let data = directory.path + "/data"
            let seeded = try CLIRunner.run(["ledger", "seed", "--data", data, "--events", "2500", "--streams", "10"])
            #expect(seeded.status == 0, "\(seeded.standardError)")
            let again = try CLIRunner.run(["ledger", "seed", "--data", data, "--events", "500", "--streams", "3"])
            #expect(again.status == 0, "\(again.standardError)")
            let stats = try CLIRunner.run(["ledger", "stats", "--data", data, "--json"])
            #expect(stats.status == 0, "\(stats.standardError)")
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(stats.standardOutput.utf8)) as? [String: Any])
            let expectedKeys: Set = [
                "events", "streams", "sizeBytes", "mapSizeBytes", "mapUsedBytes", "firstPosition", "lastPosition",
                "firstRecordedAt", "lastRecordedAt", "byType", "byCategory", "readers",
            ]
            #expect(Set(object.keys) == expectedKeys)
            #expect(object["events"] as? Int == 3000 && object["streams"] as? Int == 13)
            #expect(object["firstPosition"] as? Int == 0 && object["lastPosition"] as? Int == 2999)
            #expect((object["byType"] as? [String: Int])?["ledger.SeedEvent"] == 3000)
            #expect((object["byCategory"] as? [String: Int])?["seed"] == 3000)
            let firstRecordedAt = object["firstRecordedAt"] as? String ?? ""
            #expect(firstRecordedAt.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z/) != nil)
            let ledger = try Ledger(Ledger.Options(dataDirectory: data, readOnly: true))
            defer { ledger.close() }
            let events = try ledger.readAll(from: .zero, limit: 3000)
            #expect(events.allSatisfy { $0.payload.count == LedgerSeeder.payloadBytes && $0.sealed == nil })
        }
    }

    @Test("a second writing process exits 75 and names the holder")
    func secondWriterIsRefused() async throws {
        try await TemporaryDirectory.with { directory in
            let data = directory.path + "/data"
            let ledger = try Ledger(Ledger.Options(dataDirectory: data, writerPurpose: "test holder"))
            defer { ledger.close() }
            let refused = try CLIRunner.run(["ledger", "seed", "--data", data, "--events", "10"])
            #expect(refused.status == 75)
            #expect(refused.standardError.contains("pid \(getpid()) (test holder)"))
            #expect(refused.standardError.split(separator: "\n").count == 1)
            // Commands that open the ledger with the Vault (through CommandServices) keep the lock's exit code.
            let generate = try CLIRunner.run(["generate", "--data", data, "--residents", "1", "--months", "1"])
            #expect(generate.status == 75, "\(generate.standardError)")
            let stats = try CLIRunner.run(["ledger", "stats", "--data", data, "--json"])
            #expect(stats.status == 0, "readers never need the writer lock")
        }
    }

    @Test("bad arguments exit 64 with a reason; a missing ledger exits non-zero with one line")
    func badArguments() async throws {
        let zero = try CLIRunner.run(["ledger", "seed", "--events", "0", "--data", "/nonexistent/x"])
        #expect(zero.status == 64 && zero.standardError.contains("--events"))
        let missing = try CLIRunner.run(["ledger", "stats", "--data", "/nonexistent/cus-data"])
        #expect(missing.status != 0)
        #expect(missing.standardError.split(separator: "\n").count == 1)
    }
}
