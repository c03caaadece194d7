import Domain
import Projections
import Synchronization

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

    let rowsMax: Int
    let entriesMax: Int
    private let state = Mutex<(order: [Key], rows: [Key: [ViewRow]], held: Int)>(([], [:], 0))

    /// 20,000 rows at an estimated ≈ 1 KiB each (cells, column names, UUID strings) bound it near 20 MiB; a view of a
    /// large centre (10,000 plans) still fits.
    init(rowsMax: Int = 20_000, entriesMax: Int = 256) {
        self.rowsMax = max(1, rowsMax)
        self.entriesMax = max(1, entriesMax)
    }

    /// The rows cached under `key`, or those `render` makes (cached when they fit).
    func rows<E: Error>(_ key: Key, render: () throws(E) -> [ViewRow]) throws(E) -> [ViewRow] {
        if let cached = state.withLock({ $0.rows[key] }) { return cached }
        let rendered = try render()
        guard rendered.count <= rowsMax else { return rendered }
        state.withLock { state in
            guard state.rows[key] == nil else { return }
            state.rows[key] = rendered
            state.order.append(key)
            state.held += rendered.count
            while state.held > rowsMax || state.order.count > entriesMax {
                let oldest = state.order.removeFirst()
                state.held -= state.rows.removeValue(forKey: oldest)?.count ?? 0
            }
        }
        return rendered
    }
}
