import Ledger

/// What every workload shares: how many interleaved runs, where scratch directories go, and the map size both
/// sides open with.
struct BenchmarkSettings: Sendable, Encodable {
    var runs: Int
    var directory: String
    var mapSizeBytes: Int
    var ingestEvents: Int
    var scanEvents: Int
    var concurrentTasks: Int
    var concurrentSeconds: Double
    /// The writer's group-commit linger (ADR 0005); the ledger's default unless set.
    var lingerMicroseconds: UInt32

    /// The data directory inside a scratch directory, so its sibling `data.keys/` (the signing key, ledger.md
    /// §3.3) is removed with the scratch directory too.
    static func dataDirectory(in scratch: String) -> String { scratch + "/data" }

    /// The ledger env of that data directory (`DIR/ledger/`), for the raw scan.
    static func ledgerEnvironment(in scratch: String) -> String { dataDirectory(in: scratch) + "/ledger" }

    /// The ledger as production opens it (default sync, `MDB_NOTLS`, writer lock), with the benchmark's map.
    func openLedger(in scratch: String, readOnly: Bool = false) throws -> Ledger {
        var options = Ledger.Options(
            dataDirectory: Self.dataDirectory(in: scratch), readOnly: readOnly, initialMapSizeBytes: mapSizeBytes,
            writerPurpose: "cus-bench")
        options.groupCommitLingerMicroseconds = lingerMicroseconds
        return try Ledger(options)
    }

    /// Appends each request with one `append` call (so one transaction each, nothing else being queued) and
    /// returns the events written; checks the tree size afterwards, outside the timing.
    func ingest(_ requests: [[StreamAppend]], into ledger: Ledger, expectingSize initialSize: UInt64 = 0)
        async throws -> Throughput
    {
        let eventCount = requests.reduce(0) { total, request in total + request.reduce(0) { $0 + $1.events.count } }
        let throughput = try await Stopwatch.measure {
            for request in requests { _ = try await ledger.append(request) }
            return eventCount
        }
        let size = try ledger.treeSize()
        guard size == initialSize + UInt64(eventCount) else {
            throw BenchmarkError("the ledger holds \(size) events after appending \(eventCount) to \(initialSize)")
        }
        return throughput
    }
}
