import ArgumentParser
import Foundation
import Ledger

/// `cus ledger checkpoint [--sign]`: the newest signed checkpoint, or sign one now.
struct CheckpointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint", abstract: "Print the newest signed checkpoint, or sign one now with --sign.")

    @OptionGroup var store: StoreOptions
    @Flag(help: "Sign a checkpoint of the current tree first (takes the writer lock).") var sign = false

    func run() async throws {
        try await reportingFailures {
            let ledger = try store.openLedger(readOnly: !sign, purpose: "cus ledger checkpoint --sign")
            defer { ledger.close() }
            if sign { try await ledger.signCheckpoint() }
            guard let checkpoint = try ledger.newestCheckpoint() else {
                throw CommandFailure(exitCode: 1, reason: "the ledger has no signed checkpoint yet")
            }
            print(checkpoint.text, terminator: "")
        }
    }
}

/// `cus ledger public-key`: the checkpoint verifier key in vkey form.
struct PublicKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "public-key", abstract: "Print the checkpoint verifier key (vkey form).")

    @OptionGroup var store: StoreOptions

    func run() async throws {
        try await reportingFailures {
            let ledger = try store.openLedger(readOnly: true, purpose: "cus ledger public-key")
            defer { ledger.close() }
            guard let key = try ledger.recordedVerifierKey() else {
                throw CommandFailure(exitCode: 1, reason: "the ledger has no signing key yet; open it for writing once")
            }
            print(key)
        }
    }
}

/// `cus ledger verify-checkpoint FILE --public-key VKEY`: checks a checkpoint's form and signature offline.
struct VerifyCheckpointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-checkpoint", abstract: "Check a signed checkpoint file against a verifier key.")

    @Argument(help: "A checkpoint (signed note) file.") var file: String
    @Option(help: "The verifier key: vkey text or @FILE.") var publicKey: String
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await reportingFailures {
            let verifier = try VerifierKeyArgument.parse(publicKey)
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw CommandFailure(exitCode: 66, reason: "cannot read \(file)")
            }
            do {
                let checkpoint = try SignedCheckpoint(text: text)
                try checkpoint.verify(with: verifier)
                if output.json {
                    print(
                        JSONText.object([
                            ("ok", .bool(true)), ("origin", .string(checkpoint.checkpoint.origin)),
                            ("size", .number(checkpoint.checkpoint.size)),
                            ("root", .string(checkpoint.checkpoint.root.hex)),
                        ]).text)
                } else {
                    print(
                        "OK: \(checkpoint.checkpoint.origin) size \(checkpoint.checkpoint.size) root \(checkpoint.checkpoint.root.hex)"
                    )
                }
            } catch {
                throw CommandFailure(exitCode: 1, reason: "\(file): \(error)")
            }
        }
    }
}

/// `cus ledger cosigned FILE`: stores a witness's cosignature lines with the checkpoint of the same size, so
/// `cus ledger verify --witness-key` reports them.
struct CosignedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cosigned", abstract: "Store a witness-cosigned checkpoint's cosignature lines in the ledger.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "The cosigned checkpoint (from cus audit witness).") var file: String
    @Option(help: "Store it only if this witness key (vkey or @FILE) cosigned it.") var witnessKey: String

    func run() async throws {
        try await reportingFailures {
            let witness = try WitnessKeyArgument.parse(witnessKey)
            let cosigned = try AuditFiles.checkpoint(file)
            do { try witness.verify(cosigned) } catch { throw CommandFailure(exitCode: 1, reason: "\(file): \(error)") }
            let ledger = try store.openLedger(readOnly: false, purpose: "cus ledger cosigned")
            defer { ledger.close() }
            try await ledger.addCosignatures(cosigned)
            print("stored the cosignature of \(witness.name) on size \(cosigned.checkpoint.size)")
        }
    }
}
