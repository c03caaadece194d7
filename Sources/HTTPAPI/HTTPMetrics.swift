import Commands
import Domain
import HTTPTypes
import Foundation
import Hummingbird
import Logging
import Ledger
public import Prometheus
import Projections

/// The server's Prometheus registry (swift-prometheus), owned by the server rather than bootstrapped globally
/// so tests and several servers in one process stay apart. HTTP latency is recorded per matched route (the
/// pattern, never the path, so no id lands in a label) and status; ledger size and projection lag are read at
/// scrape time.
public final class HTTPMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    static let latencyBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1), .seconds(5),
    ]

    public init() {}

    func record(method: String, route: String, status: Int, elapsed: Duration) {
        let labels = [("method", method), ("route", route), ("status", String(status))]
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                metricName: "cusledger_http_request_duration", unitName: "seconds",
                helpText: "HTTP request latency by route and status"),
            labels: labels, buckets: Self.latencyBuckets
        ).record(elapsed)
    }

    /// The exposition text, with the ledger and projection gauges refreshed first.
    func exposition(_ server: APIServer) -> [UInt8] {
        registry.makeGauge(
            descriptor: MetricNameDescriptor(
                metricName: "cusledger_ledger_writer", unitName: "stopped",
                helpText: "1 when the ledger writer stopped after a failed commit and refuses appends until restart")
        ).set(Double(server.services.ledger.writerStopReason == nil ? 0 : 1))
        if let size = try? server.services.ledger.treeSize() {
            registry.makeGauge(
                descriptor: MetricNameDescriptor(
                    metricName: "cusledger_ledger", unitName: "events", helpText: "Events in the ledger (tree size)")
            ).set(Double(size))
            for projection in server.engine.projections {
                let name = type(of: projection).name
                let checkpoint = (try? server.projectionsStore.record(.live, of: name))??.checkpoint ?? 0
                registry.makeGauge(
                    descriptor: MetricNameDescriptor(
                        metricName: "cusledger_projection_lag", unitName: "events",
                        helpText: "Events appended but not yet applied, per projection"),
                    labels: [("projection", name)]
                ).set(Double(size > checkpoint ? size - checkpoint : 0))
            }
        }
        return registry.emitToBuffer()
    }
}

/// Times every request and records it under its route pattern (`/v1/views/{name}`), or `unmatched`.
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let metrics: HTTPMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let clock = ContinuousClock()
        let started = clock.now
        let response = try await next(request, context)
        metrics.record(
            method: request.method.rawValue, route: context.endpointPath ?? "unmatched", status: response.status.code,
            elapsed: clock.now - started)
        return response
    }
}

/// Gives every request a correlation id for logs and the answer's `X-Correlation-ID`: the caller's, when it is a
/// UUID (so nothing personal can ride in it), else Hummingbird's request id.
struct CorrelationMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    static let header = HTTPField.Name("X-Correlation-ID")

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let given = Self.header.flatMap { request.headers[$0] }.flatMap { UUID(canonicalText: $0) }
        let correlation = given.map { $0.lowercasedText } ?? context.id
        var context = context
        context.logger[metadataKey: "correlation"] = .string(correlation)
        var response = try await next(request, context)
        if let header = Self.header { response.headers[header] = correlation }
        return response
    }
}
