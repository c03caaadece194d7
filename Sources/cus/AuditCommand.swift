import ArgumentParser
import Foundation
import Ledger

#if canImport(Glibc)
    import Glibc
#endif

/// `cus audit …`: the auditor's toolkit (issue #11). Exit codes: 0 verified, 1 a check failed (the reason names
/// the line, position or checkpoint), 64 bad arguments, 66 an input file cannot be read.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Auditor tools: proofs, offline export verification, trusted checkpoints, witnesses, timelines.",
        subcommands: [
            AuditProofCommand.self, AuditConsistencyCommand.self, AuditVerifyExportCommand.self,
            AuditTrustCommand.self, AuditWitnessCommand.self, AuditWitnessKeyCommand.self,
            AuditTimelineCommand.self, AuditAccessCommand.self, AuditReportCommand.self,
            AuditSubjectExportCommand.self,
        ])
}

/// Reading the auditor's input files with the CLI's exit codes.
enum AuditFiles {
    static func bytes(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure(exitCode: 66, reason: "cannot read \(path)")
        }
        return Array(data)
    }

    static func checkpoint(_ path: String) throws -> SignedCheckpoint {
        do {
            return try SignedCheckpoint(text: String(decoding: try bytes(path), as: UTF8.self))
        } catch let error as CheckpointError {
            throw CommandFailure(exitCode: 64, reason: "\(path): \(error)")
        }
    }

    /// A checkpoint file whose signature by the `publicKey` argument (vkey or @FILE) verifies; exit 1 if not.
    static func signedCheckpoint(_ path: String, publicKey: String) throws -> SignedCheckpoint {
        let verifier = try VerifierKeyArgument.parse(publicKey)
        let signed = try checkpoint(path)
        do { try signed.verify(with: verifier) } catch {
            throw CommandFailure(exitCode: 1, reason: "\(path): \(error)")
        }
        return signed
    }

    /// Writes `text` to `path` through a temporary file and a rename, so a reader never sees half of it. The
    /// file is owner-only from its creation on (a subject export holds decrypted personal data): share it on
    /// purpose, with `chmod`, not by the umask's default.
    static func write(_ text: String, to path: String) throws {
        let staging = path + ".partial-\(getpid())"
        let failure = {
            CommandFailure(exitCode: 73, reason: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        unlink(staging)
        let descriptor = open(staging, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure() }
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let count = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                close(descriptor)
                unlink(staging)
                throw failure()
            }
            bytes = bytes.dropFirst(count)
        }
        let synced = fsync(descriptor) == 0
        guard close(descriptor) == 0, synced else {
            unlink(staging)
            throw failure()
        }
        guard rename(staging, path) == 0 else {
            unlink(staging)
            throw CommandFailure(exitCode: 73, reason: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}

/// `cus audit proof --position N [--checkpoint FILE]`: an inclusion proof as JSON.
struct AuditProofCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proof",
        abstract: "Print the inclusion proof of one event (Schemas/audit-inclusion-proof.schema.json).")

    @OptionGroup var store: StoreOptions
    @Option(help: "The event's position.") var position: UInt64
    @Option(help: "Prove against this signed checkpoint (default: the newest one holding the position).")
    var checkpoint: String?
    @Option(help: "Also check the checkpoint's signature with this verifier key (vkey or @FILE).")
    var publicKey: String?

    func run() async throws {
        try await reportingFailures {
            let verifier = try publicKey.map(VerifierKeyArgument.parse)
            let given = try checkpoint.map(AuditFiles.checkpoint)
            let ledger = try store.openLedger(readOnly: true, purpose: "cus audit proof")
            defer { ledger.close() }
            guard let signed = try given ?? ledger.checkpoints().first(where: { $0.checkpoint.size > position })
            else {
                throw CommandFailure(
                    exitCode: 1, reason: "no signed checkpoint covers position \(position) yet; sign one first")
            }
            let size = signed.checkpoint.size
            let proof = try ledger.inclusionProof(position: Position(position), treeSize: size)
            let record = try ledger.recordBytes(at: Position(position))
            let document = InclusionProofDocument(
                proof: proof, record: record, root: try ledger.root(atSize: size), checkpoint: signed)
            do { try document.verify(verifier: verifier) } catch {
                throw CommandFailure(exitCode: 1, reason: "\(error)")
            }
            print(document.json)
        }
    }
}

/// `cus audit consistency --old FILE --new FILE`: a consistency proof between two checkpoints as JSON.
struct AuditConsistencyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consistency",
        abstract: "Print the consistency proof between two checkpoints (Schemas/audit-consistency-proof.schema.json).")

    @OptionGroup var store: StoreOptions
    @Option(help: "The older signed checkpoint file.") var old: String
    @Option(help: "The newer signed checkpoint file.") var new: String
    @Option(help: "Also check both signatures with this verifier key (vkey or @FILE).") var publicKey: String?

    func run() async throws {
        try await reportingFailures {
            let verifier = try publicKey.map(VerifierKeyArgument.parse)
            let oldCheckpoint = try AuditFiles.checkpoint(old)
            let newCheckpoint = try AuditFiles.checkpoint(new)
            let ledger = try store.openLedger(readOnly: true, purpose: "cus audit consistency")
            defer { ledger.close() }
            let proof = try ledger.consistencyProof(
                oldSize: oldCheckpoint.checkpoint.size, newSize: newCheckpoint.checkpoint.size)
            let document = ConsistencyProofDocument(
                proof: proof, oldRoot: try ledger.root(atSize: proof.oldSize),
                newRoot: try ledger.root(atSize: proof.newSize), oldCheckpoint: oldCheckpoint,
                newCheckpoint: newCheckpoint)
            do { try document.verify(verifier: verifier) } catch {
                throw CommandFailure(exitCode: 1, reason: "\(error)")
            }
            print(document.json)
        }
    }
}
