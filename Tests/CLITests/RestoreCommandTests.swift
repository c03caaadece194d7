import Commands
import Domain
import Foundation
import Ledger
import LedgerTesting
import Testing

@testable import Vault

/// A data directory with residents, one of them named with a unique marker, an old keys backup taken before
/// that resident's erasure, and the backups taken after it (ledger.md §4.5, §4.6).
struct RestoreScenario {
    static let clerk = Actor.staff(StaffID(uuid: UUID()), role: .intakeClerk)

    let root: String
    let marker: String
    let kept: PersonRef
    let erased: PersonRef
    /// The erased resident's data key, read before the erasure.
    let dataKey: [UInt8]

    var data: String { root + "/data" }
    var keyFiles: [String] {
        [
            "--master-key-file", data + ".keys/master.key", "--lookup-key-file", data + ".keys/lookup.key",
            "--signing-key", data + ".keys/signing.key",
        ]
    }
    var ledgerBackup: String { root + "/ledger-backup" }
    var oldKeysBackups: String { root + "/keys-before" }
    var newKeysBackups: String { root + "/keys-after" }

    static func envelope(_ actor: Actor) -> CommandEnvelope {
        CommandEnvelope(commandID: .random(), actor: actor, occurredAt: Instant(Date()), fingerprint: "restore test")
    }

