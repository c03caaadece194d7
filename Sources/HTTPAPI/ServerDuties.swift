import Commands
public import Duties
import Ledger
import Logging
import Projections
import ServiceLifecycle

/// How `cus serve` runs the duties (ADR 0011): the schedules, the clock they are due by, how often the scheduler
/// looks, and where the backup duty writes (nil: it is skipped and says so).
public struct ServerDuties: Sendable {
    public var configuration: DutyConfiguration
    public var clock: any DutyClock
    public var pollInterval: Duration
    public var backupDirectory: String?

    public init(
        configuration: DutyConfiguration = .defaults, clock: any DutyClock = SystemDutyClock(),
        pollInterval: Duration = .seconds(15), backupDirectory: String? = nil
    ) {
        self.configuration = configuration
        self.clock = clock
        self.pollInterval = pollInterval
        self.backupDirectory = backupDirectory
    }

    /// The scheduler over the server's own command side and live projections.
    func scheduler(_ server: APIServer) -> DutyScheduler {
        let services = server.services
        return DutyScheduler(
            configuration: configuration, clock: clock,
            runs: DutyRunStore(dataDirectory: server.configuration.ledgerOptions.dataDirectory),
            business: .init(
                state: DutyStateReader(
                    services: services, projections: server.projectionsStore, freshness: .keptLiveElsewhere),
                issuer: DutyCommandIssuer(services: services), ruleBook: services.pipeline.ruleBook),
            maintenance: LedgerMaintenance(
                ledger: services.ledger, backupDirectory: backupDirectory,
                backupsKept: configuration.backupsKept),
            logger: server.logger)
    }
}

/// The duties as a service of the server's group (swift-service-lifecycle): a pass every `pollInterval`, each
/// after the live projections hold the ledger's end (so no policy decides on a lagging view). On SIGTERM it
/// starts no new pass and stops waiting, but a pass under way runs to its end before the group goes on to stop
/// the HTTP server and the ledger closes.
struct DutiesService: Service {
    let server: APIServer
    let scheduler: DutyScheduler
    let pollInterval: Duration

    init(server: APIServer, duties: ServerDuties) {
        self.server = server
        scheduler = duties.scheduler(server)
        pollInterval = duties.pollInterval
    }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let ready = await cancelWhenGracefulShutdown { await waitForProjections() }
            guard !Task.isShuttingDownGracefully && !Task.isCancelled else { break }
            if ready { await pass() }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pollInterval) }
        }
    }

    /// One pass: every due duty once, each run counted in `/metrics` (the scheduler logs and records it).
    func pass() async {
        do {
            for record in try await scheduler.runDue() { server.metrics.record(record) }
        } catch {
            server.logger.error("duties: the run record could not be read or written: \(error)")
        }
    }

    /// Until every live projection holds the ledger's current end. False on an empty ledger: a view built over no
    /// events has no tables to read yet (`ProjectionsStore` creates them on the first row), so the policies would
    /// fail, and there is nothing to decide on; the pass is skipped until the first event.
    private func waitForProjections() async -> Bool {
        let size = (try? server.services.ledger.treeSize()) ?? 0
        guard size > 0 else { return false }
        await server.engine.waitUntilProjected(Position(size - 1))
        return true
    }
}
