import ArgumentParser
import Commands
import Domain
import Duties
import Foundation
import HTTPAPI
import Ledger
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// `cus serve`: the HTTP API over one data directory, as its only writer, until SIGINT or SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the HTTP API (holds the writer lock; stops cleanly on SIGINT/SIGTERM).")

    @OptionGroup var store: StoreOptions
    @OptionGroup var keys: KeyFileOptions
    @OptionGroup var rulesOptions: RulesOptions
    @Option(name: .long, help: "The address to listen on.") var host = "127.0.0.1"
    @Option(name: .long, help: "The port to listen on (0: any free port).") var port = 8080
    @Flag(
        name: .long,
        help: "Fill an empty data directory with a small generated CUS, and print demo tokens and URLs to try.")
    var demo = false
    @Option(name: .long, help: "The largest request body read, in bytes (413 above it).")
    var bodyBytesMax = APILimits.defaults.bodyBytesMax
    @Option(name: .long, help: "The largest page a view query may ask for (413 above it).")
    var pageRowsMax = APILimits.defaults.pageRowsMax
    @Option(name: .long, help: "Seconds a request may run before it is answered 503 request-timeout.")
    var requestTimeoutSeconds = 30
    @Option(name: .long, help: "Milliseconds ?minPosition waits for the views before 503 not-yet-projected.")
    var minPositionWaitMilliseconds = 5_000
    @Option(name: .long, help: "Commands decided at once; one more is 429 (the write queue's length).")
    var commandsInFlightMax = APILimits.defaults.commandsInFlightMax
    @Option(name: .long, help: "Seconds a connection may stay open without a complete request head; then it is closed.")
    var idleTimeoutSeconds = 30
    @Option(name: .long, help: "Connections open at once; more wait in the listen backlog.")
    var connectionsMax = APILimits.defaults.connectionsMax
    @Option(
        name: .long,
        help:
            "How old a live M&E report may be and still answer without ?minPosition (0: recompute on every new event).")
    var indicatorStalenessMilliseconds = 1_000
    @Option(name: .long, help: "M&E reports built as of a cutoff at once; one more is 429.")
    var cutoffBuildsMax = APILimits.defaults.cutoffBuildsMax
    // Duties (ADR 0011) and the server file (`DIR/server.json`, issue #10 "Operations").
    @OptionGroup var dutyOptions: DutyOptions
    @Option(name: .long, help: "Seconds between the duties' passes (each runs the due duties once).")
    var dutyPollSeconds = 15
    @Option(help: "Where the backup duty puts its copies (DIR/<timestamp>/ledger); without it backups are skipped.")
    var backupDir: String?
    @Option(name: .long, help: .hidden) var benchmarkBaselinePort: Int?

    var serverDuties: ServerDuties {
        get throws {
            ServerDuties(
                configuration: try dutyOptions.configuration(), pollInterval: .seconds(dutyPollSeconds),
                backupDirectory: backupDir)
        }
    }
    @Flag(
        name: .long,
        help: "The centre's gmina is a city with county rights: county tasks need no gmina–county agreement (L3).")
    var cityWithCountyRights = false

    var limits: APILimits {
        APILimits(
            bodyBytesMax: bodyBytesMax, pageRowsDefault: min(APILimits.defaults.pageRowsDefault, pageRowsMax),
            pageRowsMax: pageRowsMax, requestTimeout: .seconds(requestTimeoutSeconds),
            minPositionWait: .milliseconds(minPositionWaitMilliseconds), commandsInFlightMax: commandsInFlightMax,
            idleTimeout: .seconds(idleTimeoutSeconds), connectionsMax: connectionsMax,
            indicatorStaleness: .milliseconds(indicatorStalenessMilliseconds), cutoffBuildsMax: cutoffBuildsMax)
    }

    /// The demo centre: small, so the first start takes seconds.
    static let demoOptions = CUSDataGenerator.Options(
        residents: 200, months: 6, seed: 2025,
        firstDay: LocalDate(year: 2025, month: 1, day: 1)
            ?? LocalDate(daysSinceEpoch: 20_089))

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0…65535") }
        guard (1_024...(64 << 20)).contains(bodyBytesMax) else {
            throw ValidationError("--body-bytes-max must be 1 KiB…64 MiB")
        }
        guard (1...100_000).contains(pageRowsMax) else { throw ValidationError("--page-rows-max must be 1…100,000") }
        guard (1...3_600).contains(requestTimeoutSeconds) else {
            throw ValidationError("--request-timeout-seconds must be 1…3,600")
        }
        guard (0...600_000).contains(minPositionWaitMilliseconds) else {
            throw ValidationError("--min-position-wait-milliseconds must be 0…600,000")
        }
        guard (1...100_000).contains(commandsInFlightMax) else {
            throw ValidationError("--commands-in-flight-max must be 1…100,000")
        }
        guard (1...3_600).contains(idleTimeoutSeconds) else {
            throw ValidationError("--idle-timeout-seconds must be 1…3,600")
        }
        guard (1...100_000).contains(connectionsMax) else {
            throw ValidationError("--connections-max must be 1…100,000")
        }
        guard (0...3_600_000).contains(indicatorStalenessMilliseconds) else {
            throw ValidationError("--indicator-staleness-milliseconds must be 0…3,600,000")
        }
        guard (1...64).contains(cutoffBuildsMax) else { throw ValidationError("--cutoff-builds-max must be 1…64") }
        guard (1...86_400).contains(dutyPollSeconds) else {
            throw ValidationError("--duty-poll-seconds must be 1…86,400")
        }
        if let port = benchmarkBaselinePort, !(1...65_535).contains(port) {
            throw ValidationError("--benchmark-baseline-port must be 1…65535")
        }
    }

    func run() async throws {
        try await reportingFailures {
            let logger = Logger(label: "cusledger.http", factory: DeferredMetadataLogHandler.standardError)
            defer { LogLineSink.standardError.close() }  // the lines still in memory
            let duties = try serverDuties
            let options = store.ledgerOptions(readOnly: false, purpose: "cus serve")
            let services = try CommandServices.open(
                options, masterKeyPath: keys.masterKeyFile, lookupKeyPath: keys.lookupKeyFile,
                ruleBook: try rulesOptions.ruleBook())
            let server: APIServer
            do {
                if demo { try await Self.fillIfEmpty(services) }
                var configuration = ServerConfiguration(
                    ledgerOptions: options, masterKeyPath: keys.masterKeyFile, lookupKeyPath: keys.lookupKeyFile,
                    ruleBook: services.pipeline.ruleBook, host: host, port: port, limits: limits)
                configuration.benchmarkBaselinePort = benchmarkBaselinePort
                configuration.centre = CentreFacts(cityWithCountyRights: cityWithCountyRights)
                server = try APIServer(configuration: configuration, services: services, logger: logger)
            } catch {
                services.close()
                throw error
            }
            let tokens = demo ? try Self.demoTokens(server) : []
            let programme = CUSDataGenerator(services: services, options: Self.demoOptions).principals.programmes.first
            let data = store.data
            defer { ServerFile.remove(dataDirectory: data) }
            try await runServer(server, duties: duties) { [host] bound in
                do { try ServerFile(listeningOn: host, port: bound).write(dataDirectory: data) } catch {
                    logger.warning("cannot write \(ServerFile.path(dataDirectory: data)): \(error)")
                }
                Self.printWelcome(host: host, port: bound, tokens: tokens, programme: demo ? programme : nil)
            }
        }
    }

    static func fillIfEmpty(_ services: CommandServices) async throws {
        guard try services.ledger.treeSize() == 0 else { return }
        print("--demo: generating \(demoOptions.residents) residents over \(demoOptions.months) months…")
        let summary = try await CUSDataGenerator(services: services, options: demoOptions).run()
        print("--demo: \(summary.eventsWritten) events written")
    }

    struct DemoToken {
        var role: APIRole
        var token: String
        var subject: UUID
    }

    /// New demo tokens (the previous demo's are revoked), one per role, for the generated centre's staff and
    /// first provider; roles without a staff member of their own get a fresh subject.
    static func demoTokens(_ server: APIServer) throws -> [DemoToken] {
        let principals = CUSDataGenerator(services: server.services, options: demoOptions).principals
        var subjects: [APIRole: UUID] = [:]
        for (id, role) in principals.staff.reversed() {
            if let apiRole = APIRole(rawValue: role.rawValue) { subjects[apiRole] = id.uuid }
        }
        subjects[.providerStaff] = principals.providers.first?.uuid
        do {
            try server.tokens.revokeAll(label: "demo")
            return try APIRole.allCases.map { role in
                let subject = subjects[role] ?? UUID()
                let created = try server.tokens.create(role: role, subject: subject, label: "demo")
                return DemoToken(role: role, token: created.token, subject: subject)
            }
        } catch { throw CommandFailure(exitCode: 74, reason: "\(error)") }
    }

    static func printWelcome(host: String, port: Int, tokens: [DemoToken], programme: ProgrammeID?) {
        let base = "http://\(host):\(port)"
        print("cus serve: listening on \(base) (Ctrl-C stops it cleanly)")
        print("  \(base)/health   \(base)/ready")
        print("  dashboard: \(base)/ui (log in with one of the tokens below)")
        defer { fflush(nil) }  // nil: every output stream, so a pipe reader sees the lines now
        guard !tokens.isEmpty else { return }
        print("demo tokens (shown once; a new --demo start revokes them):")
        for token in tokens {
            print("  \(token.role.rawValue.padding(toLength: 19, withPad: " ", startingAt: 0)) \(token.token)")
        }
        print("try:")
        if let director = tokens.first(where: { $0.role == .director }) {
            print("  curl -H 'Authorization: Bearer \(director.token)' '\(base)/v1/views/PlanStatusView?limit=3'")
        }
        if let evaluator = tokens.first(where: { $0.role == .evaluator }), let programme {
            print(
                "  curl -H 'Authorization: Bearer \(evaluator.token)' "
                    + "'\(base)/v1/programmes/\(programme)/indicators?from=2025-01-01&to=2025-07-01'")
        }
        if let operatorToken = tokens.first(where: { $0.role == .operator }) {
            print("  curl -H 'Authorization: Bearer \(operatorToken.token)' '\(base)/metrics'")
        }
    }
}