    /// Registers residents, backs the keys up, erases the marked one, compacts, checkpoints and backs up again.
    static func make(in root: String) async throws -> RestoreScenario {
        let data = root + "/data"
        let marker = "Znacznik\(UInt32.random(in: 100_000...999_999))Qz"
        let kept = PersonRef(uuid: UUID())
        let erased = PersonRef(uuid: UUID())
        var dataKey: [UInt8] = []
        do {
            let services = try CommandServices.open(Ledger.Options(dataDirectory: data))
            defer { services.close() }
            let intake = IntakeCommands(services: services)
            for (person, name) in [(kept, "Anna"), (erased, marker), (PersonRef(uuid: UUID()), "Ewa")] {
                _ = try await intake.register(
                    person, purposeTags: ["intake"], identity: .init(givenName: name, familyName: "Nowak"),
                    envelope: envelope(clerk))
            }
            let keyID = try #require(try services.vault.keyIDs(of: UUID128(erased.uuid)).first)
            dataKey = Self.bytes(try #require(try services.vault.dataKey(keyID)))
        }
        let scenario = RestoreScenario(root: root, marker: marker, kept: kept, erased: erased, dataKey: dataKey)
        try scenario.cus(["keys", "backup", "--data", data, "--to", scenario.oldKeysBackups])
        do {
            let services = try CommandServices.open(Ledger.Options(dataDirectory: data))
            defer { services.close() }
            _ = try await IntakeCommands(services: services).erase(
                erased, reason: .art17, legalBasisRef: "RODO art. 17", requestID: RequestID(uuid: UUID()),
                envelope: envelope(.system("retention")))
        }
        try scenario.cus(["keys", "compact", "--data", data])
        try scenario.cus(["ledger", "checkpoint", "--sign", "--data", data])
        try scenario.cus(["ledger", "backup", "--data", data, "--to", scenario.ledgerBackup])
        try scenario.cus(["keys", "backup", "--data", data, "--to", scenario.newKeysBackups])
        return scenario
    }

    static func bytes(_ key: some ContiguousBytes) -> [UInt8] { key.withUnsafeBytes { Array($0) } }

    /// Registers one more resident in the original data directory (a new data key and an event).
    func registerAnother() async throws {
        let services = try CommandServices.open(Ledger.Options(dataDirectory: data))
        defer { services.close() }
        _ = try await IntakeCommands(services: services).register(
            PersonRef(uuid: UUID()), purposeTags: ["intake"], identity: .init(givenName: "Ola", familyName: "Lis"),
            envelope: Self.envelope(Self.clerk))
    }

    /// Runs `cus`, expecting success; returns stdout.
    @discardableResult
    func cus(_ arguments: [String]) throws -> String {
        let outcome = try CLIRunner.run(arguments)
        #expect(outcome.status == 0, "cus \(arguments.joined(separator: " ")): \(outcome.standardError)")
        return outcome.standardOutput
    }

    func restore(into target: String, keysFrom: String, _ extra: [String] = []) throws -> CLIRunner.Outcome {
        try CLIRunner.run(
            ["restore", "--data", target, "--from", ledgerBackup, "--keys-from", keysFrom, "--json"] + keyFiles
                + extra)
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// `cus ledger verify --json` of a data directory: (ok, size, root).
    func verify(_ directory: String) throws -> (Bool, Int, String) {
        let report = try Self.json(try cus(["ledger", "verify", "--data", directory, "--json"]))
        return (report["ok"] as? Bool ?? false, report["size"] as? Int ?? -1, report["root"] as? String ?? "")
    }

    /// The JSON rows of every view but ResidentTimeline (which needs a resident), keyed by view name.
    func views(_ directory: String) throws -> [String: String] {
        var rows: [String: String] = [:]
        for view in [
            "PlanStatusView", "ApplicationQueue", "CoordinatorCaseload", "ProviderWorkload", "FeeLedgerView",
            "ComplianceAlerts",
        ] {
            rows[view] = try cus(
                ["views", "show", view, "--data", directory, "--json", "--today", "2026-01-15"] + keyFiles)
        }
        return rows
    }

    /// The resident's ResidentTimeline events (`personal` of the registration decides whether it reads).
    func timeline(_ person: PersonRef, in directory: String) throws -> [[String: Any]] {
        let text = try cus(
            [
                "views", "show", "ResidentTimeline", "--data", directory, "--json", "--key", person.description,
                "--purpose", "restore drill",
            ] + keyFiles)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        return try #require(rows.first?["events"] as? [[String: Any]])
    }

    /// Files under `directory` whose bytes hold `needle`.
    static func files(containing needle: [UInt8], under directory: String) throws -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var found: [String] = []
        let bytes = Data(needle)
        while let relative = enumerator.nextObject() as? String {
            let path = directory + "/" + relative
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                let contents = FileManager.default.contents(atPath: path)
            else { continue }
            if contents.range(of: bytes) != nil { found.append(path) }
        }
        return found
    }

}

@Suite("cus restore (ledger.md §4.5) and the marker test (§4.6)")
struct RestoreCommandTests {
    @Test("A restore gives the same root and views; run again with --force it gives the same result")
    func roundTrip() async throws {
        try await TemporaryDirectory.with { directory in
            let scenario = try await RestoreScenario.make(in: directory.path)
            let target = directory.path + "/restored"
            // What a restore killed half-way leaves: a staging directory with part of a copy. The next run clears it.
            let stale = directory.path + "/.restored.restoring/ledger"
            try FileManager.default.createDirectory(atPath: stale, withIntermediateDirectories: true)
            try Data("half a copy".utf8).write(to: URL(fileURLWithPath: stale + "/data.mdb"))
            let first = try scenario.restore(into: target, keysFrom: scenario.newKeysBackups)
            #expect(first.status == 0, "\(first.standardError)")
            let report = try RestoreScenario.json(first.standardOutput)
            let original = try scenario.verify(scenario.data)
            #expect(original.0)
            #expect(report["events"] as? Int == original.1 && report["root"] as? String == original.2)
            #expect(report["keysDestroyedByReplay"] as? Int == 0 && report["receiptsReplayed"] as? Int == 1)
            #expect((report["projectionsRebuilt"] as? [String])?.contains("PlanStatusView") == true)
            #expect(try scenario.verify(target) == original)
            #expect(try scenario.views(target) == scenario.views(scenario.data))
            #expect(!FileManager.default.fileExists(atPath: directory.path + "/.restored.restoring"))

            let again = try scenario.restore(into: target, keysFrom: scenario.newKeysBackups)
            #expect(again.status == 73, "a non-empty target needs --force")
            let forced = try scenario.restore(into: target, keysFrom: scenario.newKeysBackups, ["--force"])
            #expect(forced.status == 0, "\(forced.standardError)")
            var second = try RestoreScenario.json(forced.standardOutput)
            var firstReport = report
            second["seconds"] = nil
            firstReport["seconds"] = nil
            #expect(NSDictionary(dictionary: second) == NSDictionary(dictionary: firstReport))
            #expect(try scenario.verify(target) == original)
            #expect(try scenario.views(target) == scenario.views(scenario.data))
            let kept = try scenario.timeline(scenario.kept, in: target)
            #expect((kept.first?["personal"] as? [String: Any])?["givenName"] as? String == "Anna")
        }
    }

