import HTTPTypes
public import Commands
public import Domain
public import Foundation
public import Ledger
public import Logging
public import Projections
import Synchronization

/// How `cus serve` starts: where the data lives, where to listen, and the limits.
public struct ServerConfiguration: Sendable {
    public var ledgerOptions: Ledger.Options
    public var masterKeyPath: String?
    public var lookupKeyPath: String?
    public var ruleBook: RuleBook
    public var host: String
    public var port: Int
    public var limits: APILimits
    /// The day read-time view columns are computed for; nil means today in Europe/Warsaw, per request.
    public var today: LocalDate?
    /// Facts about the centre's gmina that set-up commands need (domain.md §4.2, L3).
    public var centre = CentreFacts(cityWithCountyRights: false)
    /// The business time of commands (`occurredAt`); injected so tests are deterministic.
    public var clock: @Sendable () -> Date = { Date() }
    /// The clock cached answers age by (the indicator staleness bound); injected so tests can step it.
    public var cacheClock: @Sendable () -> ContinuousClock.Instant = { .now }
    /// A bare constant endpoint on this port for `Tools/load-bench` (hidden `--benchmark-baseline-port`); nil: none.
    public var benchmarkBaselinePort: Int?
    /// How long after the last erasure of a burst the keys env is compacted (ledger.md §4.5).
    public var keysCompactionDebounce: Duration = .seconds(2)
    /// How long after the last erasure of a burst the projections env is compacted (ledger.md §4.4).
    public var projectionsCompactionDebounce: Duration = .seconds(2)

    public init(
        ledgerOptions: Ledger.Options, masterKeyPath: String? = nil, lookupKeyPath: String? = nil,
        ruleBook: RuleBook = .defaults, host: String = "127.0.0.1", port: Int = 8080, limits: APILimits = .defaults,
        today: LocalDate? = nil
    ) {
        self.ledgerOptions = ledgerOptions
        self.masterKeyPath = masterKeyPath
        self.lookupKeyPath = lookupKeyPath
        self.ruleBook = ruleBook
        self.host = host
        self.port = port
        self.limits = limits
        self.today = today
    }
}

/// One open data directory behind the API: the command side (writer lock, ledger, keys env), the projections
/// environment with its live engine, and the token store. `open` then `close`; the routes only borrow it.
public final class APIServer: Sendable {
    public let configuration: ServerConfiguration
    public let services: CommandServices
    public let projectionsStore: ProjectionsStore
    public let engine: ProjectionEngine
    public let tokens: TokenStore
    public let metrics: HTTPMetrics
    /// Compacts the keys env after each burst of erasures.
    public let keysCompaction: KeysCompactionScheduler
    /// Compacts the projections env after erasures (ledger.md §4.4), once the views applied the receipts.
    public let projectionsCompaction: ProjectionsCompactionScheduler
    let gate: CommandGate
    let cutoffBuilds: CutoffBuildSlots
    /// M&E reports per programme, periods and cutoff (`IndicatorRoutes`).
    let indicatorReports: IndicatorReportCache
    let viewRows = ViewRowsCache()
    let intake: IntakeCommands
    let logger: Logger

    /// Opens the data directory as its only writer and starts the projection engine.
    public static func open(_ configuration: ServerConfiguration, logger: Logger) throws -> APIServer {
        let services = try CommandServices.open(
            configuration.ledgerOptions, masterKeyPath: configuration.masterKeyPath,
            lookupKeyPath: configuration.lookupKeyPath, ruleBook: configuration.ruleBook)
        do {
            return try APIServer(configuration: configuration, services: services, logger: logger)
        } catch {
            services.close()
            throw error
        }
    }

