import Ledger
import Projections

/// What the projection workloads share: the generated data directory they read, runs, scratch directory,
/// map size and the live-lag load.
struct ProjectionBenchSettings: Sendable, Encodable {
    var runs: Int
    var directory: String
    var mapSizeBytes: Int
    /// A data directory made by `cus generate`; its ledger is opened read-only.
    var data: String
    var memoryData: String
    /// The views the rebuild workload builds alone; empty for all of them.
    var views: [String]
    var lagRate: Int
    var lagSeconds: Double
    /// The live engine's spacing of catch-ups (ADR 0021).
    var catchUpInterval: Duration
    var lingerMicroseconds: UInt32

    /// The source ledger, read-only (readers never take the writer lock).
    func openSource(_ data: String) throws -> Ledger {
        try Ledger(Ledger.Options(dataDirectory: data, readOnly: true, initialMapSizeBytes: mapSizeBytes))
    }

    /// Builds `projections` from position 0 of `data`'s ledger into a fresh projections environment under
    /// `directory` with `workers` builders applying at once (one per core by default); times the build only.
    /// `willStart` runs just before it (the memory workload's first sample).
    func rebuild(
        _ projections: [any Projection], from data: String, in directory: String,
        workers: Int = ProjectionBuilder.coresAvailable, willStart: () -> Void = {}
    ) throws -> Throughput {
        let ledger = try openSource(data)
        defer { ledger.close() }
        let store = try ProjectionsStore(directory: directory + "/projections")
        defer { store.close() }
        let size = try ledger.treeSize()
        let builder = ProjectionBuilder(ledger: ledger, store: store, workers: workers)
        willStart()
        return try Stopwatch.measure {
            let records = try builder.build(projections, slot: .live, upTo: size)
            for record in records where record.failure != nil || record.checkpoint != size {
                throw BenchmarkError("a rebuild stopped at \(record.checkpoint): \(String(describing: record.failure))")
            }
            return Int(size)
        }
    }

    /// The projections the release builds, with their names.
    static var projections: [any Projection] { ProjectionCatalogue.projections }
    static func name(_ projection: any Projection) -> String { type(of: projection).name }
}
