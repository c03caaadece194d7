import Domain
import Projections

/// Suppressed M&E reports already computed, keyed by what fixes them: the programme, the periods and the cutoff
/// (the ledger size of the facts, live or as of). A report of one cutoff never changes, so repeated requests
/// (dashboards, the indicator share of the load mix) answer from memory, and the JSON answer is kept with it
/// (encoding a report took most of a cached answer's time, docs/benchmarks.md). A new event moves the live
/// cutoff and so the key; `newestLive` lets a caller reuse a recent live report instead (bounded staleness,
/// `APILimits.indicatorStaleness`). Bounded: past `capacity` the oldest entry goes.
final class IndicatorReportCache: Sendable {
    struct Key: Hashable, Sendable {
        var programme: ProgrammeID
        var periods: [MetricsPeriod]
        var size: UInt64
        /// Live facts of the engine, or a build as of `size`.
        var live: Bool
    }

    struct Entry: Sendable {
        var reports: [MetricsReport]
        var computedAt: ContinuousClock.Instant
        /// The JSON answer of the first report, once a route has written it.
        var json: [UInt8]?
    }

    private let entries: BoundedCache<Key, Entry>

    init(capacity: Int = 64) { entries = BoundedCache(entriesMax: capacity) }

    /// The cached reports of `key`, or those `compute` makes (then cached).
    func reports(_ key: Key, compute: () throws -> [MetricsReport]) throws -> [MetricsReport] {
        try entry(key, compute: compute).reports
    }

    /// The JSON answer for the first report of `key`: cached, or written by `encode` from the cached (or
    /// computed) reports, then cached.
    func json(_ key: Key, compute: () throws -> [MetricsReport], encode: (MetricsReport) -> [UInt8]) throws
        -> [UInt8]
    {
        let entry = try entry(key, compute: compute)
        if let json = entry.json { return json }
        let json = encode(entry.reports[0])
        entries.update(key) { $0.json = json }
        return json
    }

    /// The largest live cutoff above `minimumSize` cached for `programme` and `periods` that was computed at most
    /// `staleness` ago, if any.
    func newestLive(
        programme: ProgrammeID, periods: [MetricsPeriod], above minimumSize: UInt64, within staleness: Duration
    ) -> UInt64? {
        let now = ContinuousClock.now
        return entries.entries { key, entry in
            key.live && key.programme == programme && key.periods == periods && key.size > minimumSize
                && now - entry.computedAt <= staleness
        }.map(\.key.size).max()
    }

    private func entry(_ key: Key, compute: () throws -> [MetricsReport]) throws -> Entry {
        try entries.value(key) { Entry(reports: try compute(), computedAt: .now) }
    }
}
