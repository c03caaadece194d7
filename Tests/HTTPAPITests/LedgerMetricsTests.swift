@testable import HTTPAPI
import Ledger
import Prometheus
import Testing

@Suite("Ledger commit metrics")
struct LedgerMetricsTests {
    @Test("A commit whose recordedAt went backwards moves cusledger_ledger_clock_regressions_total")
    func clockRegressions() {
        let metrics = HTTPMetrics()
        metrics.record(CommitReport(requests: 1, eventsAppended: 2, duration: .milliseconds(1), committed: true))
        #expect(Self.regressions(metrics) == 0)
        metrics.record(
            CommitReport(
                requests: 1, eventsAppended: 1, duration: .milliseconds(1), committed: true, clockRegressions: 1))
        metrics.record(CommitReport(requests: 1, eventsAppended: 1, duration: .milliseconds(1), committed: true))
        #expect(Self.regressions(metrics) == 1)
    }

    private static func regressions(_ metrics: HTTPMetrics) -> Double? {
        ServerDutiesTests.value(
            "cusledger_ledger_clock_regressions_total",
            in: String(decoding: metrics.registry.emitToBuffer(), as: UTF8.self))
    }
}
