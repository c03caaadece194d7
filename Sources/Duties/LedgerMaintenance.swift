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

    /// The file a backup's directory gets once its copy verified; only backups with it count as kept.
    public static let verifiedMarker = "VERIFIED"

    /// Nil when no backup directory is configured. A copy that fails or does not verify is removed at once.
    func backup(at now: Instant) throws(DutyError) -> String? {
        guard let backupDirectory else { return nil }
        let stamp = now.rfc3339.filter { $0.isNumber }.prefix(14)
        let target = "\(backupDirectory)/\(stamp)"
        do {
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            let report: VerificationReport
            do {
                report = try LedgerBackup.run(ledger, to: target)
                guard report.ok else {
                    throw DutyError.maintenance(
                        "backup in \(target) does not verify: \(report.problems.first?.detail ?? "")")
                }
                try Self.markVerified(target, report)
            } catch {
                try? FileManager.default.removeItem(atPath: target)
                throw error
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

    private static func markVerified(_ target: String, _ report: VerificationReport) throws {
        let marker = "\(target)/\(verifiedMarker)"
        try Data("verified \(report.size) events\n".utf8).write(to: URL(fileURLWithPath: marker))
        guard FileSync.file(marker) else { throw DutyError.maintenance("cannot fsync \(marker)") }
        FileSync.directory(target)
    }

    /// Keeps the newest `count` verified backups in `directory` (those with `verifiedMarker`) and removes every
    /// backup older than the oldest of them, verified or not (a copy a crash cut short, or one made before the
    /// marker was written); returns the removed paths. Nothing goes while fewer than `count` verified backups
    /// exist, so unverified copies never push a verified one out. Only directories named by a backup's 14-digit
    /// timestamp are touched; whatever else lies there stays.
    public static func pruneBackups(in directory: String, keeping count: Int) throws -> [String] {
        let stamps = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.count == 14 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
            .sorted()
        let verified = stamps.filter {
            FileManager.default.fileExists(atPath: "\(directory)/\($0)/\(verifiedMarker)")
        }
        guard verified.count >= max(1, count), let oldestKept = verified.suffix(max(1, count)).first else { return [] }
        let removed = stamps.filter { $0 < oldestKept }.map { "\(directory)/\($0)" }
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
