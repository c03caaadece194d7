import ArgumentParser
import Foundation
import Ledger

#if canImport(Glibc)
    import Glibc
#endif

/// Where a consistency proof from the trusted checkpoint to a new one comes from: a `cus audit consistency`
/// file, or the ledger of `--data`.
struct ProofSourceOptions: ParsableArguments {
    @Option(help: "A consistency proof file (cus audit consistency) from the trusted checkpoint to this one.")
    var proof: String?
    @Option(help: "Or compute the consistency proof from this data directory's ledger.") var data: String?

    func proof(from old: Checkpoint, to new: Checkpoint) throws -> ConsistencyProof? {
        guard new.size > old.size else { return nil }
        if let proof {
            let document: ConsistencyProofDocument
            do { document = try ConsistencyProofDocument(json: try AuditFiles.bytes(proof)) } catch let error
                as ProofDocumentError
            {
                throw CommandFailure(exitCode: 64, reason: "\(proof): \(error)")
            }
            return document.proof
        }
        guard let data else { return nil }
        let ledger: Ledger
        do { ledger = try Ledger(Ledger.Options(dataDirectory: data, readOnly: true)) } catch {
            throw CommandFailure(error)
        }
        defer { ledger.close() }
        return try ledger.consistencyProof(oldSize: old.size, newSize: new.size)
    }
}

/// A local file holding one signed checkpoint: the auditor's last trusted one, or a witness's last cosigned one.
struct CheckpointStateFile {
    let path: String

    func read() throws -> SignedCheckpoint? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            return try SignedCheckpoint(text: String(decoding: try AuditFiles.bytes(path), as: UTF8.self))
        } catch let error as CheckpointError {
            throw CommandFailure(exitCode: 1, reason: "the state file \(path) is damaged: \(error)")
        }
    }

    /// Checks that `new` may follow the state's checkpoint (or is the first), then returns the previous one.
    func admit(_ new: SignedCheckpoint, proofs: ProofSourceOptions) throws -> SignedCheckpoint? {
        guard let old = try read() else { return nil }
        do {
            try CheckpointSuccession.check(
                old: old.checkpoint, new: new.checkpoint,
                proof: try proofs.proof(from: old.checkpoint, to: new.checkpoint))
        } catch let error as CheckpointError {
            throw CommandFailure(
                exitCode: 1, reason: "refused: \(error); \(path) still holds size \(old.checkpoint.size)")
        }
        return old
    }

    func write(_ checkpoint: SignedCheckpoint) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        try AuditFiles.write(checkpoint.text, to: path)
    }

    static func defaultPath(_ name: String) -> String {
        (ProcessInfo.processInfo.environment["HOME"] ?? ".") + "/.cusledger/" + name
    }
}

/// `cus audit trust --checkpoint FILE --public-key VKEY`: advance the auditor's trusted checkpoint.
struct AuditTrustCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust",
        abstract: "Trust a signed checkpoint if it extends the last trusted one; refuses rollbacks and forks.")

    @Option(help: "The new signed checkpoint file.") var checkpoint: String
    @Option(help: "The ledger's verifier key: vkey text or @FILE.") var publicKey: String
    @Option(help: "The auditor's state file (default: ~/.cusledger/trusted-checkpoint).") var state: String?
    @OptionGroup var proofs: ProofSourceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await reportingFailures {
            let new = try AuditFiles.signedCheckpoint(checkpoint, publicKey: publicKey)
            let file = CheckpointStateFile(path: state ?? CheckpointStateFile.defaultPath("trusted-checkpoint"))
            let old = try file.admit(new, proofs: proofs)
            try file.write(new)
            let previous = old.map { "size \($0.checkpoint.size)" } ?? "none (first use)"
            if output.json {
                print(
                    JSONText.object([
                        ("trusted", .bool(true)), ("previousSize", old.map { .number($0.checkpoint.size) } ?? .null),
                        ("size", .number(new.checkpoint.size)), ("root", .string(new.checkpoint.root.hex)),
                        ("state", .string(file.path)),
                    ]).text)
            } else {
                print("trusted size \(new.checkpoint.size) root \(new.checkpoint.root.hex); previously \(previous)")
            }
        }
    }
}

/// `cus audit witness --checkpoint FILE --witness-key KEY`: cosign a checkpoint consistent with the last one.
struct AuditWitnessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "witness",
        abstract: "Cosign a checkpoint (C2SP cosignature/v1) if it extends the witness's last cosigned one.")

    @Option(help: "The signed checkpoint file to cosign.") var checkpoint: String
    @Option(help: "The witness's private key file (cus audit witness-key).") var witnessKey: String
    @Option(help: "The ledger's verifier key: vkey text or @FILE.") var publicKey: String
    @Option(help: "The witness's state file (default: KEY.state).") var state: String?
    @Option(help: "Write the cosigned checkpoint here (default: stdout).") var out: String?
    @OptionGroup var proofs: ProofSourceOptions

    func run() async throws {
        try await reportingFailures {
            let signer: WitnessSigner
            do {
                signer = try WitnessSigner(text: String(decoding: try AuditFiles.bytes(witnessKey), as: UTF8.self))
            } catch let error as CheckpointError {
                throw CommandFailure(exitCode: 64, reason: "\(witnessKey): \(error)")
            }
            let new = try AuditFiles.signedCheckpoint(checkpoint, publicKey: publicKey)
            let file = CheckpointStateFile(path: state ?? witnessKey + ".state")
            _ = try file.admit(new, proofs: proofs)
            let cosigned = try signer.cosign(new, time: UInt64(max(0, time(nil))))
            try file.write(cosigned)
            if let out { try AuditFiles.write(cosigned.text, to: out) } else { print(cosigned.text, terminator: "") }
        }
    }
}

/// `cus audit witness-key --name NAME --out FILE`: a new witness key; prints its verifier key.
struct AuditWitnessKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "witness-key", abstract: "Create a witness's cosignature/v1 key file; print its verifier key.")

    @Option(help: "The witness's name, e.g. archiwum.gmina.gov.pl.") var name: String
    @Option(help: "The new private key file (created with mode 0400, never overwritten).") var out: String

    func run() async throws {
        try await reportingFailures {
            let signer: WitnessSigner
            do { signer = try WitnessSigner.generate(name: name) } catch {
                throw CommandFailure(exitCode: 64, reason: "\(error)")
            }
            let descriptor = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o400)
            guard descriptor >= 0 else {
                throw CommandFailure(exitCode: 73, reason: "cannot create \(out): \(String(cString: strerror(errno)))")
            }
            defer { close(descriptor) }
            let text = signer.text + "\n"
            let written = text.withCString { Glibc.write(descriptor, $0, strlen($0)) }
            guard written == text.utf8.count, fsync(descriptor) == 0 else {
                throw CommandFailure(exitCode: 74, reason: "cannot write \(out)")
            }
            print(signer.verifierKey)
        }
    }
}
