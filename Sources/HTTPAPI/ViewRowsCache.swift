import Domain
import Projections

/// Rendered rows of views, kept while the rows they came from are unchanged: a page of a view rendered every
/// row of it (the key filters, but the role's scope and the page apply afterwards), which cost a page the view's
/// size. The key holds what the rows depend on: the view, its key, the day relative columns are computed for, and
/// the projection's `ProjectionRecord.contentIdentity`, which moves only when a batch writes a row. Events the
/// view skips (most commands touch one or two views) leave the cached rows serving, under the checkpoint of the
/// read that found them. Bounded by rows held (`rowsMax`) and entries (`entriesMax`); the oldest go first.
final class ViewRowsCache: Sendable {
    struct Key: Hashable, Sendable {
        var view: String
        var key: String?
        var today: LocalDate
        var content: ProjectionRecord.ContentIdentity
    }

    private let cache: BoundedCache<Key, [ViewRow]>

    /// 20,000 rows at an estimated ≈ 1 KiB each (cells, column names, UUID strings) bound it near 20 MiB; a view of a
    /// large centre (10,000 plans) still fits.
    init(rowsMax: Int = 20_000, entriesMax: Int = 256) {
        cache = BoundedCache(entriesMax: entriesMax, weightMax: rowsMax, weight: \.count)
    }

    /// The rows cached under `key`, or those `render` makes (cached when they fit).
    func rows<E: Error>(_ key: Key, render: () throws(E) -> [ViewRow]) throws(E) -> [ViewRow] {
        try cache.value(key, make: render)
    }
}
