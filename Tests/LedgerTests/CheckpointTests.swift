import Foundation
import Ledger
import LedgerTesting
import Testing

@Suite("Signed checkpoints (ledger.md §3.3)")
struct CheckpointTests {
    @Test("The writer signs every N events and when it closes; signatures verify with the published key")
    func cadenceAndClose() async throws {
        try await TemporaryDirectory.with { directory in
            let options = Ledger.Options(
                dataDirectory: directory.path + "/data", initialMapSizeBytes: 64 << 20, checkpointEveryEvents: 100)
            let ledger = try Ledger(options)
            for _ in 0..<5 {
                _ = try await ledger.append(
                    to: Fixtures.stream(), expectedVersion: .noStream, events: Fixtures.events(45))
            }
            ledger.close()
            let reader = try Ledger(Ledger.Options(dataDirectory: options.dataDirectory, readOnly: true))
            defer { reader.close() }
            let sizes = try reader.checkpoints().map(\.checkpoint.size)
            #expect(sizes == [45, 180, 225], "first append, then ≥ 100 more, then on close")
            let verifier = try NoteVerifier(verifierKey: try #require(try reader.recordedVerifierKey()))
            for checkpoint in try reader.checkpoints() {
                try checkpoint.verify(with: verifier)
                #expect(try reader.root(atSize: checkpoint.checkpoint.size) == checkpoint.checkpoint.root)
            }
            let mode = try FileManager.default.attributesOfItem(atPath: options.resolvedSigningKeyPath)[
                .posixPermissions]
            #expect(mode as? Int == 0o400)
            #expect(options.resolvedSigningKeyPath == directory.path + "/data.keys/signing.key")
        }
    }

    @Test("Once a checkpoint exists, a missing signing key is a start-up error, never a new key")
    func missingKeyIsRefused() async throws {
        try await TemporaryDirectory.with { directory in
            let options = Ledger.Options(dataDirectory: directory.path + "/data", initialMapSizeBytes: 64 << 20)
            let ledger = try Ledger(options)
            _ = try await ledger.append(to: Fixtures.stream(), expectedVersion: .noStream, events: Fixtures.events(3))
            ledger.close()
            try FileManager.default.removeItem(atPath: options.resolvedSigningKeyPath)
            #expect { _ = try Ledger(options) } throws: { ($0 as? LedgerError)?.message.contains("missing") == true }
            #expect(!FileManager.default.fileExists(atPath: options.resolvedSigningKeyPath))
            var other = options
            other.signingKeyPath = directory.path + "/other.key"
            try SigningKeyFileFixture.write(
                try NoteSigner.generate(name: "cusledger.local/ledger/v1"), to: other.signingKeyPath ?? "")
            #expect { _ = try Ledger(other) } throws: {
                ($0 as? LedgerError)?.message.contains("not the ledger's key") == true
            }
        }
    }

    @Test("A ledger written without checkpoints gets its first one when opened for writing")
    func firstCheckpointOnOpen() async throws {
        try await TemporaryDirectory.with { directory in
            var options = Ledger.Options(dataDirectory: directory.path + "/data", initialMapSizeBytes: 64 << 20)
            options.checkpointEveryEvents = .max
            options.checkpointIntervalSeconds = .infinity
            let ledger = try Ledger(options)
            _ = try await ledger.append(to: Fixtures.stream(), expectedVersion: .noStream, events: Fixtures.events(3))
            try await Task.sleep(for: .milliseconds(200))
            #expect(try ledger.newestCheckpoint()?.checkpoint.size == 3, "no checkpoint yet: the first is due at once")
            ledger.close()
        }
    }

    @Test("Checkpoint notes round-trip and malformed ones are refused")
    func noteParsing() throws {
        let signer = try NoteSigner(name: "cusledger.test/ledger/v1", seed: Array(repeating: 7, count: 32))
        let signed = try SignedCheckpoint.sign(
            Checkpoint(origin: "cusledger.test/ledger/v1", size: 42, root: RFC6962.emptyRoot), with: signer)
        let parsed = try SignedCheckpoint(text: signed.text)
        #expect(parsed == signed)
        try parsed.verify(with: try NoteVerifier(verifierKey: signer.verifierKey))
        #expect(try NoteSigner(text: signer.text).verifierKey == signer.verifierKey)
        for bad in [
            signed.text.replacingOccurrences(of: "\n42\n", with: "\n042\n"),
            signed.text.replacingOccurrences(of: "\n\n", with: "\n"),
            String(signed.text.dropLast()),
            signed.text.replacingOccurrences(of: "\u{2014} ", with: "- "),
        ] {
            #expect(throws: CheckpointError.self) { try SignedCheckpoint(text: bad) }
        }
        let tampered = try SignedCheckpoint(text: signed.text.replacingOccurrences(of: "\n42\n", with: "\n43\n"))
        #expect(throws: CheckpointError.self) {
            try tampered.verify(with: try NoteVerifier(verifierKey: signer.verifierKey))
        }
    }
}

enum SigningKeyFileFixture {
    static func write(_ signer: NoteSigner, to path: String) throws {
        try (signer.text + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }
}
