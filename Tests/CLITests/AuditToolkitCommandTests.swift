import Commands
import Domain
import Foundation
import Ledger
import LedgerTesting
import Testing

@Suite("cus audit: proofs, verify-export, trust, witness, timeline, access, report, subject-export (issue #11)")
struct AuditToolkitCommandTests {
    private func json(_ outcome: CLIRunner.Outcome) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
    }

    private func write(_ text: String, _ path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// A seeded ledger with signed checkpoints at 300 and 450, its vkey file and both checkpoint files.
    private func ledger(in directory: TemporaryDirectory) throws -> (
        data: String, vkey: String, old: String, new: String
    ) {
        let data = directory.path + "/data"
        let vkey = directory.path + "/ledger.vkey"
        let old = directory.path + "/old.cp"
        let new = directory.path + "/new.cp"
        #expect(try CLIRunner.run(["ledger", "seed", "--data", data, "--events", "300", "--streams", "5"]).status == 0)
        #expect(try CLIRunner.run(["ledger", "checkpoint", "--data", data, "--sign"]).status == 0)
        try write(try CLIRunner.run(["ledger", "checkpoint", "--data", data]).standardOutput, old)
        #expect(try CLIRunner.run(["ledger", "seed", "--data", data, "--events", "150", "--streams", "3"]).status == 0)
        #expect(try CLIRunner.run(["ledger", "checkpoint", "--data", data, "--sign"]).status == 0)
        try write(try CLIRunner.run(["ledger", "checkpoint", "--data", data]).standardOutput, new)
        try write(try CLIRunner.run(["ledger", "public-key", "--data", data]).standardOutput, vkey)
        return (data, vkey, old, new)
    }

    @Test("audit proof and audit consistency print documents that the ledger's functions verify")
    func proofs() async throws {
        try await TemporaryDirectory.with { directory in
            let (data, vkey, old, new) = try ledger(in: directory)
            let verifier = try NoteVerifier(verifierKey: try String(contentsOfFile: vkey, encoding: .utf8))
            let proved = try CLIRunner.run([
                "audit", "proof", "--data", data, "--position", "123", "--checkpoint", old, "--public-key", "@" + vkey,
            ])
            #expect(proved.status == 0, "\(proved.standardError)")
            let inclusion = try InclusionProofDocument(json: Array(proved.standardOutput.utf8))
            #expect(inclusion.proof.index == 123 && inclusion.proof.treeSize == 300)
            #expect(try inclusion.verify(verifier: verifier).position == Position(123))
            let newest = try json(try CLIRunner.run(["audit", "proof", "--data", data, "--position", "400"]))
            #expect(newest["treeSize"] as? Int == 450 && newest["kind"] as? String == "cusledger/inclusion-proof/v1")
            let beyond = try CLIRunner.run(["audit", "proof", "--data", data, "--position", "450"])
            #expect(beyond.status == 1 && beyond.standardError.split(separator: "\n").count == 1)

            let consistent = try CLIRunner.run([
                "audit", "consistency", "--data", data, "--old", old, "--new", new, "--public-key", "@" + vkey,
            ])
            #expect(consistent.status == 0, "\(consistent.standardError)")
            let document = try ConsistencyProofDocument(json: Array(consistent.standardOutput.utf8))
            #expect(document.proof.oldSize == 300 && document.proof.newSize == 450)
            try document.verify(verifier: verifier)
            let stranger = directory.path + "/stranger.vkey"
            try write("cusledger.local/ledger/v1+00000000+AQ" + String(repeating: "A", count: 42) + "=", stranger)
            let foreign = try CLIRunner.run([
                "audit", "proof", "--data", data, "--position", "1", "--public-key", "@" + stranger,
            ])
            #expect(foreign.status != 0)
        }
    }

    @Test("verify-export passes offline, reports witnesses, and names the bad line of each tampered export")
    func verifyExport() async throws {
        try await TemporaryDirectory.with { directory in
            let (data, vkey, old, _) = try ledger(in: directory)
            let export = directory.path + "/out.jsonl"
            #expect(try CLIRunner.run(["ledger", "export", "--data", data, "--out", export]).status == 0)
            // Offline: the data directory is gone.
            try FileManager.default.moveItem(atPath: data, toPath: directory.path + "/elsewhere")
            let passed = try CLIRunner.run([
                "audit", "verify-export", export, "--public-key", "@" + vkey, "--also", old, "--json",
            ])
            #expect(passed.status == 0, "\(passed.standardError)")
            let report = try json(passed)
            #expect(report["lines"] as? Int == 450 && report["checkpointSize"] as? Int == 450)
            #expect(report["olderCheckpointsConsistent"] as? [Int] == [300])

            let lines = try String(contentsOfFile: export, encoding: .utf8).split(separator: "\n").map(String.init)
            func refused(_ mutated: [String], line: Int, _ why: String) throws {
                let path = directory.path + "/tampered.jsonl"
                try write(mutated.joined(separator: "\n") + "\n", path)
                let outcome = try CLIRunner.run([
                    "audit", "verify-export", path, "--checkpoint", export + ".checkpoint", "--public-key", "@" + vkey,
                ])
                #expect(outcome.status == 1, "\(why): \(outcome.standardOutput)")
                #expect(outcome.standardError.contains("line \(line):"), "\(why): \(outcome.standardError)")
                #expect(outcome.standardError.split(separator: "\n").count == 1, "\(why)")
            }
            for field in ["\"stream\":\"", "\"actor\":\"", "\"recordedAt\":\"2", "\"record\":\"", "\"leafHash\":\""] {
                var mutated = lines
                var bytes = Array(mutated[77].utf8)
                let at = try #require(bytes.firstRange(of: Array(field.utf8))).upperBound + 3
                bytes[at] ^= 0x01
                mutated[77] = String(decoding: bytes, as: UTF8.self)
                try refused(mutated, line: 78, "one byte changed in \(field)")
            }
            var dropped = lines
            dropped.remove(at: 200)
            try refused(dropped, line: 201, "a dropped line")
            var swapped = lines
            swapped.swapAt(10, 11)
            try refused(swapped, line: 11, "two swapped lines")
            var disagreeing = lines
            disagreeing[300] = lines[300].replacingOccurrences(of: "\"streamVersion\":", with: "\"streamVersion\":9")
            try refused(disagreeing, line: 301, "a field disagreeing with its record")

            let otherKey = try CLIRunner.run([
                "audit", "verify-export", export, "--public-key", try stranger(directory),
            ])
            #expect(otherKey.status == 1 && otherKey.standardError.contains("signature"), "\(otherKey.standardError)")
        }
    }

    /// The vkey of a freshly made, unrelated ledger with the same origin.
    private func stranger(_ directory: TemporaryDirectory) throws -> String {
        let data = directory.path + "/stranger"
        #expect(try CLIRunner.run(["ledger", "seed", "--data", data, "--events", "1", "--streams", "1"]).status == 0)
        return try CLIRunner.run(["ledger", "public-key", "--data", data]).standardOutput
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("trust keeps the last trusted checkpoint and refuses a rolled-back one; witness cosigns and is reported")
    func trustAndWitness() async throws {
        try await TemporaryDirectory.with { directory in
            let (data, vkey, old, new) = try ledger(in: directory)
            let state = directory.path + "/auditor/trusted"
            func trust(_ file: String, _ extra: [String] = []) throws -> CLIRunner.Outcome {
                try CLIRunner.run(
                    ["audit", "trust", "--checkpoint", file, "--public-key", "@" + vkey, "--state", state, "--json"]
                        + extra)
            }
            let first = try trust(old)
            #expect(first.status == 0, "\(first.standardError)")
            let firstReport = try json(first)
            #expect(firstReport["previousSize"] is NSNull)
            let noProof = try trust(new)
            #expect(noProof.status == 1 && noProof.standardError.contains("consistency proof"))
            let proofFile = directory.path + "/consistency.json"
            try write(
                try CLIRunner.run(["audit", "consistency", "--data", data, "--old", old, "--new", new])
                    .standardOutput, proofFile)
            let advanced = try trust(new, ["--proof", proofFile])
            #expect(advanced.status == 0, "\(advanced.standardError)")
            let advancedReport = try json(advanced)
            #expect(advancedReport["previousSize"] as? Int == 300 && advancedReport["size"] as? Int == 450)
            let rolledBack = try trust(old)
            #expect(rolledBack.status == 1 && rolledBack.standardError.contains("rolled-back"))
            #expect(try String(contentsOfFile: state, encoding: .utf8) == String(contentsOfFile: new, encoding: .utf8))
            #expect(try trust(new, ["--data", data]).status == 0)

            let key = directory.path + "/witness.key"
            let made = try CLIRunner.run(["audit", "witness-key", "--name", "archiwum.gmina.example", "--out", key])
            #expect(made.status == 0, "\(made.standardError)")
            let witnessVkey = made.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
            let cosignedOld = directory.path + "/old.cosigned"
            let witnessed = try CLIRunner.run([
                "audit", "witness", "--checkpoint", old, "--witness-key", key, "--public-key", "@" + vkey,
                "--out", cosignedOld,
            ])
            #expect(witnessed.status == 0, "\(witnessed.standardError)")
            #expect(
                try String(contentsOfFile: cosignedOld, encoding: .utf8).contains("\u{2014} archiwum.gmina.example "))
            let cosignedNew = directory.path + "/new.cosigned"
            let second = try CLIRunner.run([
                "audit", "witness", "--checkpoint", new, "--witness-key", key, "--public-key", "@" + vkey,
                "--data", data, "--out", cosignedNew,
            ])
            #expect(second.status == 0, "\(second.standardError)")
            let witnessRollback = try CLIRunner.run([
                "audit", "witness", "--checkpoint", old, "--witness-key", key, "--public-key", "@" + vkey,
            ])
            #expect(witnessRollback.status == 1 && witnessRollback.standardError.contains("rolled-back"))

            let export = directory.path + "/out.jsonl"
            #expect(try CLIRunner.run(["ledger", "export", "--data", data, "--out", export]).status == 0)
            let reported = try CLIRunner.run([
                "audit", "verify-export", export, "--checkpoint", cosignedNew, "--public-key", "@" + vkey,
                "--witness-key", witnessVkey, "--json",
            ])
            #expect(reported.status == 0, "\(reported.standardError)")
            let cosigners = try #require(try json(reported)["cosigners"] as? [[String: Any]])
            #expect(cosigners.map { $0["witness"] as? String } == ["archiwum.gmina.example"])

            #expect(
                try CLIRunner.run([
                    "ledger", "cosigned", "--data", data, cosignedNew, "--witness-key", witnessVkey,
                ]).status == 0)
            let verified = try CLIRunner.run([
                "ledger", "verify", "--data", data, "--witness-key", witnessVkey, "--json",
            ])
            #expect(verified.status == 0, "\(verified.standardError)")
            let names = try #require(try json(verified)["newestCheckpointCosigners"] as? [[String: Any]])
            #expect(names.map { $0["witness"] as? String } == ["archiwum.gmina.example"])
            let text = try CLIRunner.run(["ledger", "verify", "--data", data, "--witness-key", witnessVkey])
            #expect(text.standardOutput.contains("cosigned by: archiwum.gmina.example"))
        }
    }

    @Test("timeline and access list a resident's events and who viewed them; reveal takes an auditor's token")
    func timelineAndAccess() async throws {
        try await TemporaryDirectory.with { directory in
            let data = directory.path + "/data"
            let (kept, erased) = try await ViewsCommandTests.residents(in: data)
            let person = erased.uuid.uuidString.lowercased()
            let timeline = try CLIRunner.run(["audit", "timeline", "--data", data, "--person", person, "--json"])
            #expect(timeline.status == 0, "\(timeline.standardError)")
            let events = try #require(
                try JSONSerialization.jsonObject(with: Data(timeline.standardOutput.utf8)) as? [[String: Any]])
            #expect(events.map { $0["type"] as? String } == ["PersonRegistered", "PersonalDataErased"])
            #expect(events.allSatisfy { $0["ruleSetVersion"] is String && $0["actorRole"] is String })
            #expect(!timeline.standardOutput.contains("Jan"))
            let text = try CLIRunner.run([
                "audit", "timeline", "--data", data, "--person", person, "--to", "2000-01-01",
            ])
            #expect(text.standardOutput.contains("0 event(s)"))

            #expect(
                try CLIRunner.run([
                    "views", "show", "ResidentTimeline", "--data", data, "--key", kept.uuid.uuidString.lowercased(),
                    "--purpose", "case review", "--json",
                ]).status == 0)
            let access = try CLIRunner.run([
                "audit", "access", "--data", data, "--person", kept.uuid.uuidString.lowercased(), "--json",
            ])
            #expect(access.status == 0, "\(access.standardError)")
            let views = try #require(
                try JSONSerialization.jsonObject(with: Data(access.standardOutput.utf8)) as? [[String: Any]])
            #expect(views.map { $0["viewerId"] as? String } == ["system:cli"])
            #expect(views.first?["purpose"] as? String == "case review")
            let byViewer = try CLIRunner.run(["audit", "access", "--data", data, "--by", "staff:nobody"])
            #expect(byViewer.standardOutput.contains("0 view(s)"))

            // Reveal and the subject export take a staff token from the token store (auditor or director).
            func token(_ role: String) throws -> String {
                let created = try CLIRunner.run([
                    "tokens", "create", "--data", data, "--role", role, "--subject", UUID().uuidString,
                ])
                #expect(created.status == 0, "\(created.standardError)")
                return created.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            let evaluator = try token("evaluator")
            for (given, refusal) in [("T", "unknown, revoked or malformed"), (evaluator, "may not reveal")] {
                for arguments in [
                    ["audit", "timeline", "--person", person, "--reveal", "--token", given, "--purpose", "audit"],
                    [
                        "audit", "subject-export", "--person", person, "--token", given, "--purpose", "art. 15",
                        "--out", directory.path + "/subject",
                    ],
                ] {
                    let refused = try CLIRunner.run(arguments + ["--data", data])
                    #expect(
                        refused.status == 64 && refused.standardError.contains(refusal), "\(refused.standardError)")
                    #expect(refused.standardError.split(separator: "\n").count == 1)
                    #expect(!refused.standardError.contains(evaluator))
                }
            }
            #expect(!FileManager.default.fileExists(atPath: directory.path + "/subject"))

            let auditor = try token("auditor")
            let revealed = try CLIRunner.run([
                "audit", "timeline", "--data", data, "--person", kept.uuid.uuidString.lowercased(), "--reveal",
                "--token", auditor, "--purpose", "kontrola", "--json",
            ])
            #expect(revealed.status == 0 && revealed.standardOutput.contains("Anna"), "\(revealed.standardError)")
            let exported = try CLIRunner.run([
                "audit", "subject-export", "--data", data, "--person", person, "--token", auditor, "--purpose",
                "art. 15", "--out", directory.path + "/subject",
            ])
            #expect(exported.status == 0, "\(exported.standardError)")
            let files = try FileManager.default.contentsOfDirectory(atPath: directory.path + "/subject")
            #expect(files.contains { $0.hasSuffix(".json") } && files.contains { $0.hasSuffix(".html") })
            for file in files {
                #expect(
                    !(try String(contentsOfFile: directory.path + "/subject/" + file, encoding: .utf8)).contains("Jan"))
                // Decrypted personal data: owner-only from the start, whatever the umask.
                let attributes = try FileManager.default.attributesOfItem(atPath: directory.path + "/subject/" + file)
                let mode = attributes[.posixPermissions] as? Int
                #expect(mode == 0o600, "\(file)")
            }
        }
    }

    @Test("report writes one self-contained HTML page with the checkpoint, verification, counts and rule sets")
    func report() async throws {
        try await TemporaryDirectory.with { directory in
            let data = directory.path + "/data"
            let generated = try CLIRunner.generateSmallCentre(data)
            #expect(generated.status == 0, "\(generated.standardError)")
            #expect(try CLIRunner.run(["ledger", "checkpoint", "--data", data, "--sign"]).status == 0)
            let out = directory.path + "/report.html"
            let written = try CLIRunner.run([
                "audit", "report", "--data", data, "--from", "2025-01-01", "--to", "2025-04-01", "--out", out,
            ])
            #expect(written.status == 0, "\(written.standardError)")
            let html = try String(contentsOfFile: out, encoding: .utf8)
            let root = try #require(
                try json(try CLIRunner.run(["ledger", "verify", "--data", data, "--json"]))["root"]
                    as? String)
            #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains(root) && html.contains("POPRAWNY"))
            for section in [
                "według typu", "według roli", "Wydane decyzje", "Usunięcia", "Nieprawidłowości", "przepisów",
            ] {
                #expect(html.contains(section), "missing section \(section)")
            }
            #expect(html.contains("PersonRegistered") && html.contains("cus-act"))
            #expect(!html.contains("<script") && !html.contains("http://") && !html.contains("src="))
        }
    }
}
