import LMDB
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What `cus ledger stats` reports: counts, sizes, time range and reader use.
public struct LedgerStatistics: Sendable, Equatable {
    public var events: UInt64
    public var streams: UInt64
    public var sizeBytes: Int
    public var mapSizeBytes: Int
    public var mapUsedBytes: Int
    public var firstPosition: Position?
    public var lastPosition: Position?
    public var firstRecordedAt: Timestamp?
    public var lastRecordedAt: Timestamp?
    public var byType: [String: UInt64]
    public var byCategory: [String: UInt64]
    public var readers: Int
    public var maxReaders: Int
}

extension Ledger {
    public func statistics() throws(LedgerError) -> LedgerStatistics {
        let info: EnvironmentInfo
        do { info = try environment.info() } catch { throw LedgerError.storage(error, "reading environment info") }
        return try snapshot("reading statistics") { txn, lookup in
            let size = try lookup.treeSize()
            let streams = try txn.value(in: databases.meta, key: MetaKey.streamCount).flatMap(IndexKeys.uint64) ?? 0
            let first = size > 0 ? try lookup.record(at: .zero) : nil
            let last = size > 0 ? try lookup.record(at: Position(size - 1)) : nil
            return LedgerStatistics(
                events: size, streams: streams, sizeBytes: FileSize.of(environment.path + "/data.mdb"),
                mapSizeBytes: info.mapSizeBytes, mapUsedBytes: info.usedBytes,
                firstPosition: first?.position, lastPosition: last?.position,
                firstRecordedAt: first?.recordedAt, lastRecordedAt: last?.recordedAt,
                byType: try Self.countByName(txn, databases.byType),
                byCategory: try Self.countByName(txn, databases.byCategory),
                readers: info.readersInUse, maxReaders: info.maxReaders)
        }
    }

    /// Counts `len ‖ name ‖ position` keys per name in one pass over the index.
    private static func countByName(_ txn: Transaction, _ index: Database) throws -> [String: UInt64] {
        try txn.withCursor(index) { cursor in
            var counts: [String: UInt64] = [:]
            var currentName: [UInt8] = []
            var currentCount: UInt64 = 0
            var entry = try cursor.first()
            while let key = entry?.key {
                guard let length = key.first, key.count == 1 + Int(length) + 8 else {
                    throw LedgerError(.corrupted, "\(index.name) holds a malformed key")
                }
                if !key[1...Int(length)].elementsEqual(currentName) {
                    if currentCount > 0 { counts[String(decoding: currentName, as: UTF8.self)] = currentCount }
                    currentName = Array(key[1...Int(length)])
                    currentCount = 0
                }
                currentCount += 1
                entry = try cursor.next()
            }
            if currentCount > 0 { counts[String(decoding: currentName, as: UTF8.self)] = currentCount }
            return counts
        }
    }
}

enum FileSize {
    static func of(_ path: String) -> Int {
        var status = stat()
        return stat(path, &status) == 0 ? Int(status.st_size) : 0
    }
}
