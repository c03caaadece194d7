import LMDB

/// The `checkpoints` database: tree size u64 BE → signed-note text (ledger.md §2.2).
struct CheckpointStore {
    let databases: LedgerDatabases

    func put(_ checkpoint: SignedCheckpoint, in txn: Transaction) throws {
        try txn.put(
            Array(checkpoint.text.utf8), key: IndexKeys.bigEndian(checkpoint.checkpoint.size), in: databases.checkpoints
        )
    }

    /// The checkpoint with the largest size ≤ `size` (any size when nil).
    func newest(in txn: Transaction, atOrBelow size: UInt64? = nil) throws -> SignedCheckpoint? {
        try txn.withCursor(databases.checkpoints) { cursor in
            var entry: Cursor.Entry?
            if let size, size < .max {
                entry = try cursor.seek(atLeast: IndexKeys.bigEndian(size + 1))
                entry = entry == nil ? try cursor.last() : try cursor.previous()
            } else {
                entry = try cursor.last()
            }
            return try entry.map { try Self.decode($0.value) }
        }
    }

    /// Every checkpoint in size order.
    func all(in txn: Transaction) throws -> [SignedCheckpoint] {
        try txn.withCursor(databases.checkpoints) { cursor in
            var checkpoints: [SignedCheckpoint] = []
            var entry = try cursor.first()
            while let current = entry {
                let checkpoint = try Self.decode(current.value)
                guard IndexKeys.uint64(current.key) == checkpoint.checkpoint.size else {
                    throw LedgerError(.corrupted, "a checkpoint is stored under another size than it states")
                }
                checkpoints.append(checkpoint)
                entry = try cursor.next()
            }
            return checkpoints
        }
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) throws -> SignedCheckpoint {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw LedgerError(.corrupted, "a stored checkpoint is not UTF-8")
        }
        do {
            return try SignedCheckpoint(text: text)
        } catch {
            throw LedgerError(.corrupted, "a stored checkpoint is malformed: \(error)")
        }
    }
}
