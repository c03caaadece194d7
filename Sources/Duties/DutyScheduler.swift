internal import Commands
public import Domain
import Foundation
public import Logging

/// The process manager (style.md §1 `Duties`): runs each duty when its schedule says, records the run, and issues
/// the policies' commands. Used by `cus ops run-due` (one pass) and by `cus serve` (`HTTPAPI.DutiesService`: one
/// `runDue()` per pass, in the server's service group, so a pass under way finishes on SIGTERM). Running a duty twice, or two schedulers at once, appends nothing twice: the
/// command ids come from (policy, subject, period), not from the run.
public final class DutyScheduler: Sendable {
    /// What the business duties need; nil in a process that only keeps the ledger (then they are `skipped`).
    public struct Business: Sendable {
        public let state: DutyStateReader
        public let issuer: DutyCommandIssuer
        public let ruleBook: RuleBook

        public init(state: DutyStateReader, issuer: DutyCommandIssuer, ruleBook: RuleBook) {
            self.state = state
            self.issuer = issuer
            self.ruleBook = ruleBook
        }
    }

    public let configuration: DutyConfiguration
    public let clock: any DutyClock
    public let runs: DutyRunStore
    let business: Business?
    let maintenance: LedgerMaintenance?
    let logger: Logger

    public init(
        configuration: DutyConfiguration, clock: any DutyClock, runs: DutyRunStore, business: Business?,
        maintenance: LedgerMaintenance?, logger: Logger = Logger(label: "cusledger.duties")
    ) {
        self.configuration = configuration
        self.clock = clock
        self.runs = runs
        self.business = business
        self.maintenance = maintenance
        self.logger = logger
    }

    /// Every duty with its schedule, last run and next run, as of `now`.
    public func statuses(now: Instant? = nil) throws(DutyError) -> [DutyStatus] {
        statuses(now: now ?? clock.now(), last: try runs.load())
    }

    /// A run that failed is tried again after this long, or at its next slot when that comes first: a monthly charge
    /// that met a storage error must not wait a month.
    public static let failedRetrySeconds: Int64 = 3_600

    private func statuses(now: Instant, last: [DutyKind: DutyRunRecord]) -> [DutyStatus] {
        DutyKind.allCases.map { duty in
            let schedule = configuration.schedule(of: duty)
            let lastRun = last[duty]
            var next = schedule.nextRun(after: lastRun?.startedAt, now: now)
            if let lastRun, lastRun.outcome == .failed {
                let retry = lastRun.startedAt.microsecondsSinceEpoch + Self.failedRetrySeconds * 1_000_000
                next = min(next, Instant(microsecondsSinceEpoch: retry))
            }
            return DutyStatus(duty: duty, schedule: schedule, lastRun: lastRun, nextRun: next, isDue: next <= now)
        }
    }

    /// Runs every duty due at the clock's time once, in `DutyKind` order, recording each run.
    public func runDue() async throws(DutyError) -> [DutyRunRecord] {
        try await runDue(now: clock.now())
    }

    /// Runs every duty due at `now` once. A failing duty is recorded as `failed` and the others still run.
    public func runDue(now: Instant) async throws(DutyError) -> [DutyRunRecord] {
        var records: [DutyRunRecord] = []
        // The record is bookkeeping, not the guard against doing a duty twice (the command ids are): one that
        // cannot be read (damaged, or written by a release with a duty this one does not know) must not stop every
        // duty, backups and checkpoints included. Each runs as if it never ran, and its save replaces the file.
        let last: [DutyKind: DutyRunRecord]
        do { last = try runs.load() } catch {
            logger.error("duties: \(error); running every duty as if it never ran, and writing the record anew")
            last = [:]
        }
        for status in statuses(now: now, last: last) where status.isDue {
            records.append(try await run(status.duty, now: now))
        }
        return records
    }

    /// Runs one duty now, whether due or not, and records the run.
    public func run(_ duty: DutyKind, now: Instant) async throws(DutyError) -> DutyRunRecord {
        var record: DutyRunRecord
        do {
            record = try await perform(duty, now: now)
        } catch {
            logger.error("duty \(duty) failed: \(error)")
            record = DutyRunRecord(
                duty: duty, startedAt: now, finishedAt: clock.now(), outcome: .failed, summary: error.description)
        }
        try runs.save(record)
        let quiet = record.outcome == .ok && record.commandsAppended == 0 && record.leftOver.isEmpty
        logger.log(level: quiet ? .debug : .info, "duty \(duty): \(record.outcome.rawValue): \(record.summary)")
        return record
    }

