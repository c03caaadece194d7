import CLMDB

/// The raw baseline of P1 and P2: per event the five puts the ledger's writer makes (ledger.md §2.2; record
/// with `MDB_APPEND`, four index keys with `MDB_NOOVERWRITE`) of the same pre-encoded bytes, the same number of
/// events per transaction, one durable commit each. No framing, hashing, checks or `meta` writes.
enum RawIngest {
    private struct Databases {
        let events, streams, eventIDs, byType, byCategory: MDB_dbi

        init(_ environment: RawEnvironment) throws(RawLMDBError) {
            let opened = try environment.openDatabases(
                ["events", "streams", "eventIds", "byType", "byCategory"], create: true)
            (events, streams, eventIDs, byType, byCategory) = (opened[0], opened[1], opened[2], opened[3], opened[4])
        }
    }

    /// Writes `encoded` from position 0 into a new environment at `directory`; stops early at `deadline`.
    static func run(
        _ encoded: EncodedEvents, eventsPerTransaction: Int, directory: String, mapSizeBytes: Int,
        until deadline: ContinuousClock.Instant? = nil
    ) throws -> Throughput {
        let environment = try RawEnvironment(path: directory, mapSizeBytes: mapSizeBytes)
        let databases = try Databases(environment)
        return try encoded.arena.withUnsafeBytes { arena in
            try Stopwatch.measure {
                var next = 0
                while next < encoded.count {
                    if let deadline, ContinuousClock.now >= deadline { break }
                    let end = min(next + eventsPerTransaction, encoded.count)
                    try environment.withTransaction(readOnly: false) { txn throws(RawLMDBError) in
                        for index in next..<end { try put(encoded.spans[index], from: arena, txn, databases) }
                    }
                    next = end
                }
                return next
            }
        }
    }

    @inline(__always)
    private static func put(
        _ spans: EncodedEvents.Spans, from arena: UnsafeRawBufferPointer, _ txn: OpaquePointer, _ databases: Databases
    ) throws(RawLMDBError) {
        let position = UnsafeRawBufferPointer(rebasing: arena[spans.position])
        let empty = UnsafeRawBufferPointer(rebasing: arena[0..<0])
        let noOverwrite = UInt32(MDB_NOOVERWRITE)
        try rawPut(
            txn, databases.events, key: position, value: UnsafeRawBufferPointer(rebasing: arena[spans.record]),
            flags: UInt32(MDB_APPEND))
        try rawPut(
            txn, databases.streams, key: UnsafeRawBufferPointer(rebasing: arena[spans.streamKey]), value: position,
            flags: noOverwrite)
        try rawPut(
            txn, databases.eventIDs, key: UnsafeRawBufferPointer(rebasing: arena[spans.eventID]), value: position,
            flags: noOverwrite)
        try rawPut(
            txn, databases.byType, key: UnsafeRawBufferPointer(rebasing: arena[spans.typeKey]), value: empty,
            flags: noOverwrite)
        try rawPut(
            txn, databases.byCategory, key: UnsafeRawBufferPointer(rebasing: arena[spans.categoryKey]), value: empty,
            flags: noOverwrite)
    }
}
