import Domain
import Foundation
import Projections
import Synchronization
import Testing

@testable import HTTPAPI

@Suite("Indicator report cache: live reports within the staleness bound, one background refresh past it")
struct IndicatorReportCacheTests {
    final class ManualClock: Sendable {
        private let current = Mutex(ContinuousClock.now)
        var now: ContinuousClock.Instant { current.withLock { $0 } }
        func advance(_ duration: Duration) { current.withLock { $0 += duration } }
    }

    static let series = IndicatorReportCache.Series(
        programme: ProgrammeID(uuid: UUID()),
        periods: [MetricsPeriod(from: LocalDate(daysSinceEpoch: 20_000), to: LocalDate(daysSinceEpoch: 20_090))])

    static func key(size: UInt64, live: Bool = true) -> IndicatorReportCache.Key {
        IndicatorReportCache.Key(series: series, size: size, live: live)
    }

    @Test("A report answers within the bound, and up to twice it while exactly one caller refreshes it")
    func liveReports() throws {
        let clock = ManualClock()
        let cache = IndicatorReportCache(now: { clock.now })
        let bound = Duration.seconds(1)
        #expect(cache.live(Self.series, above: 0, within: bound) == nil, "nothing computed yet")
        _ = try cache.reports(Self.key(size: 10)) { [] }
        _ = try cache.reports(Self.key(size: 50, live: false)) { [] }
        #expect(cache.live(Self.series, above: 0, within: bound) == .init(size: 10, refresh: false))
        #expect(cache.live(Self.series, above: 10, within: bound) == nil, "minPosition 10 needs a newer cutoff")

        clock.advance(.milliseconds(1_500))
        #expect(cache.live(Self.series, above: 0, within: bound) == .init(size: 10, refresh: true))
        #expect(
            cache.live(Self.series, above: 0, within: bound) == .init(size: 10, refresh: false),
            "one refresh per series at a time")
        cache.finishRefresh(Self.series)
        #expect(cache.live(Self.series, above: 0, within: bound) == .init(size: 10, refresh: true))
        _ = try cache.reports(Self.key(size: 20)) { [] }
        cache.finishRefresh(Self.series)
        #expect(cache.live(Self.series, above: 0, within: bound) == .init(size: 20, refresh: false))

        clock.advance(.milliseconds(2_500))
        #expect(cache.live(Self.series, above: 0, within: bound) == nil, "past twice the bound nothing answers")
    }

    @Test("Forgetting drops every report, live and as of; one computed across the forgetting is answered, not kept")
    func forgetAll() throws {
        let cache = IndicatorReportCache()
        _ = try cache.reports(Self.key(size: 10)) { [] }
        _ = try cache.reports(Self.key(size: 5, live: false)) { [] }
        #expect(cache.count == 2)
        cache.forgetAll()
        #expect(cache.count == 0)
        var computed = 0
        _ = try cache.reports(Self.key(size: 5, live: false)) {
            computed += 1
            return []
        }
        #expect(computed == 1, "computed again after forgetting")
        _ = try cache.reports(Self.key(size: 20, live: false)) {
            cache.forgetAll()  // an erasure while the report is computed
            return []
        }
        #expect(cache.count == 0, "the report made across the forgetting is not kept")
        _ = try cache.reports(Self.key(size: 20, live: false)) {
            computed += 1
            return []
        }
        #expect(computed == 2 && cache.count == 1)
    }

    @Test("An update made for a value from before a forgetting leaves the value made after it alone")
    func updateAcrossForgetting() {
        let cache = BoundedCache<Int, String>(entriesMax: 4)
        let before = cache.valueAndGeneration(1) { "made before" }
        cache.removeAll()
        #expect(cache.value(1) { "made after" } == "made after")
        cache.update(1, generation: before.generation) { $0 = "written from the value made before" }
        #expect(cache.value(1) { "made again" } == "made after")
        let after = cache.valueAndGeneration(1) { "unused" }
        cache.update(1, generation: after.generation) { $0 += ", updated" }
        #expect(cache.value(1) { "unused" } == "made after, updated")
    }
}
