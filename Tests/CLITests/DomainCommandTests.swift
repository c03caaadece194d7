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

    @Test("keys backup, rotate-master, prune-backups and compact: the lifecycle of ledger.md §4.5 from the CLI")
    func keysLifecycle() async throws {
        try await TemporaryDirectory.with { directory in
            let data = directory.path + "/data"
            let backups = directory.path + "/keys-backups"
            let person = UUID128.random()
            let binding = try Self.binding()
            let sealed = try {
                let vault = try Vault(VaultOptions(dataDirectory: data))
                defer { vault.close() }
                return try vault.seal(Array("Zofia".utf8), for: person, binding: binding)
            }()
            let inside = try CLIRunner.run(["keys", "backup", "--data", data, "--to", data + "/b"])
            #expect(inside.status != 0 && inside.standardError.split(separator: "\n").count == 1)

            let backup = try CLIRunner.run(["keys", "backup", "--data", data, "--to", backups, "--json"])
            #expect(backup.status == 0, "\(backup.standardError)")
            let manifest = try #require(
                try JSONSerialization.jsonObject(with: Data(backup.standardOutput.utf8)) as? [String: Any])
            #expect(manifest["masterKeyEpoch"] as? Int == 1 && manifest["dataKeys"] as? Int == 1)

            let lock = try WriterLock(dataDirectory: data, purpose: "test server")
            let locked = try CLIRunner.run(["keys", "rotate-master", "--data", data])
            #expect(locked.status == 75, "\(locked.standardError)")
            lock.release()
            let rotated = try CLIRunner.run(["keys", "rotate-master", "--data", data])
            #expect(rotated.status == 0, "\(rotated.standardError)")
            #expect(rotated.standardOutput.contains("epoch 1 → 2: 1 data keys re-wrapped"))
            #expect(try CLIRunner.run(["keys", "check", "--data", data]).status == 0)
            #expect(try CLIRunner.run(["keys", "compact", "--data", data]).status == 0)
            do {
                let vault = try Vault(VaultOptions(dataDirectory: data, readOnly: true))
                defer { vault.close() }
                #expect(vault.masterKeyEpoch == 2)
                #expect(try vault.open(sealed, binding: binding) == .plaintext(Array("Zofia".utf8)))
            }
            // The only backup is the newest, so it stays, and with it the retired key of its epoch.
            let pruned = try CLIRunner.run(["keys", "prune-backups", "--data", data, "--in", backups])
            #expect(pruned.status == 0 && pruned.standardOutput.contains("nothing to prune"))
            #expect(FileManager.default.fileExists(atPath: directory.path + "/data.keys/master.key.epoch-1"))
        }
    }

    static func binding() throws -> SealBinding {
        SealBinding(
            eventID: EventID(UUID128.random()),
            stream: StreamID(category: try Category("person"), id: UUID128.random()),
            eventType: try EventType("PersonRegistered"), schemaVersion: 1)
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