    /// Serves already opened command services (tests, `--demo` after generating).
    public init(configuration: ServerConfiguration, services: CommandServices, logger: Logger) throws {
        self.configuration = configuration
        self.services = services
        self.logger = logger
        let directory = configuration.ledgerOptions.dataDirectory
        projectionsStore = try ProjectionsStore(directory: directory + "/projections")
        let builder = ProjectionBuilder(ledger: services.ledger, store: projectionsStore)
        let source = StatisticalAttributeSource(ledger: services.ledger, vault: services.vault)
        engine = ProjectionEngine(
            builder: builder, projections: ProjectionCatalogue.all(attributes: source), logger: logger)
        tokens = TokenStore(dataDirectory: directory)
        metrics = HTTPMetrics()
        indicatorReports = IndicatorReportCache(now: configuration.cacheClock)
        let tail = services.ledger.verifiedTail
        logger.info(
            "ledger tail verified before taking appends",
            metadata: ["from": "\(tail.lowerBound)", "to": "\(tail.upperBound)", "records": "\(tail.count)"])
        services.ledger.observeCommits { [metrics, logger] commit in
            metrics.record(commit)
            // ledger.md §2.5 item 4: the alert. `/ready` and `cusledger_ledger_writer_stopped` say it from now on.
            if let reason = commit.writerStopped {
                logger.error(
                    "ledger writer stopped: a commit failed; appends are refused until restart",
                    metadata: ["reason": "\(reason)"])
            }
        }
        keysCompaction = KeysCompactionScheduler(
            vault: services.vault, debounce: configuration.keysCompactionDebounce
        ) { [metrics, logger] outcome in
            metrics.record(outcome)
            KeysCompactionLog.write(outcome, logger)
        }
        projectionsCompaction = ProjectionsCompactionScheduler(
            debounce: configuration.projectionsCompactionDebounce,
            compact: { [engine] in
                await .measure { () throws(ProjectionError) in try await engine.compactAfterErasures() }
            }
        ) { [metrics, logger] outcome in
            metrics.record(outcome)
            ProjectionsCompactionLog.write(outcome, logger)
        }
        services.erasure.observeErasures {
            [keysCompaction, projectionsCompaction, indicatorReports, engine, ledger = services.ledger] in
            indicatorReports.forgetAll()
            // A live report computed before the views applied the receipt may still read the person's attributes:
            // forget again once they have (bounded, as a reader's wait is).
            if let size = try? ledger.treeSize(), size > 0 {
                Task {
                    _ = await engine.waitUntilProjected(Position(size - 1), timeout: .seconds(30))
                    indicatorReports.forgetAll()
                }
            }
            keysCompaction.request()
            projectionsCompaction.request()
        }
        gate = CommandGate(inFlightMax: configuration.limits.commandsInFlightMax)
        cutoffBuilds = CutoffBuildSlots(max: configuration.limits.cutoffBuildsMax)
        intake = IntakeCommands(services: services)
        engine.start()
    }

    /// Stops the engine, then closes the projections, keys and ledger (in-flight appends have finished when the
    /// HTTP server returned from graceful shutdown).
    public func close() async {
        await engine.stop()
        await keysCompaction.stop()
        await projectionsCompaction.stop()
        projectionsStore.close()
        services.close()
    }

    var limits: APILimits { configuration.limits }

    /// The day read-time columns are computed for.
    func today() -> LocalDate {
        if let today = configuration.today { return today }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Warsaw") ?? .gmt
        let parts = calendar.dateComponents([.year, .month, .day], from: Date())
        return LocalDate(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)
            ?? LocalDate(daysSinceEpoch: 0)
    }
}

/// Idempotency keys being decided, and how many: the same key twice at once is 409 `request-in-flight`, more
/// than `inFlightMax` commands at once is 429 (the write queue is bounded here, before the writer).
final class CommandGate: Sendable {
    let inFlightMax: Int
    private let keys = Mutex<Set<UUID128>>([])

    init(inFlightMax: Int) { self.inFlightMax = inFlightMax }

    func run<R: Sendable>(_ key: UUID128, _ body: () async throws -> R) async throws -> R {
        try keys.withLock { keys throws(Problem) in
            if keys.contains(key) {
                throw Problem(
                    .conflict, code: "request-in-flight", title: "The same Idempotency-Key is still being processed",
                    detail: "retry once the first request has been answered")
            }
            guard keys.count < inFlightMax else { throw Problem.tooManyRequests }
            keys.insert(key)
        }
        defer { _ = keys.withLock { $0.remove(key) } }
        return try await body()
    }
}

/// The as-of builds running for M&E reports (`APILimits.cutoffBuildsMax`): one more is 429 rather than another
/// full build beside the live views.
final class CutoffBuildSlots: Sendable {
    let max: Int
    private let running = Mutex<Int>(0)

    init(max: Int) { self.max = max }

    func run<R>(_ body: () throws -> R) throws -> R {
        try running.withLock { running throws(Problem) in
            guard running < max else {
                throw Problem(
                    .tooManyRequests, code: "too-many-requests", title: "Reports as of a cutoff are being built",
                    detail:
                        "\(max) report(s) as of a cutoff are built at once; retry later, or ask a cutoff already answered"
                ).retryingAfter(seconds: 5)
            }
            running += 1
        }
        defer { running.withLock { $0 -= 1 } }
        return try body()
    }

    /// Builds running now (for tests).
    var count: Int { running.withLock { $0 } }
}
