import Domain
import Foundation
public import Ledger
import LMDB

/// The ledger duties of ledger.md: a signed checkpoint when the tree grew (§3.3), a compacting, verified backup
/// (§2.6) into `backupDirectory/<timestamp>`, keeping the newest `backupsKept`, and `mdb_reader_check` (§2.4).
/// Each returns one line for the run record.
public struct LedgerMaintenance: Sendable {
    public let ledger: Ledger
    /// Where backups go; nil: the backup duty is skipped (and says so).
    public let backupDirectory: String?
    /// How many backups stay after a new one verified; older ones are removed, oldest first.
    public let backupsKept: Int

    public init(ledger: Ledger, backupDirectory: String?, backupsKept: Int = DutyConfiguration.defaults.backupsKept) {
        self.ledger = ledger
        self.backupDirectory = backupDirectory
        self.backupsKept = max(1, backupsKept)
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
            let removed = try Self.pruneBackups(in: backupDirectory, keeping: backupsKept)
            return "backed up \(report.size) events to \(target)/ledger, verified"
                + (removed.isEmpty ? "" : "; removed \(removed.count) older backup(s)")
        } catch let error as DutyError {
            throw error
        } catch {
            throw .maintenance("backup to \(target): \(error)")
        }
    }

    /// Removes the oldest backups in `directory` until `count` remain; returns the removed paths. Only
    /// directories named by a backup's 14-digit timestamp are touched, whatever else lies there stays.
    public static func pruneBackups(in directory: String, keeping count: Int) throws -> [String] {
        let stamps = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.count == 14 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
            .sorted()
        let removed = stamps.dropLast(max(1, count)).map { "\(directory)/\($0)" }
        for path in removed { try FileManager.default.removeItem(atPath: path) }
        return removed
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