    /// Runs due duties every `pollSeconds` until the task is cancelled (`cus serve`). `beforeEachPass` runs first
    /// in every pass: a server whose `ProjectionEngine` keeps the projections live (`DutyStateReader` with
    /// `.keptLiveElsewhere`) waits there until they hold the ledger's current end, so no policy decides on a
    /// lagging view (e.g. erases a person whose newest event the ResidentTimeline has not applied yet). Errors of the
    /// run record are logged and retried at the next poll.
    public func run(pollSeconds: Double = 15, beforeEachPass: @Sendable () async -> Void = {}) async {
        while !Task.isCancelled {
            await beforeEachPass()
            do { _ = try await runDue() } catch { logger.error("duties: \(error)") }
            try? await Task.sleep(nanoseconds: UInt64(max(1, pollSeconds) * 1e9))
        }
    }

    private func perform(_ duty: DutyKind, now: Instant) async throws(DutyError) -> DutyRunRecord {
        let today = now.localDate
        if duty.issuesCommands {
            guard let business else {
                return DutyRunRecord(
                    duty: duty, startedAt: now, finishedAt: now, outcome: .skipped,
                    summary: "no command side in this process")
            }
            let (commands, leftOver) = try decide(duty, business: business, today: today)
            return try await issue(duty, commands, leftOver: leftOver, issuer: business.issuer, now: now)
        }
        guard let maintenance else {
            return DutyRunRecord(
                duty: duty, startedAt: now, finishedAt: now, outcome: .skipped, summary: "no writable ledger")
        }
        let summary: String?
        switch duty {
        case .checkpoint: summary = try await maintenance.checkpoint()
        case .backup: summary = try maintenance.backup(at: now)
        default: summary = try maintenance.readerCheck()
        }
        return DutyRunRecord(
            duty: duty, startedAt: now, finishedAt: clock.now(), outcome: summary == nil ? .skipped : .ok,
            summary: summary ?? "no backup directory configured (--backup-dir)")
    }

    /// The policy of `duty` applied to the state read now.
    func decide(_ duty: DutyKind, business: Business, today: LocalDate) throws(DutyError)
        -> ([DutyCommand], [DutyLeftOver])
    {
        switch duty {
        case .waitlistPromotion:
            let erased = try business.state.erasedPersons()
            return WaitlistPromotionPolicy.commands(try business.state.queues(), today: today, erased: erased)
        case .monthlyCharge:
            let months = MonthlyChargePolicy.months(
                before: today, lookbackMonths: configuration.chargeLookbackMonths)
            let decision = MonthlyChargePolicy.commands(
                try business.state.feeAccounts(months: months), today: today,
                lookbackMonths: configuration.chargeLookbackMonths)
            return (decision.commands, decision.leftOver)
        case .retentionErasure:
            let ruleSet: RuleSet
            do { ruleSet = try business.ruleBook.ruleSet(inForceOn: today) } catch {
                throw .noRuleSet(today, "\(error)")
            }
            let years = ruleSet.parameters.retention.personalDataYears
            return (
                RetentionErasurePolicy.commands(try business.state.persons(), today: today, retentionYears: years), []
            )
        case .checkpoint, .backup, .readerCheck:
            return ([], [])
        }
    }

    private func issue(
        _ duty: DutyKind, _ commands: [DutyCommand], leftOver: [DutyLeftOver], issuer: DutyCommandIssuer,
        now: Instant
    ) async throws(DutyError) -> DutyRunRecord {
        var appended = 0
        var already = 0
        var left = leftOver.map(\.description)
        for command in commands {
            switch try await issuer.issue(command, at: now) {
            case .appended: appended += 1
            case .alreadyRecorded: already += 1
            case .rejected(let reason): left.append("\(command.subject): \(reason)")
            }
        }
        return DutyRunRecord(
            duty: duty, startedAt: now, finishedAt: clock.now(), outcome: left.isEmpty ? .ok : .partial,
            commandsAppended: appended, commandsAlreadyRecorded: already, leftOver: left,
            summary: "\(appended) appended, \(already) already recorded, \(left.count) left for a person")
    }
}
