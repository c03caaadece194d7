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

    public func insert(_ key: RowKey, _ row: Row) {
        keys.append(key)
        row.encode(to: &values)
        ends.append(values.bytes.count)
    }

    /// Writes the batch's rows in key order; a key inserted twice is a projection's defect and fails the batch.
    /// Returns whether it wrote any.
    func flush() throws(ProjectionError) -> Bool {
        defer {
            keys.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
            values.removeAll()
        }
        var previous: Int?
        for index in RowKey.byteOrder(of: keys) {
            if let previous, keys[previous] == keys[index] {
                throw ProjectionError.storage("\(name): a key inserted twice in one batch")
            }
            previous = index
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
