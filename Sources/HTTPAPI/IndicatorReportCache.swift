import Domain
import Projections
import Synchronization

/// Suppressed M&E reports already computed, keyed by what fixes them: the programme, the periods and the cutoff
/// (the ledger size of the facts, live or as of). A report of one cutoff never changes, so repeated requests
/// (dashboards, the indicator share of the load mix) answer from memory, and the JSON answer is kept with it
/// (encoding a report took most of a cached answer's time, docs/benchmarks.md). A new event moves the live
/// cutoff and so the key; `live` lets a caller reuse a recent live report instead (bounded staleness,
/// `APILimits.indicatorStaleness`), and lets one caller at a time refresh it in the background while the others
/// keep answering from it. Bounded: past `capacity` the oldest entry goes.
final class IndicatorReportCache: Sendable {
    struct Key: Hashable, Sendable {
        var series: Series
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

    /// A programme and the periods its reports measure: part of every key, and what one caller at a time
    /// refreshes the live report of.
    struct Series: Hashable, Sendable {
        var programme: ProgrammeID
        var periods: [MetricsPeriod]
    }

    /// The live report a request may answer from, and whether that request should refresh it.
    struct LiveReport: Equatable, Sendable {
        var size: UInt64
        /// Set for the one caller that claimed the refresh of a report past the bound (`finishRefresh` ends it).
        var refresh: Bool
    }

    private let entries: BoundedCache<Key, Entry>
    private let refreshing = Mutex<Set<Series>>([])
    private let now: @Sendable () -> ContinuousClock.Instant

    init(capacity: Int = 64, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        entries = BoundedCache(entriesMax: capacity)
        self.now = now
    }

    /// Forgets every report (after an erasure: a report computed before it may break down by the erased person's
    /// attributes, which a report computed now could no longer read, ledger.md §4.4).
    func forgetAll() {
        entries.removeAll()
        forgettings.add(1, ordering: .relaxed)
    }

    /// Reports held now, and `forgetAll` calls so far (for tests).
    var count: Int { entries.entries { _, _ in true }.count }
    var forgetCount: Int { forgettings.load(ordering: .relaxed) }
    private let forgettings = Atomic<Int>(0)

    /// The cached reports of `key`, or those `compute` makes (then cached).
    func reports(_ key: Key, compute: () throws -> [MetricsReport]) throws -> [MetricsReport] {
        try entry(key, compute: compute).value.reports
    }

    /// The JSON answer for the first report of `key`: cached, or written by `encode` from the cached (or
    /// computed) reports, then cached.
    func json(_ key: Key, compute: () throws -> [MetricsReport], encode: (MetricsReport) -> [UInt8]) throws
        -> [UInt8]
    {
        let (entry, generation) = try entry(key, compute: compute)
        if let json = entry.json { return json }
        let json = encode(entry.reports[0])
        entries.update(key, generation: generation) { $0.json = json }
        return json
    }

    /// The newest live report of `series` above `minimumSize` that may still answer: one computed within
    /// `staleness` answers as it is; one up to twice that old answers too, and the first caller to find it so is
    /// told to refresh it (one refresh per series at a time), so under steady traffic no request waits for a
    /// computation. Nil when there is none (the caller computes at the live checkpoint).
    func live(_ series: Series, above minimumSize: UInt64, within staleness: Duration) -> LiveReport? {
        let now = now()
        let newest = entries.entries { key, entry in
            key.live && key.series == series && key.size > minimumSize && now - entry.computedAt <= staleness * 2
        }.max { $0.key.size < $1.key.size }
        guard let newest else { return nil }
        let refresh = now - newest.value.computedAt > staleness && refreshing.withLock { $0.insert(series).inserted }
        return LiveReport(size: newest.key.size, refresh: refresh)
    }

    /// Ends the refresh `live` handed out for `series`.
    func finishRefresh(_ series: Series) {
        _ = refreshing.withLock { $0.remove(series) }
    }

    /// The entry of `key`, cached or computed, and the cache's generation it belongs to (for `json`'s update).
    private func entry(_ key: Key, compute: () throws -> [MetricsReport]) throws -> (value: Entry, generation: Int) {
        try entries.valueAndGeneration(key) { Entry(reports: try compute(), computedAt: now()) }
    }
}
