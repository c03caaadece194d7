import ArgumentParser
import Foundation
import Ledger
import Vault

/// `cus restore --from L --keys-from K --force`: a data directory rebuilt from a ledger backup and a keys backup
/// in ledger.md §4.5's order, so that no erased person's key comes back.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a data directory from a ledger backup and a keys backup (ledger.md §4.5), replaying every "
            + "erasure so no destroyed key returns.",
        discussion: """
            Order: copy and verify the ledger, compare it with the trusted checkpoints (a shortfall is reported as \
            lost acknowledged events), restore the keys env, replay every erasure receipt of the ledger and every \
            erasure-list entry, compact the keys env, rebuild the projections. Everything is built in \
            .NAME.restoring beside the target and renamed into place; then start `cus serve`. API tokens, duty \
            records and published metrics are not in either backup and start empty.
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var keys: KeyFileOptions
    @Option(help: "The ledger backup: the directory `cus ledger backup --to` wrote (it holds ledger/).")
    var from: String
    @Option(help: "A keys backup (keys-<time>/) or the keys backups directory (its newest backup is used).")
    var keysFrom: String
    @Option(help: "Another erasure list to replay, e.g. the one kept with the exports (repeatable).")
    var erasureList: [String] = []
    @Option(help: "A trusted or witnessed checkpoint file (cus audit trust / witness state) to compare (repeatable).")
    var trustedCheckpoint: [String] = []
    @Flag(help: "Replace a non-empty data directory.") var force = false
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await reportingFailures {
            // A backup with a damaged page can fault inside liblmdb while it is copied and verified.
            DamagedFileFaults.reportAsNotOK()
            let target = RestoreTarget(data: store.data)
            var sources = try RestoreSources(
                ledgerBackup: from, keysBackup: keysFrom, erasureLists: erasureList,
                trustedCheckpoints: trustedCheckpoint)
            // Key files beside the data directory as the server names it (`--data`), a symbolic link or not.
            let options = keys.vaultOptions(dataDirectory: store.data, readOnly: false)
            for path in sources.paths + [options.resolvedMasterKeyPath, options.resolvedLookupKeyPath]
            where target.contains(path) {
                throw CommandFailure(
                    exitCode: 64, reason: "\(path) lies inside \(target.data), which the restore replaces")
            }
            let (targetLock, created) = try target.admit(force: force)
            defer { targetLock.release() }
            let report: RestoreReport
            do {
                // Keys erased since the keys backup are listed only here (and in the exports): without it, their
                // keys would come back with the backup.
                if FileManager.default.fileExists(atPath: options.erasureListPath) {
                    try sources.replaying(options.erasureListPath)
                }
                let stagingLock = try target.prepareStaging()
                defer { stagingLock.release() }
                do {
                    report = try DataDirectoryRestore(
                        sources: sources, staging: target.staging, masterKeyPath: options.resolvedMasterKeyPath,
                        lookupKeyPath: options.resolvedLookupKeyPath
                    ).run(target: target.data)
                    try target.commit()
                } catch {
                    target.discardStaging()
                    throw error
                }
            } catch {
                // A target `admit` made goes again, whatever failed after it, so a rerun finds it as it was.
                if created { target.removeCreated() }
                throw error
            }
            try print(report)
        }
    }

    private func print(_ report: RestoreReport) throws {
        if report.trustedSize == nil {
            var standardError = StandardError()
            Swift.print(
                "cus: warning: no --trusted-checkpoint given: the backup was compared with its own checkpoints only, "
                    + "so events acknowledged after it cannot be counted (ledger.md §2.6)", to: &standardError)
        }
        if output.json { return try OutputOptions.printJSON(report) }
        Swift.print(
            "restored \(report.events) events into \(report.data), root \(report.root) "
                + "(verified, \(report.checkpointsVerified) checkpoint(s))")
        if let trusted = report.trustedSize {
            Swift.print(
                report.lostAcknowledgedEvents > 0
                    ? "LOST: the trusted checkpoint has size \(trusted); \(report.lostAcknowledgedEvents) acknowledged "
                        + "events are not in the backup (recover them from the exports)"
                    : "the backup reaches the trusted checkpoint (size \(trusted)) and matches its root")
        }
        Swift.print(
            "keys: \(report.keysRestored) data keys restored from \(report.keysBackup) (epoch \(report.masterKeyEpoch)), "
                + "\(report.keysDestroyedByReplay) destroyed again by the replay of \(report.receiptsReplayed) receipts "
                + "and \(report.erasureListEntries) erasure-list entries; \(report.keysHeld) held, the ledger uses "
                + "\(report.ledgerKeys)")
        Swift.print(
            "projections rebuilt: \(report.projectionsRebuilt.joined(separator: ", ")); "
                + String(format: "%.1f s; ready for cus serve", report.seconds))
    }
}
