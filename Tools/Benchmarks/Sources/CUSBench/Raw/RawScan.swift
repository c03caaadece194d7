import CLMDB
import Ledger

/// The raw baseline of the full scan: a cursor over `events` of an existing ledger env, in one read-only
/// transaction, reading one byte of every 64-byte cache line of each record (ledger.md §5.2 "raw scan"), or,
/// for P4, hashing each record once with SHA-256 (BoringSSL's context on the stack, as `RFC6962.leafHash`).
enum RawScan {
    static func run(ledgerEnvironment path: String, mapSizeBytes: Int, hashing: Bool = false) throws -> Throughput {
        let environment = try RawEnvironment(path: path, mapSizeBytes: mapSizeBytes, readOnly: true)
        let events = try environment.openDatabases(["events"], create: false)[0]
        var checksum: UInt64 = 0
        let throughput = try Stopwatch.measure {
            try environment.withTransaction(readOnly: true) { txn throws(RawLMDBError) in
                var cursor: OpaquePointer?
                try check(mdb_cursor_open(txn, events, &cursor), "mdb_cursor_open")
                defer { mdb_cursor_close(cursor) }
                var key = MDB_val()
                var value = MDB_val()
                var count = 0
                var code = mdb_cursor_get(cursor, &key, &value, MDB_FIRST)
                while code == MDB_SUCCESS {
                    let record = UnsafeRawBufferPointer(start: value.mv_data, count: value.mv_size)
                    if hashing {
                        checksum &+= UInt64(RFC6962.leafHash(of: record).withUnsafeBytes { $0[0] })
                    } else {
                        checksum &+= touchCacheLines(record)
                    }
                    count += 1
                    code = mdb_cursor_get(cursor, &key, &value, MDB_NEXT)
                }
                if code != MDB_NOTFOUND { try check(code, "mdb_cursor_get") }
                return count
            }
        }
        blackHole(checksum)
        return throughput
    }

    @inline(__always)
    private static func touchCacheLines(_ record: UnsafeRawBufferPointer) -> UInt64 {
        guard !record.isEmpty else { return 0 }
        var sum: UInt64 = UInt64(record[record.count - 1])
        for offset in stride(from: 0, to: record.count, by: 64) { sum &+= UInt64(record[offset]) }
        return sum
    }
}
