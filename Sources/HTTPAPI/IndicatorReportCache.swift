import Domain
import Projections
import Synchronization

/// Suppressed M&E reports already computed, keyed by what fixes them: the programme, the periods and the cutoff
/// (the ledger size of the facts, live or as of). A report of one cutoff never changes, so repeated requests
/// (dashboards, the indicator share of the load mix) answer from memory; a new event moves the live cutoff and
/// so the key. Bounded: past `capacity` the oldest entry goes.
final class IndicatorReportCache: Sendable {
    struct Key: Hashable, Sendable {
        var programme: ProgrammeID
        var periods: [MetricsPeriod]
        var size: UInt64
        /// Live facts of the engine, or a build as of `size`.
        var live: Bool
    }

    let capacity: Int
    private let state = Mutex<(order: [Key], reports: [Key: [MetricsReport]])>(([], [:]))

    init(capacity: Int = 64) { self.capacity = max(1, capacity) }

    /// The cached reports of `key`, or those `compute` makes (then cached).
    func reports(_ key: Key, compute: () throws -> [MetricsReport]) throws -> [MetricsReport] {
        if let cached = state.withLock({ $0.reports[key] }) { return cached }
        let computed = try compute()
        state.withLock { state in
            guard state.reports[key] == nil else { return }
            state.reports[key] = computed
            state.order.append(key)
            while state.order.count > capacity { state.reports[state.order.removeFirst()] = nil }
        }
        return computed
    }
}
