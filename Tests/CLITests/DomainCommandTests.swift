import Foundation
import Ledger
import LedgerTesting
import Testing
import Vault

@Suite("cus keys / events / rules")
struct DomainCommandTests {
    @Test("keys check opens the keys env with the right master key and refuses a wrong one in one line")
    func keysCheck() async throws {
        try await TemporaryDirectory.with { directory in
            let data = directory.path + "/data"
            #expect(
                try CLIRunner.run(["keys", "check", "--data", data]).standardOutput.contains("created on first use"))
            let vault = try Vault(VaultOptions(dataDirectory: data))
            _ = try vault.dataKeyID(for: UUID128.random())
            vault.close()
            let good = try CLIRunner.run(["keys", "check", "--data", data])
            #expect(good.status == 0, "\(good.standardError)")
            #expect(good.standardOutput.contains("opens with"))

            let wrongKey = directory.path + "/wrong.key"
            _ = FileManager.default.createFile(atPath: wrongKey, contents: Data(repeating: 7, count: 32))
            let wrong = try CLIRunner.run(["keys", "check", "--data", data, "--master-key-file", wrongKey])
            #expect(wrong.status == 74)
            #expect(wrong.standardError.split(separator: "\n").count == 1)
            #expect(wrong.standardError.contains("master"))
            let missing = try CLIRunner.run(["keys", "check", "--data", data, "--master-key-file", wrongKey + ".gone"])
            #expect(missing.status == 74)
        }
    }

    @Test("rules list names the set in force; a bad rules directory is a one-line error with exit 64")
    func rulesList() async throws {
        try await TemporaryDirectory.with { directory in
            let listed = try CLIRunner.run(["rules", "list", "--on", "2025-03-05", "--json"])
            #expect(listed.status == 0, "\(listed.standardError)")
            let rows = try #require(
                try JSONSerialization.jsonObject(with: Data(listed.standardOutput.utf8)) as? [[String: Any]])
            #expect(rows.first?["version"] as? String == "cus-act/2020-01-01.1")
            #expect(rows.first?["inForce"] as? Bool == true)
            try "{\"ruleSetId\": 1}".write(toFile: directory.path + "/bad.json", atomically: true, encoding: .utf8)
            let bad = try CLIRunner.run(["rules", "list", "--rules", directory.path])
            #expect(bad.status == 64)
            #expect(bad.standardError.hasPrefix("cus: ") && bad.standardError.split(separator: "\n").count == 1)
        }
    }

    @Test("events list shows every type with its sealed fields")
    func eventsList() throws {
        let listed = try CLIRunner.run(["events", "list", "--json"])
        #expect(listed.status == 0)
        let rows = try #require(
            try JSONSerialization.jsonObject(with: Data(listed.standardOutput.utf8)) as? [[String: Any]])
        let consent = try #require(rows.first { $0["type"] as? String == "ConsentGranted" })
        #expect(consent["readable"] as? [Int] == [1, 2])
        let person = try #require(rows.first { $0["type"] as? String == "PersonRegistered" })
        #expect((person["sealedFields"] as? [String])?.contains("nationalID") == true)
    }
}