    @Test("A trusted checkpoint beyond the backup is reported as lost acknowledged events; a foreign one is refused")
    func trustedCheckpoint() async throws {
        try await TemporaryDirectory.with { directory in
            let scenario = try await RestoreScenario.make(in: directory.path)
            let backupSize = try scenario.verify(scenario.data).1
            try await scenario.registerAnother()
            let trusted = directory.path + "/trusted-checkpoint"
            try Data(try scenario.cus(["ledger", "checkpoint", "--sign", "--data", scenario.data]).utf8)
                .write(to: URL(fileURLWithPath: trusted))
            let newSize = try scenario.verify(scenario.data).1
            #expect(newSize > backupSize)
            let outcome = try scenario.restore(
                into: directory.path + "/restored", keysFrom: scenario.newKeysBackups,
                ["--trusted-checkpoint", trusted])
            #expect(outcome.status == 0, "\(outcome.standardError)")
            let report = try RestoreScenario.json(outcome.standardOutput)
            #expect(report["trustedSize"] as? Int == newSize)
            #expect(report["lostAcknowledgedEvents"] as? Int == newSize - backupSize)

            // The checkpoint of another ledger (same origin, its own key) is not signed by this ledger's key.
            let other = directory.path + "/other"
            _ = try await ViewsCommandTests.residents(in: other)
            let foreign = directory.path + "/foreign-checkpoint"
            try Data(try scenario.cus(["ledger", "checkpoint", "--sign", "--data", other]).utf8)
                .write(to: URL(fileURLWithPath: foreign))
            let refused = try scenario.restore(
                into: directory.path + "/refused", keysFrom: scenario.newKeysBackups, ["--trusted-checkpoint", foreign])
            #expect(refused.status == 1 && refused.standardError.contains("not signed by this ledger's key"))
            #expect(!FileManager.default.fileExists(atPath: directory.path + "/refused"))
        }
    }

    @Test(
        "Marker test: an old keys backup restores, but the erased resident stays erased and no file holds the marker or the key"
    )
    func markerTest() async throws {
        try await TemporaryDirectory.with { directory in
            let scenario = try await RestoreScenario.make(in: directory.path)
            let original = try scenario.verify(scenario.data)
            let target = directory.path + "/restored"
            let outcome = try scenario.restore(into: target, keysFrom: scenario.oldKeysBackups)
            #expect(outcome.status == 0, "\(outcome.standardError)")
            let report = try RestoreScenario.json(outcome.standardOutput)
            #expect(report["keysDestroyedByReplay"] as? Int == 1, "the replay destroys the key the old backup held")
            #expect(report["keysRestored"] as? Int == (report["keysHeld"] as? Int ?? 0) + 1)
            #expect(try scenario.verify(target) == original)

            // A keys backup of the restored directory ("any later backup"), taken before anything else opens it as a
            // writer (whose start-up would replay the erasures again): the erased resident's key is not in it.
            let later = try RestoreScenario.json(
                try scenario.cus(
                    ["keys", "backup", "--data", target, "--to", directory.path + "/keys-restored", "--json"]
                        + scenario.keyFiles))
            #expect(later["dataKeys"] as? Int == 2 && later["erasedKeys"] as? Int == 1)
            for place in [
                scenario.data, scenario.ledgerBackup, scenario.newKeysBackups, target,
                directory.path + "/keys-restored",
            ] {
                #expect(
                    try RestoreScenario.files(containing: Array(scenario.marker.utf8), under: place).isEmpty, "\(place)"
                )
                #expect(try RestoreScenario.files(containing: scenario.dataKey, under: place).isEmpty, "\(place)")
            }
            #expect(report["keysHeld"] as? Int == 2)

            // Proofs of the registration and of the receipt are the same in both directories and check.
            let size = original.1
            for position in [1, size - 1] {
                let proof = ["audit", "proof", "--position", String(position), "--data"]
                #expect(try scenario.cus(proof + [target]) == scenario.cus(proof + [scenario.data]))
            }

            // The views show the resident redacted, and the kept one readable.
            let gone = try scenario.timeline(scenario.erased, in: target)
            #expect(gone.map { $0["type"] as? String }.contains("PersonalDataErased"))
            let personal = try #require(gone.first?["personal"] as? [String: Any])
            #expect(personal["redacted"] as? Bool == true)
            let kept = try scenario.timeline(scenario.kept, in: target)
            #expect((kept.first?["personal"] as? [String: Any])?["givenName"] as? String == "Anna")
        }
    }

