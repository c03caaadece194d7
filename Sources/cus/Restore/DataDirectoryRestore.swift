import Commands
import Foundation
import Ledger
import Projections
import Vault

/// ledger.md §4.5's restore order, into a staging directory: (1) copy and verify the ledger and compare it with
/// the trusted checkpoints; (2) restore the keys env; (3) replay every erasure receipt and erasure-list entry;
/// (4) compact the keys env; (5) rebuild the projections. Serving (6) is `cus serve`, after the rename.
struct DataDirectoryRestore {
    let sources: RestoreSources
    /// The staging directory, renamed to the target afterwards.
    let staging: String
    /// The key files of the target (resolved against the target's name, not the staging directory's).
    let masterKeyPath: String
    let lookupKeyPath: String

    func run(target: String) throws -> RestoreReport {
        let started = Date()
        let verified = try restoreLedger()
        let ledger: Ledger
        do { ledger = try Ledger(Ledger.Options(dataDirectory: staging, readOnly: true)) } catch {
            throw CommandFailure(error)
        }
        defer { ledger.close() }
        let trusted = try compareWithTrustedCheckpoints(ledger, size: verified.size)
        try restoreKeysEnvironment()
        let ledgerKeys = try checkKeysBelong(to: ledger)
        let replay = try replayErasures(ledger)
        do { try Vault.compactInPlace(vaultOptions(readOnly: false)) } catch { throw CommandFailure(error) }
        let rebuilt = try rebuildProjections(ledger, size: verified.size)
        return RestoreReport(
            data: target, ledgerBackup: sources.ledgerBackup, keysBackup: sources.keysBackup, events: verified.size,
            root: verified.root.hex, checkpointsVerified: verified.checkpointsVerified, trustedSize: trusted?.size,
            lostAcknowledgedEvents: trusted.map { $0.size > verified.size ? $0.size - verified.size : 0 } ?? 0,
            masterKeyEpoch: sources.keysManifest.masterKeyEpoch, keysRestored: sources.keysManifest.dataKeys,
            keysDestroyedByReplay: replay.destroyed, keysHeld: replay.held, receiptsReplayed: replay.receipts,
            erasureListEntries: replay.listEntries, ledgerKeys: ledgerKeys, projectionsRebuilt: rebuilt,
            seconds: Date().timeIntervalSince(started))
    }

    func vaultOptions(readOnly: Bool) -> VaultOptions {
        VaultOptions(
            dataDirectory: staging, masterKeyPath: masterKeyPath, lookupKeyPath: lookupKeyPath, readOnly: readOnly)
    }

    // MARK: - (1) the ledger

    /// A compacting copy of the backup's ledger into the staging directory, verified (ledger.md §2.6).
    private func restoreLedger() throws -> VerificationReport {
        let backup: Ledger
        do { backup = try Ledger(Ledger.Options(dataDirectory: sources.ledgerBackup, readOnly: true)) } catch {
            throw CommandFailure(error)
        }
        defer { backup.close() }
        let report: VerificationReport
        do { report = try LedgerBackup.run(backup, to: staging) } catch { throw CommandFailure(error) }
        guard report.ok else {
            throw CommandFailure(
                exitCode: 1,
                reason: "the ledger backup \(sources.ledgerBackup) does not verify (\(report.problemCount) problem(s), "
                    + "first at \(report.firstBadPosition.map(String.init) ?? "–"): "
                    + (report.problems.first?.detail ?? "") + ")")
        }
        return report
    }

    /// The largest trusted checkpoint; each one must be signed by the ledger's key and, where the restored ledger
    /// reaches its size, have the same root there (else the backup is of another history: refused).
    private func compareWithTrustedCheckpoints(_ ledger: Ledger, size: UInt64) throws -> Checkpoint? {
        guard !sources.trustedCheckpoints.isEmpty else { return nil }
        let verifier: NoteVerifier?
        do { verifier = try ledger.recordedVerifierKey().map { try NoteVerifier(verifierKey: $0) } } catch {
            throw CommandFailure(exitCode: 1, reason: "the restored ledger's verifier key does not parse: \(error)")
        }
        for trusted in sources.trustedCheckpoints {
            let checkpoint = trusted.checkpoint
            if let verifier {
                do { try trusted.verify(with: verifier) } catch {
                    throw CommandFailure(
                        exitCode: 1,
                        reason: "the trusted checkpoint at size \(checkpoint.size) is not signed by this ledger's key")
                }
            }
            guard checkpoint.size <= size else { continue }
            let root: MerkleHash
            do { root = try ledger.root(atSize: checkpoint.size) } catch { throw CommandFailure(error) }
            guard root == checkpoint.root else {
                throw CommandFailure(
                    exitCode: 1,
                    reason:
                        "the ledger backup's root at size \(checkpoint.size) differs from the trusted checkpoint's: "
                        + "it is not the history the auditor trusts")
            }
        }
        return sources.trustedCheckpoints.map(\.checkpoint).max { $0.size < $1.size }
    }

    // MARK: - (2) the keys env

