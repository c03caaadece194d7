public import Domain
import LMDB

/// A table whose rows are only ever added, each under a key no other event of the build uses (ResidentTimeline's
/// person ‖ position): rows are encoded as they come, back to back in one buffer, and written in key order at
/// `flush`. No row is cached, looked up or changed, so an insert costs an append instead of a cached slot and two
/// hash probes (`RowTable`). Reading back is for `RowReader`, after the batch commits.
public final class InsertOnlyTable<Row: PayloadCodable>: BatchTable {
    private var keys: [RowKey] = []
    /// Every pending row's encoding, in insertion order; row `i` ends at `ends[i]`.
    private var values = PayloadWriter(capacity: 64 * 1024)
    private var ends: [Int] = []
    /// The pending rows in key order, once `checkBeforeFlush` has sorted them: their indices and their keys.
    private var staged: (order: [Int], keys: [RowKey])?

    /// Each pending row counts as half a changed row towards a batch's bound (`ProjectionBuilder.batchRowsMax`,
    /// which bounds a rebuild's memory): it holds a key and its encoded bytes, not a cached row with its own
    /// storage. ResidentTimeline's index rows then end half as many batches, each of which rewrites its group's
    /// busy rows again.
    override var rowsPending: Int { (keys.count + 1) / 2 }

    public func insert(_ key: RowKey, _ row: Row) {
        keys.append(key)
        row.encode(to: &values)
        ends.append(values.bytes.count)
    }

    /// Refuses a batch in which a key was inserted twice (a projection's defect), before anything is written: the
    /// builder then stops that projection alone, and the others' rows commit.
    override func checkBeforeFlush() throws(ProjectionError) { staged = try stage() }

    /// The pending rows' indices and keys in key order; throws when two keys are equal. The keys are gathered in
    /// that order once, so the check and the writes read them one after another instead of scattered over memory.
    private func stage() throws(ProjectionError) -> (order: [Int], keys: [RowKey]) {
        let order = RowKey.byteOrder(of: keys)
        let sorted = keys.withUnsafeBufferPointer { keys in order.map { keys[$0] } }
        for (previous, next) in zip(sorted, sorted.dropFirst()) where previous == next {
            throw ProjectionError.storage("\(name): a key inserted twice in one batch")
        }
        return (order, sorted)
    }

    /// Writes the batch's rows in key order; returns whether it wrote any.
    override func flush() throws(ProjectionError) -> Bool {
        defer {
            keys.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
            values.removeAll()
            staged = nil
        }
        let (order, sorted): ([Int], [RowKey])
        if let staged { (order, sorted) = staged } else { (order, sorted) = try stage() }
        do {
            // One cursor for the sorted run: LMDB then finds most keys on the page of the previous one.
            try transaction.withCursor(database) { cursor in
                try values.bytes.withBytes { all throws(LMDBError) in
                    try ends.withUnsafeBufferPointer { ends throws(LMDBError) in
                        for (index, key) in zip(order, sorted) {
                            let start = index == 0 ? 0 : ends[index - 1]
                            let row = UnsafeRawBufferPointer(rebasing: all[start..<ends[index]])
                            try key.withUnsafeBytes { key throws(LMDBError) in try cursor.put(row, key: key) }
                        }
                    }
                }
            }
        } catch { throw ProjectionError.storage("writing \(name): \(error)") }
        return !keys.isEmpty
    }
}
