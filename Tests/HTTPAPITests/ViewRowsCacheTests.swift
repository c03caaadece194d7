import Domain
import Projections
import Testing

@testable import HTTPAPI

@Suite("View rows cache: keyed by content, bounded by rows and entries")
struct ViewRowsCacheTests {
    static func key(_ view: String, changedAt: UInt64) -> ViewRowsCache.Key {
        ViewRowsCache.Key(
            view: view, key: nil, today: LocalDate(daysSinceEpoch: 20_000),
            content: ProjectionRecord(version: 1, generation: 0, checkpoint: changedAt).contentIdentity)
    }

    static func rows(_ count: Int, tag: Int64) -> [ViewRow] {
        (0..<count).map { ViewRow([("n", .int(Int64($0))), ("tag", .int(tag))]) }
    }

    @Test("Equal keys answer the cached rows; a moved rowsChangedAt renders again")
    func keyedByContent() {
        let cache = ViewRowsCache()
        var renders = 0
        let render = { (tag: Int64) -> [ViewRow] in
            renders += 1
            return Self.rows(3, tag: tag)
        }
        #expect(cache.rows(Self.key("A", changedAt: 5)) { render(1) } == Self.rows(3, tag: 1))
        #expect(cache.rows(Self.key("A", changedAt: 5)) { render(2) } == Self.rows(3, tag: 1))
        #expect(cache.rows(Self.key("A", changedAt: 9)) { render(3) } == Self.rows(3, tag: 3))
        #expect(renders == 2)
    }

    @Test("Rows over the bound are not kept; the oldest entries go first, by rows held and by count")
    func bounded() {
        let cache = ViewRowsCache(rowsMax: 10, entriesMax: 3)
        var renders = 0
        func read(_ view: String, _ count: Int) {
            _ = cache.rows(Self.key(view, changedAt: 1)) {
                renders += 1
                return Self.rows(count, tag: 0)
            }
        }
        read("big", 11)
        read("big", 11)
        #expect(renders == 2, "a rendering over rowsMax is never cached")
        read("a", 4)
        read("b", 4)
        read("c", 4)  // 12 rows held > 10: "a" goes
        read("b", 4)
        read("c", 4)
        #expect(renders == 5)
        read("a", 4)
        #expect(renders == 6, "the oldest entry was evicted")
        read("d", 1)
        read("e", 1)  // four entries > 3: the oldest goes
        read("d", 1)
        read("e", 1)
        #expect(renders == 8)
    }
}