    @Test(
        "Restored over its data directory, an erasure recorded after both backups stays: the directory's own list is replayed"
    )
    func erasureAfterBackupsStays() async throws {
        try await TemporaryDirectory.with { directory in
            let scenario = try await RestoreScenario.make(in: directory.path)
            do {
                let services = try CommandServices.open(Ledger.Options(dataDirectory: scenario.data))
                defer { services.close() }
                _ = try await IntakeCommands(services: services).erase(
                    scenario.kept, reason: .art17, legalBasisRef: "RODO art. 17", requestID: RequestID(uuid: UUID()),
                    envelope: RestoreScenario.envelope(.system("retention")))
            }
            let outcome = try scenario.restore(into: scenario.data, keysFrom: scenario.newKeysBackups, ["--force"])
            #expect(outcome.status == 0, "\(outcome.standardError)")
            let report = try RestoreScenario.json(outcome.standardOutput)
            #expect(report["keysDestroyedByReplay"] as? Int == 1, "the key erased after the backups is destroyed again")
            // The receipt is not in the ledger backup, but her sealed fields stay unreadable.
            let kept = try scenario.timeline(scenario.kept, in: scenario.data)
            #expect(!kept.map { $0["type"] as? String }.contains("PersonalDataErased"))
            #expect((kept.first?["personal"] as? [String: Any])?["redacted"] as? Bool == true)
        }
    }

