/// What the domain workloads share: runs, scratch directory, map size and how many events each uses.
struct DomainSettings: Sendable, Encodable {
    var runs: Int
    var directory: String
    var mapSizeBytes: Int
    /// Binary clear parts `payload-decode` decodes per run.
    var decodeEvents: Int
    /// The first this many of them also decoded as JSON (the baseline); a rate, so fewer keep runs short.
    var jsonEvents: Int
    /// Events in the ledger `replay` reads.
    var replayEvents: Int
    var variantsPerType: Int
    var lingerMicroseconds: UInt32

    /// The ledger side's settings, for opening and appending as `cus-bench ledger` does.
    var ledgerSettings: BenchmarkSettings {
        BenchmarkSettings(
            runs: runs, directory: directory, mapSizeBytes: mapSizeBytes, ingestEvents: 0, scanEvents: replayEvents,
            concurrentTasks: 1, concurrentSeconds: 0, lingerMicroseconds: lingerMicroseconds)
    }
}
