public import Domain
import Foundation
public import Ledger
import LMDB

/// The ledger duties of ledger.md: a signed checkpoint when the tree grew (§3.3), a compacting, verified backup
/// (§2.6) into `backupDirectory/<timestamp>`, and `mdb_reader_check` (§2.4). Each returns one line for the run
/// record.
public struct LedgerMaintenance: Sendable {
    public let ledger: Ledger
    /// Where backups go; nil: the backup duty is skipped (and says so).
    public let backupDirectory: String?

    public init(ledger: Ledger, backupDirectory: String?) {
        self.ledger = ledger
        self.backupDirectory = backupDirectory
    }

    func checkpoint() async throws(DutyError) -> String {
        do {
            let before = try ledger.newestCheckpoint()?.checkpoint.size
            try await ledger.signCheckpoint()
            let after = try ledger.newestCheckpoint()?.checkpoint.size
            guard let after else { return "no checkpoint: the ledger is empty or cannot sign" }
            return after == before ? "tree unchanged at size \(after); no new checkpoint" : "signed at size \(after)"
        } catch {
            throw .maintenance("checkpoint: \(error)")
        }
    }

    /// Nil when no backup directory is configured.
    func backup(at now: Instant) throws(DutyError) -> String? {
        guard let backupDirectory else { return nil }
        let stamp = now.rfc3339.filter { $0.isNumber }.prefix(14)
        let target = "\(backupDirectory)/\(stamp)"
        do {
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            let report = try LedgerBackup.run(ledger, to: target)
            guard report.ok else {
                throw DutyError.maintenance(
                    "backup in \(target) does not verify: \(report.problems.first?.detail ?? "")")
            }
            return "backed up \(report.size) events to \(target)/ledger, verified"
        } catch let error as DutyError {
            throw error
        } catch {
            throw .maintenance("backup to \(target): \(error)")
        }
    }

    func readerCheck() throws(DutyError) -> String {
        do {
            let cleared = try ledger.environment.clearStaleReaders()
            return "\(cleared) stale reader slot(s) cleared"
        } catch {
            throw .maintenance("reader check: \(error)")
        }
    }
}
