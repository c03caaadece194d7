import Commands
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import Projections
import Testing

@testable import HTTPAPI

@Suite("HTTP API: health, readiness, metrics, the in-flight gate")
struct OperationsTests {
    @Test("/ready once projections are live; /metrics and /v1/status for operators and auditors only")
    func operations() async throws {
        let fixture = try await APIFixture()
        let operatorToken = try fixture.token(.operator)
        try await fixture.test { client in
            let ready = try await client.send(.get, "/ready", token: nil)
            #expect(ready.status == .ok, "\(ready.text)")
            let correlation = try #require(HTTPField.Name("X-Correlation-ID"))
            #expect(ready.headers[correlation]?.isEmpty == false)
            let given = UUID().uuidString.lowercased()
            let echoed = try await client.send(.get, "/v1/views", token: nil, headers: [("X-Correlation-ID", given)])
            #expect(echoed.status == .unauthorized && echoed.headers[correlation] == given)
            let refused = try await client.send(
                .get, "/health", token: nil, headers: [("X-Correlation-ID", "Jan Kowalski")])
            #expect(refused.headers[correlation] != "Jan Kowalski")
            _ = try await client.send(.get, "/v1/views/PlanStatusView?limit=1", token: try fixture.token(.director))
            let metrics = try await client.send(.get, "/metrics", token: operatorToken)
            #expect(metrics.status == .ok)
            #expect(metrics.text.contains("cusledger_http_request_duration_seconds_bucket"))
            #expect(
                metrics.text.contains(#"route="/v1/views/{name}""#)
                    || metrics.text.contains("route=\"/v1/views/:name\""))
            #expect(metrics.text.contains("cusledger_projection_lag_events{projection=\"PlanStatusView\"} 0"))
            #expect(!metrics.text.contains("PlanStatusView?"))
            let status = try await client.send(.get, "/v1/status", token: operatorToken).object()
            #expect((status["projections"] as? [Any])?.count == fixture.server.engine.projections.count)
            for role in APIRole.allCases where role != .operator && role != .auditor {
                let token = try fixture.token(role)
                #expect(try await client.send(.get, "/metrics", token: token).status == .forbidden, "\(role)")
                #expect(try await client.send(.get, "/v1/status", token: token).status == .forbidden, "\(role)")
            }
            for role in [APIRole.operator, .evaluator] {
                let views = try await client.send(.get, "/v1/views/PlanStatusView", token: try fixture.token(role))
                #expect(views.status == .forbidden, "\(role)")
            }
        }
    }

    @Test("The same key twice at once is 409 request-in-flight; the gate holds at most inFlightMax commands")
    func gate() async throws {
        let gate = CommandGate(inFlightMax: 2)
        let key = UUID128.random()
        let (entered, enteredContinuation) = AsyncStream<Void>.makeStream()
        let (release, releaseContinuation) = AsyncStream<Void>.makeStream()
        let first = Task {
            try await gate.run(key) {
                enteredContinuation.yield()
                for await _ in release { break }
                return 1
            }
        }
        for await _ in entered { break }
        do {
            _ = try await gate.run(key) { 2 }
            Issue.record("a second run of the same key must be refused")
        } catch let problem as Problem {
            #expect(problem.status == .conflict && problem.code == "request-in-flight")
        }
        #expect(try await gate.run(UUID128.random()) { 3 } == 3)
        releaseContinuation.yield()
        #expect(try await first.value == 1)
        #expect(try await gate.run(key) { 4 } == 4)
    }
}

@Suite("HTTP API: the request timeout")
struct RequestTimeoutTests {
    /// A deadline, or a handler's sleep, that a passing test never reaches: in a full `swift test` on two cores,
    /// synchronous tests beside these kept the cooperative pool busy for minutes (a 30 s deadline once fired
    /// before a handler that throws at once had run).
    static let unreached = Duration.seconds(3600)

    @Test("A handler running past requestTimeout is answered 503 request-timeout")
    func timeout() async throws {
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: ProblemMiddleware())
        let routes = Routes(router: router, timeout: .milliseconds(100))
        routes.get("/slow") { _, _ in
            try await Task.sleep(for: Self.unreached)
            return Response(status: .ok)
        }
        routes.get("/fast") { _, _ in Response(status: .noContent) }
        try await Application(router: router).test(.router) { client in
            let slow = try await client.send(.get, "/slow", token: nil)
            #expect(slow.status == .serviceUnavailable)
            #expect(try slow.problemCode() == "request-timeout")
            #expect(try await client.send(.get, "/fast", token: nil).status == .noContent)
        }
    }

    /// The handler returns only once the test releases it, after the answer: an implementation that waits for
    /// the handler (a task group does) never answers, and the time limit fails the test. How soon after the
    /// deadline the answer comes is not asserted: the tests run in parallel on a shared cooperative pool.
    @Test(
        "The caller is answered at the deadline even when the handler ignores cancellation", .timeLimit(.minutes(10)))
    func timeoutWithoutCooperation() async throws {
        let deadlines = RequestDeadlines(timeout: .milliseconds(50))
        let (released, release) = AsyncStream<Void>.makeStream()
        let problem = await #expect(throws: Problem.self) {
            try await deadlines.run {
                // A detached task's value ignores the handler's cancellation: it ends when the test finishes.
                await Task.detached { for await _ in released {} }.value
                return Response(status: .ok)
            }
        }
        #expect(problem?.code == "request-timeout")
        release.finish()
    }

    @Test("A handler's answer and error pass through, and finished requests are no longer watched")
    func answersPassThrough() async throws {
        let deadlines = RequestDeadlines(timeout: Self.unreached)
        #expect(try await deadlines.run { Response(status: .accepted) }.status == .accepted)
        await #expect(throws: CancellationError.self) {
            try await deadlines.run { throw CancellationError() }
        }
        #expect(deadlines.watchedCount == 0)
    }

    @Test("Cancelling the caller cancels its handler")
    func callerCancellation() async throws {
        let deadlines = RequestDeadlines(timeout: Self.unreached)
        let caller = Task {
            try await deadlines.run {
                try await Task.sleep(for: Self.unreached)
                return Response(status: .ok)
            }
        }
        caller.cancel()
        await #expect(throws: CancellationError.self) { try await caller.value }
        #expect(deadlines.watchedCount == 0)
    }
}
