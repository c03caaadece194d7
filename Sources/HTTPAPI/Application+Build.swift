import HTTPTypes
public import Hummingbird
import HummingbirdCore
import NIOCore
import Logging
import ServiceLifecycle
import UnixSignals

/// The one place routes and middleware are put together, for `cus serve` and for the tests
/// (`app.test(.router)`, style.md §6). `onServerRunning` gets the bound port once the listener is up.
public func buildApplication(
    _ server: APIServer, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    Application(
        router: buildRouter(server),
        server: .http1(
            configuration: HTTP1Channel.Configuration(
                additionalChannelHandlers: [RequestReadDeadline(deadline: timeAmount(server.limits.requestTimeout))],
                idleTimeout: timeAmount(server.limits.idleTimeout))),
        configuration: .init(
            address: .hostname(server.configuration.host, port: server.configuration.port),
            serverName: "cusledger",
            availableConnectionsDelegate: MaximumAvailableConnections(
                server.limits.connectionsMax, logger: server.logger)),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
        logger: server.logger)
}

/// `duration` in NIO's unit, whole nanoseconds.
func timeAmount(_ duration: Duration) -> TimeAmount {
    let (seconds, attoseconds) = duration.components
    return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
}

func buildRouter(_ server: APIServer) -> Router<APIRequestContext> {
    let router = Router(context: APIRequestContext.self)
    router.add(middleware: MetricsMiddleware(metrics: server.metrics))
    router.add(middleware: CorrelationMiddleware())
    router.add(middleware: ProblemMiddleware())
    router.add(middleware: AuthenticationMiddleware(tokens: server.tokens))
    let routes = Routes(router: router, timeout: server.limits.requestTimeout)
    OperationsRoutes(server: server).register(on: routes)
    QueryRoutes(server: server).register(on: routes)
    IndicatorRoutes(server: server).register(on: routes)
    CommandRoutes(server: server).register(on: routes)
    SetupRoutes(server: server).register(on: routes)
    ResidentRoutes(server: server).register(on: routes)
    DashboardRoutes(server: server, sessions: DashboardSessions()).register(on: routes)
    AuditRoutes(server: server).register(on: routes)
    RevealRoutes(server: server).register(on: routes)
    PlanRoutes(server: server).register(on: routes)
    ServiceRoutes(server: server).register(on: routes)
    FeeRoutes(server: server).register(on: routes)
    return router
}

/// Serves `server` until SIGINT or SIGTERM (swift-service-lifecycle), running `duties` on their schedules when
/// given: the duties stop first (a pass under way finishes), then the listener stops accepting and in-flight
/// requests finish, then the engine stops and the ledger closes, also when serving failed.
public func runServer(
    _ server: APIServer, duties: ServerDuties? = nil,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) async throws {
    let group = serviceGroup(
        server, duties: duties, signals: [.sigterm, .sigint], onServerRunning: onServerRunning)
    do { try await group.run() } catch {
        await server.close()
        throw error
    }
    await server.close()
}

/// The HTTP server and, when given, the duties; graceful shutdown runs in reverse order, so duties stop first.
func serviceGroup(
    _ server: APIServer, duties: ServerDuties?, signals: [UnixSignal],
    onServerRunning: @escaping @Sendable (Int) async -> Void
) -> ServiceGroup {
    var services: [any Service] = [buildApplication(server, onServerRunning: onServerRunning)]
    if let duties { services.append(DutiesService(server: server, duties: duties)) }
    if let port = server.configuration.benchmarkBaselinePort {
        services.append(
            benchmarkBaselineApplication(host: server.configuration.host, port: port, logger: server.logger))
    }
    return ServiceGroup(
        configuration: .init(services: services, gracefulShutdownSignals: signals, logger: server.logger))
}
