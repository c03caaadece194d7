import Commands
import Domain
import Duties
import Ledger
import Projections
import Prometheus
import Vault

/// The writer's group commits (through `Ledger.observeCommits`, so `Ledger` needs no metrics library), the
/// duties' passes and the keys env's online compactions, as Prometheus series.
extension HTTPMetrics {
    static let batchRequestBuckets: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1_024]
    static let commitBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .seconds(1),
    ]

    /// One batch of the ledger writer: committed or refused, its requests, the events it made durable, and its time.
    func record(_ commit: CommitReport) {
        let outcome = commit.committed ? "committed" : "refused"
        counter("cusledger_ledger_transactions", "Write transactions of the ledger writer by outcome")
            .labelled([("outcome", outcome)]).increment()
        guard commit.committed else { return }
        counter("cusledger_ledger_events_appended", "Events made durable by the ledger writer")
            .labelled([]).increment(by: Int64(commit.eventsAppended))
        counter(
            "cusledger_ledger_clock_regressions",
            "Committed batches whose recordedAt was earlier than the previous batch's (the clock ran backwards)"
        ).labelled([]).increment(by: Int64(commit.clockRegressions))
        if commit.requests > 0 {
            registry.makeValueHistogram(
                descriptor: MetricNameDescriptor(
                    metricName: "cusledger_ledger_commit_batch", unitName: "requests",
                    helpText: "Appends committed together in one group commit"),
                labels: [], buckets: Self.batchRequestBuckets
            ).record(Double(commit.requests))
        }
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                metricName: "cusledger_ledger_commit_duration", unitName: "seconds",
                helpText: "Write transaction time of a group commit, fsync included"),
            labels: [], buckets: Self.commitBuckets
        ).record(commit.duration)
    }

    /// One duty run of the server's scheduler.
    func record(_ run: DutyRunRecord) {
        let duty = [("duty", run.duty.rawValue)]
        counter("cusledger_duty_runs", "Duty runs by duty and outcome")
            .labelled(duty + [("outcome", run.outcome.rawValue)]).increment()
        if run.outcome == .failed {
            counter("cusledger_duty_failures", "Duty runs that failed").labelled(duty).increment()
        }
        counter("cusledger_duty_commands_appended", "Commands a duty issued that appended events")
            .labelled(duty).increment(by: Int64(run.commandsAppended))
        if run.outcome == .ok || run.outcome == .partial {
            registry.makeGauge(
                descriptor: MetricNameDescriptor(
                    metricName: "cusledger_duty_last_success", unitName: "timestamp_seconds",
                    helpText: "When the duty last finished without failing (Unix time)"),
                labels: duty
            ).set(Double(run.finishedAt.microsecondsSinceEpoch) / 1_000_000)
        }
    }

    /// One online compaction of the keys env (ledger.md §4.5).
    func record(_ compaction: KeysCompactionOutcome) {
        recordCompaction(
            of: "keys", failed: compaction.failure != nil, duration: compaction.duration,
            bytesAfter: compaction.report?.bytesAfter)
    }

    /// One compaction of the projections env after erasures (ledger.md §4.4).
    func record(_ compaction: ProjectionsCompactionOutcome) {
        recordCompaction(
            of: "projections", failed: compaction.failure != nil, duration: compaction.duration,
            bytesAfter: compaction.report?.bytesAfter)
    }

    /// `cusledger_<env>_compactions_total{outcome}`, `…_compaction_failures_total`, `…_compaction_last_duration`
    /// and `cusledger_<env>_env_file` (the size after the last compaction).
    private func recordCompaction(of env: String, failed: Bool, duration: Duration, bytesAfter: Int?) {
        counter("cusledger_\(env)_compactions", "Online compactions of the \(env) env by outcome")
            .labelled([("outcome", failed ? "failed" : "ok")]).increment()
        if failed {
            counter("cusledger_\(env)_compaction_failures", "Online compactions of the \(env) env that failed")
                .labelled([]).increment()
        }
        registry.makeGauge(
            descriptor: MetricNameDescriptor(
                metricName: "cusledger_\(env)_compaction_last_duration", unitName: "seconds",
                helpText: "Time of the last online compaction of the \(env) env, while other \(env)-env use waited")
        ).set(duration / .seconds(1))
        if let bytesAfter {
            registry.makeGauge(
                descriptor: MetricNameDescriptor(
                    metricName: "cusledger_\(env)_env_file", unitName: "bytes",
                    helpText: "Size of the \(env) env's data.mdb after the last online compaction")
            ).set(Double(bytesAfter))
        }
    }

    /// A counter `<name>_total`.
    private func counter(_ name: String, _ help: String) -> CounterFamily {
        CounterFamily(
            registry: registry, descriptor: MetricNameDescriptor(metricName: name, unitName: "total", helpText: help))
    }
}

/// A counter name with its help, labelled at the call.
private struct CounterFamily {
    let registry: PrometheusCollectorRegistry
    let descriptor: MetricNameDescriptor

    func labelled(_ labels: [(String, String)]) -> Counter {
        labels.isEmpty
            ? registry.makeCounter(descriptor: descriptor)
            : registry.makeCounter(descriptor: descriptor, labels: labels)
    }
}
