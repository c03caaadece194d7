import ArgumentParser
import Commands
import Ledger

/// `cus audit verify-export EXPORT.jsonl --checkpoint FILE --public-key VKEY [--also OLDER…]`: offline, with no
/// LMDB file, the export against a signed checkpoint and the consistency of each older checkpoint with it.
struct AuditVerifyExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-export",
        abstract: "Verify an export file offline against signed checkpoints; names the first bad line.")

    @Argument(help: "The export file (JSON Lines, from cus ledger export).") var file: String
    @Option(help: "The signed checkpoint (default: EXPORT.checkpoint).") var checkpoint: String?
    @Option(help: "The ledger's verifier key: vkey text or @FILE.") var publicKey: String
    @Option(help: "An older signed checkpoint that must be consistent with the export (repeatable).")
    var also: [String] = []
    @Option(help: "A witness's cosignature/v1 verifier key (vkey or @FILE) to report (repeatable).")
    var witnessKey: [String] = []
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await reportingFailures {
            let verifier = try VerifierKeyArgument.parse(publicKey)
            let witnesses = try witnessKey.map(WitnessKeyArgument.parse)
            let newest = try AuditFiles.checkpoint(checkpoint ?? file + ".checkpoint")
            let older = try also.map(AuditFiles.checkpoint)
            for (path, signed) in zip([checkpoint ?? file + ".checkpoint"] + also, [newest] + older) {
                do { try signed.verify(with: verifier) } catch {
                    throw CommandFailure(exitCode: 1, reason: "\(path): \(error)")
                }
                guard signed.checkpoint.size <= newest.checkpoint.size else {
                    throw CommandFailure(
                        exitCode: 1,
                        reason:
                            "\(path): size \(signed.checkpoint.size) is beyond the checkpoint's \(newest.checkpoint.size)"
                    )
                }
            }
            let summary: ExportVerifier.Summary
            do {
                summary = try ExportVerifier(path: file, payloadJSON: DomainPayloadJSON.renderer).verify(
                    against: [newest.checkpoint] + older.map(\.checkpoint))
            } catch {
                throw CommandFailure(exitCode: 1, reason: "\(file) \(error)")
            }
            let cosigners = newest.cosigners(among: witnesses)
            let unverified = newest.otherSignatureNames(verifiers: [verifier], witnesses: witnesses)
            if output.json {
                print(
                    JSONText.object([
                        ("ok", .bool(true)), ("lines", .number(summary.size)),
                        ("checkpointSize", .number(newest.checkpoint.size)),
                        ("root", .string(newest.checkpoint.root.hex)), ("signer", .string(verifier.name)),
                        ("olderCheckpointsConsistent", .array(older.map { .number($0.checkpoint.size) })),
                        ("cosigners", .array(cosigners.map(WitnessReport.json))),
                        ("unverifiedSignatures", .array(unverified.map(JSONText.string))),
                    ]).text)
            } else {
                print(
                    "OK: \(summary.size) lines; root at size \(newest.checkpoint.size) is \(newest.checkpoint.root.hex), "
                        + "signed by \(verifier.name)")
                for signed in older {
                    print("consistent with the older checkpoint of size \(signed.checkpoint.size)")
                }
                print(WitnessReport.line(cosigners: cosigners, unverified: unverified))
            }
        }
    }
}

/// A witness key argument: the cosignature/v1 vkey string itself, or `@FILE` holding it.
enum WitnessKeyArgument {
    static func parse(_ argument: String) throws -> WitnessVerifier {
        do {
            return try WitnessVerifier(verifierKey: try KeyArgumentText.read(argument, what: "witness key"))
        } catch let error as CheckpointError {
            throw ValidationError("\(error)")
        }
    }
}

/// Reports which witnesses cosigned a checkpoint.
enum WitnessReport {
    static func json(_ cosigner: (name: String, time: UInt64)) -> JSONText {
        .object([("witness", .string(cosigner.name)), ("time", .number(cosigner.time))])
    }

    static func line(cosigners: [(name: String, time: UInt64)], unverified: [String]) -> String {
        "cosigned by: "
            + (cosigners.isEmpty ? "–" : cosigners.map { "\($0.name) (time \($0.time))" }.joined(separator: ", "))
            + (unverified.isEmpty ? "" : "; unverified signature lines: " + unverified.joined(separator: ", "))
    }
}