    /// The keys backup's env and erasure list, then the other erasure lists merged in; opening it checks the key
    /// files (a wrong master key or lookup key is refused here).
    private func restoreKeysEnvironment() throws {
        let options = vaultOptions(readOnly: false)
        let manager = FileManager.default
        do {
            try manager.createDirectory(
                atPath: options.keysEnvironmentPath, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
            try manager.copyItem(
                atPath: sources.keysBackup + "/data.mdb", toPath: options.keysEnvironmentPath + "/data.mdb")
            if manager.fileExists(atPath: sources.keysBackup + "/erasures.log") {
                try manager.copyItem(atPath: sources.keysBackup + "/erasures.log", toPath: options.erasureListPath)
            }
        } catch {
            throw CommandFailure(exitCode: 74, reason: "cannot copy the keys backup: \(error.localizedDescription)")
        }
        let list = ErasureList(path: options.erasureListPath)
        do {
            for path in sources.erasureLists {
                for (position, entries) in Dictionary(grouping: try ErasureList(path: path).entries(), by: \.position) {
                    try list.append(position: position, keyIDs: entries.map(\.keyID).sorted())
                }
            }
            try Vault(options).close()
        } catch {
            throw Self.keyFileFailure(error, backup: sources.keysBackup) ?? CommandFailure(error)
        }
    }

    /// Exit 1 for key files that do not open the keys backup: the backup is another ledger's, or of another
    /// master-key epoch.
    private static func keyFileFailure(_ error: any Error, backup: String) -> CommandFailure? {
        guard let error = error as? VaultError else { return nil }
        switch error.code {
        case .masterKeyWrong, .masterKeyMissing, .lookupKeyWrong, .lookupKeyMissing:
            return CommandFailure(exitCode: 1, reason: "the keys backup \(backup) does not open: \(error.message)")
        default: return nil
        }
    }

    /// Checks that the keys env holds (or erased) every data key the ledger's sealed parts name, and returns how
    /// many there are. A keys backup older than some of them would leave those residents' personal data
    /// undecryptable, which reads as corruption everywhere (projections, reveals), so it is refused: the keys
    /// backup must be taken after the ledger backup. One that knows none of them is another ledger's.
    private func checkKeysBelong(to ledger: Ledger) throws -> Int {
        var keyIDs = Set<UUID128>()
        do {
            try ledger.scanEvents(from: Position(rawValue: 0)) { event in
                if let sealed = event.sealed { keyIDs.insert(sealed.keyID) }
            }
        } catch {
            throw CommandFailure(error)
        }
        var unknown = 0
        do {
            let vault = try Vault(vaultOptions(readOnly: true))
            defer { vault.close() }
            for keyID in keyIDs where try vault.state(of: keyID) == .unknown { unknown += 1 }
        } catch {
            throw CommandFailure(error)
        }
        guard unknown > 0 else { return keyIDs.count }
        let backup = sources.keysBackup
        guard unknown < keyIDs.count else {
            throw CommandFailure(
                exitCode: 1,
                reason: "the keys backup \(backup) holds none of the \(keyIDs.count) data keys of this ledger: it "
                    + "belongs to another ledger")
        }
        throw CommandFailure(
            exitCode: 1,
            reason: "the keys backup \(backup) lacks \(unknown) of the \(keyIDs.count) data keys of this ledger (made "
                + "after it was taken): their personal data would not open; use a keys backup taken after the "
                + "ledger backup")
    }

    // MARK: - (3) the erasures

    private struct Replay {
        var receipts: Int
        var listEntries: Int
        var destroyed: Int
        var held: Int
    }

    /// Every `PersonalDataErased` receipt of the ledger and every erasure-list entry destroys its keys again.
    private func replayErasures(_ ledger: Ledger) throws -> Replay {
        do {
            let vault = try Vault(vaultOptions(readOnly: false))
            defer { vault.close() }
            let before = try vault.keyCounts()
            let list = ErasureList(path: vault.options.erasureListPath)
            let report = try PersonalDataErasure.reapplyAll(store: ledger, vault: vault, erasureList: list)
            let after = try vault.keyCounts()
            return Replay(
                receipts: report.receipts, listEntries: try list.entries().count,
                destroyed: before.dataKeys - after.dataKeys, held: after.dataKeys)
        } catch {
            throw CommandFailure(error)
        }
    }

    // MARK: - (5) the projections

    /// Every projection built from position 0 into a new projections env, in one scan of the ledger.
    private func rebuildProjections(_ ledger: Ledger, size: UInt64) throws -> [String] {
        do {
            let vault = try Vault(vaultOptions(readOnly: true))
            defer { vault.close() }
            let projections = ProjectionCatalogue.all(
                attributes: StatisticalAttributeSource(ledger: ledger, vault: vault))
            let store = try ProjectionsStore(directory: staging + "/projections")
            defer { store.close() }
            _ = try ProjectionBuild.all(projections, ledger: ledger, store: store, size: size, progress: { _ in })
            return projections.map { type(of: $0).name }
        } catch {
            throw CommandFailure(error)
        }
    }
}
