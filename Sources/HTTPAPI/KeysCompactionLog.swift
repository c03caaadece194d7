import Commands
import Logging
import Vault

/// The log line of one online compaction of the keys env.
enum KeysCompactionLog {
    static func write(_ outcome: KeysCompactionScheduler.Outcome, _ logger: Logger) {
        if let failure = outcome.failure {
            logger.error("keys env compaction failed after \(outcome.duration): \(failure)")
        } else if let report = outcome.report {
            let sizes = "data.mdb \(report.bytesBefore) → \(report.bytesAfter) bytes"
            logger.info("keys env compacted in \(outcome.duration): \(report.dataKeys) data keys, \(sizes)")
        }
    }
}
