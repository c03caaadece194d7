public import Commands
import Logging
public import Projections
import Vault

/// The log line of one online compaction of the keys env.
enum KeysCompactionLog {
    static func write(_ outcome: KeysCompactionOutcome, _ logger: Logger) {
        if let failure = outcome.failure {
            logger.error("keys env compaction failed after \(outcome.duration): \(failure)")
        } else if let report = outcome.report {
            let sizes = "data.mdb \(report.bytesBefore) → \(report.bytesAfter) bytes"
            logger.info("keys env compacted in \(outcome.duration): \(report.dataKeys) data keys, \(sizes)")
        }
    }
}

/// The projections env's compaction after erasures (ledger.md §4.4).
public typealias ProjectionsCompactionScheduler = CompactionScheduler<ProjectionsCompactionOutcome>
public typealias ProjectionsCompactionOutcome = CompactionOutcome<ProjectionsStore.CompactionReport, ProjectionError>

/// The log line of one compaction of the projections env.
enum ProjectionsCompactionLog {
    static func write(_ outcome: ProjectionsCompactionOutcome, _ logger: Logger) {
        if let failure = outcome.failure {
            logger.warning("projections env compaction failed after \(outcome.duration): \(failure)")
        } else if let report = outcome.report {
            logger.info(
                "projections env compacted in \(outcome.duration): data.mdb \(report.bytesBefore) → \(report.bytesAfter) bytes"
            )
        }
    }
}