    @Test("A data directory reached through a symbolic link is restored where the link points, and the link stays")
    func symlinkedTarget() async throws {
        try await TemporaryDirectory.with { directory in
            let scenario = try await RestoreScenario.make(in: directory.path)
            let original = try scenario.verify(scenario.data)
            let link = directory.path + "/current"
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: scenario.data)
            let outcome = try scenario.restore(into: link, keysFrom: scenario.newKeysBackups, ["--force"])
            #expect(outcome.status == 0, "\(outcome.standardError)")
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == scenario.data)
            #expect(try scenario.verify(scenario.data) == original)
        }
    }

    @Test("A restore interrupted between its two renames is not run over: the previous directory waits aside")
    func interruptedReplacementKept() async throws {
        try await TemporaryDirectory.with { directory in
            let scenario = try await RestoreScenario.make(in: directory.path)
            let aside = directory.path + "/.data.replaced"
            guard rename(scenario.data, aside) == 0 else { throw CocoaError(.fileWriteUnknown) }
            let outcome = try scenario.restore(into: scenario.data, keysFrom: scenario.newKeysBackups, ["--force"])
            #expect(outcome.status == 73 && outcome.standardError.contains("interrupted restore"))
            #expect(FileManager.default.fileExists(atPath: aside + "/ledger/data.mdb"))
            #expect(!FileManager.default.fileExists(atPath: scenario.data))
        }
    }

    @Test("Bad inputs are refused with one line and a non-zero exit, and nothing is written")
    func badInputs() async throws {
        try await TemporaryDirectory.with { directory in
            let scenario = try await RestoreScenario.make(in: directory.path)
            let target = directory.path + "/restored"
            func refused(_ outcome: CLIRunner.Outcome, _ status: Int32, _ words: String) throws {
                #expect(outcome.status == status, "\(outcome.standardError)")
                #expect(outcome.standardError.contains(words), "\(outcome.standardError)")
                #expect(outcome.standardError.split(separator: "\n").count == 1, "\(outcome.standardError)")
                #expect(!FileManager.default.fileExists(atPath: target))
                #expect(!FileManager.default.fileExists(atPath: directory.path + "/.restored.restoring"))
            }
            let base = ["restore", "--data", target, "--json"] + scenario.keyFiles
            try refused(
                try CLIRunner.run(base + ["--from", directory.path + "/none", "--keys-from", scenario.newKeysBackups]),
                66, "no ledger backup")
            try refused(
                try CLIRunner.run(base + ["--from", scenario.ledgerBackup, "--keys-from", directory.path + "/none"]),
                66, "no keys backup")

            // A keys backup of another ledger, opened with that ledger's key files, holds none of this ledger's keys.
            let other = directory.path + "/other"
            _ = try await ViewsCommandTests.residents(in: other)
            try scenario.cus(["keys", "backup", "--data", other, "--to", directory.path + "/other-keys"])
            try refused(
                try CLIRunner.run(
                    [
                        "restore", "--data", target, "--from", scenario.ledgerBackup, "--keys-from",
                        directory.path + "/other-keys", "--master-key-file", other + ".keys/master.key",
                        "--lookup-key-file", other + ".keys/lookup.key",
                    ]),
                1, "belongs to another ledger")
            // With this ledger's key files it does not open at all.
            try refused(
                try CLIRunner.run(
                    base + ["--from", scenario.ledgerBackup, "--keys-from", directory.path + "/other-keys"]),
                1, "does not open")

            // A keys backup older than a resident registered before the ledger backup lacks that resident's key.
            try await scenario.registerAnother()
            try scenario.cus(["ledger", "backup", "--data", scenario.data, "--to", directory.path + "/newer-ledger"])
            try refused(
                try CLIRunner.run(
                    base + ["--from", directory.path + "/newer-ledger", "--keys-from", scenario.newKeysBackups]),
                1, "lacks 1 of the 4 data keys")

            // A ledger backup with one flipped byte in a record fails its verify.
            let damaged = directory.path + "/damaged"
            try FileManager.default.createDirectory(atPath: damaged + "/ledger", withIntermediateDirectories: true)
            var bytes = try #require(FileManager.default.contents(atPath: scenario.ledgerBackup + "/ledger/data.mdb"))
            let at = try #require(bytes.range(of: Data("system:retention".utf8))).lowerBound
            bytes[at] ^= 0x01
            try bytes.write(to: URL(fileURLWithPath: damaged + "/ledger/data.mdb"))
            let outcome = try CLIRunner.run(base + ["--from", damaged, "--keys-from", scenario.newKeysBackups])
            try refused(outcome, 1, "does not verify")

            // A target held by a writer is refused with exit 75 and left as it was.
            let held = directory.path + "/held"
            try FileManager.default.createDirectory(atPath: held, withIntermediateDirectories: true)
            let lock = try WriterLock(dataDirectory: held, purpose: "test writer")
            defer { lock.release() }
            let busy = try CLIRunner.run(
                [
                    "restore", "--data", held, "--force", "--from", scenario.ledgerBackup, "--keys-from",
                    scenario.newKeysBackups,
                ] + scenario.keyFiles)
            #expect(busy.status == 75, "\(busy.standardError)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: held) == ["writer.lock"])
        }
    }
}
