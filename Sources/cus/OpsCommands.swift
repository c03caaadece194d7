import ArgumentParser
import Commands
import Domain
import Duties
import Foundation
import HTTPAPI
import Ledger
import Projections
import Vault

/// `cus ops …`
struct OpsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ops",
        abstract: "Scheduled duties (waitlist promotion, monthly charges, retention, ledger upkeep).",
        subcommands: [OpsDutiesCommand.self, OpsRunDueCommand.self])
}

/// `--duties FILE`: the duty schedules (`Schemas/duties/duties.schema.json`) over the defaults.
struct DutyOptions: ParsableArguments {
    @Option(name: .long, help: "A duty configuration file (schedules, charge look-back); default: built-in.")
    var duties: String?

    func configuration() throws -> DutyConfiguration {
        guard let duties else { return .defaults }
        guard let data = FileManager.default.contents(atPath: duties) else {
            throw CommandFailure(exitCode: 66, reason: "cannot read \(duties)")
        }
        do { return try DutyConfiguration.decode(json: Array(data)) } catch {
            throw CommandFailure(exitCode: 65, reason: "\(duties): \(error)")
        }
    }
}

/// `cus ops duties [--json]`: each duty's schedule, last run (outcome) and next run; reads only the run record.
struct OpsDutiesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "duties", abstract: "List the duties with their schedule, last run, outcome and next run.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var dutyOptions: DutyOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await reportingFailures {
            let scheduler = DutyScheduler(
                configuration: try dutyOptions.configuration(), clock: SystemDutyClock(),
                runs: DutyRunStore(dataDirectory: store.data), business: nil, maintenance: nil)
            let statuses: [DutyStatus]
            do { statuses = try scheduler.statuses() } catch { throw CommandFailure(exitCode: 65, reason: "\(error)") }
            if output.json {
                print(JSONText.array(statuses.map(Self.json)).text)
                return
            }
            for status in statuses {
                let last = status.lastRun.map { "\($0.startedAt.rfc3339) \($0.outcome.rawValue): \($0.summary)" }
                print(
                    "\(status.duty.rawValue)\t\(status.schedule.text)\tlast: \(last ?? "never")\t"
                        + "next: \(status.nextRun.rfc3339)\(status.isDue ? " (due)" : "")")
            }
        }
    }

    static func json(_ status: DutyStatus) -> JSONText {
        let last: JSONText =
            status.lastRun.map { record in
                .object([
                    ("startedAt", .string(record.startedAt.rfc3339)),
                    ("finishedAt", .string(record.finishedAt.rfc3339)),
                    ("outcome", .string(record.outcome.rawValue)),
                    ("commandsAppended", .number(UInt64(record.commandsAppended))),
                    ("commandsAlreadyRecorded", .number(UInt64(record.commandsAlreadyRecorded))),
                    ("leftOver", .array(record.leftOver.map { .string($0) })), ("summary", .string(record.summary)),
                ])
            } ?? .null
        return .object([
            ("duty", .string(status.duty.rawValue)), ("schedule", .string(status.schedule.text)), ("lastRun", last),
            ("nextRun", .string(status.nextRun.rfc3339)), ("due", .bool(status.isDue)),
        ])
    }
}

/// `cus ops run-due [--today DATE]`: runs every due duty once as the writer (ledger.md §2.5: exit 75 while a server
/// or another writer holds the lock). `--today` runs as of the end of that day, for catching up and for tests.
struct OpsRunDueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run-due", abstract: "Run every due duty once (takes the writer lock).")

    @OptionGroup var store: StoreOptions
    @OptionGroup var keys: KeyFileOptions
    @OptionGroup var rulesOptions: RulesOptions
    @OptionGroup var dutyOptions: DutyOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Run as of the end of this day (YYYY-MM-DD, Europe/Warsaw, not after today) instead of now.")
    var today: String?
    @Option(help: "Where the backup duty puts its copies (DIR/<timestamp>/ledger); without it backups are skipped.")
    var backupDir: String?

    func validate() throws {
        guard let today else { return }
        guard let day = LocalDate(today) else { throw ValidationError("--today wants a date YYYY-MM-DD, not \(today)") }
        // A day to come would erase persons before their retention ends, charge a month still open (never charged
        // in full afterwards) and record runs the server's schedule then waits for.
        let now = SystemDutyClock().now().localDate
        guard day <= now else { throw ValidationError("--today \(today) is after today (\(now)) in Europe/Warsaw") }
    }

    /// The ledger first, through `StoreOptions` (so a held writer lock is exit 75, ledger.md §2.5), then the keys env
    /// and the command side over it.
    static func openWriter(_ store: StoreOptions, keys: KeyFileOptions, ruleBook: RuleBook) throws -> CommandServices {
        let ledger = try store.openLedger(readOnly: false, purpose: "cus ops run-due")
        do {
            let vault = try Vault(keys.vaultOptions(dataDirectory: store.data, readOnly: false))
            do { return try CommandServices(ledger: ledger, vault: vault, ruleBook: ruleBook) } catch {
                vault.close()
                throw error
            }
        } catch {
            ledger.close()
            throw CommandFailure(error)
        }
    }

    func run() async throws {
        try await reportingFailures {
            if let server = ServerFile.live(dataDirectory: store.data) {
                throw CommandFailure(
                    exitCode: 75,
                    reason:
                        "the server runs the duties (cus serve, pid \(server.pid), \(server.url)); see cus ops duties"
                )
            }
            let configuration = try dutyOptions.configuration()
            let ruleBook = try rulesOptions.ruleBook()
            let services = try Self.openWriter(store, keys: keys, ruleBook: ruleBook)
            defer { services.close() }
            let projections = try ProjectionsStore(directory: store.projectionsDirectory)
            defer { projections.close() }
            let clock: any DutyClock =
                today.flatMap(LocalDate.init).map { day in
                    FixedDutyClock(
                        Instant(
                            microsecondsSinceEpoch: Instant(startOf: day.adding(days: 1)).microsecondsSinceEpoch - 1))
                } ?? SystemDutyClock()
            let scheduler = DutyScheduler(
                configuration: configuration, clock: clock, runs: DutyRunStore(dataDirectory: store.data),
                business: .init(
                    state: DutyStateReader(services: services, projections: projections),
                    issuer: DutyCommandIssuer(services: services), ruleBook: ruleBook),
                maintenance: LedgerMaintenance(
                    ledger: services.ledger, backupDirectory: backupDir, backupsKept: configuration.backupsKept))
            let records: [DutyRunRecord]
            do { records = try await scheduler.runDue() } catch {
                throw CommandFailure(exitCode: 74, reason: "\(error)")
            }
            if output.json {
                print(
                    JSONText.array(
                        records.map {
                            .object([
                                ("duty", .string($0.duty.rawValue)), ("outcome", .string($0.outcome.rawValue)),
                                ("commandsAppended", .number(UInt64($0.commandsAppended))),
                                ("commandsAlreadyRecorded", .number(UInt64($0.commandsAlreadyRecorded))),
                                ("leftOver", .array($0.leftOver.map { .string($0) })), ("summary", .string($0.summary)),
                            ])
                        }
                    ).text)
            } else {
                if records.isEmpty { print("no duty is due") }
                for record in records {
                    print("\(record.duty.rawValue): \(record.outcome.rawValue): \(record.summary)")
                }
            }
            if records.contains(where: { $0.outcome == .failed }) {
                throw CommandFailure(exitCode: 1, reason: "a duty failed; see its summary above")
            }
        }
    }
}
