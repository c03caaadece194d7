public import Domain
import LMDB

/// A table whose rows are only ever added, each under a key no other event of the build uses (ResidentTimeline's
/// person ‖ position): rows are encoded as they come, back to back in one buffer, and written in key order at
/// `flush`. No row is cached, looked up or changed, so an insert costs an append instead of a cached entry, two
/// hash probes and an allocation (`RowTable`). Reading back is for `RowReader`, after the batch commits.
public final class InsertOnlyTable<Row: PayloadCodable>: BatchTable {
    private var keys: [RowKey] = []
    /// Every pending row's encoding, in insertion order; row `i` ends at `ends[i]`.
    private var values = PayloadWriter(capacity: 64 * 1024)
    private var ends: [Int] = []
    /// The pending rows in key order, once `checkKeysUnique` has sorted them.
    private var order: [Int]?

    public func insert(_ key: RowKey, _ row: Row) {
        keys.append(key)
        row.encode(to: &values)
        ends.append(values.bytes.count)
    }

    /// Refuses a batch in which a key was inserted twice (a projection's defect), before anything is written: the
    /// builder then stops that projection alone, and the others' rows commit.
    func checkKeysUnique() throws(ProjectionError) {
        let sorted = RowKey.byteOrder(of: keys)
        for (previous, index) in zip(sorted, sorted.dropFirst()) where keys[previous] == keys[index] {
            throw ProjectionError.storage("\(name): a key inserted twice in one batch")
        }
        order = sorted
    }

    /// Writes the batch's rows in key order; returns whether it wrote any.
    func flush() throws(ProjectionError) -> Bool {
        defer {
            keys.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
            values.removeAll()
            order = nil
        }
        if order == nil { try checkKeysUnique() }
        for index in order ?? [] {
            let start = index == 0 ? 0 : ends[index - 1]
            do {
                try values.bytes.withBytes { all throws(LMDBError) in
                    try keys[index].bytes.withBytes { key throws(LMDBError) in
                        try transaction.put(
                            UnsafeRawBufferPointer(rebasing: all[start..<ends[index]]), key: key, in: database)
                    }
                }
            } catch { throw ProjectionError.storage("writing \(name): \(error)") }
        }
        return !keys.isEmpty
    }
}
