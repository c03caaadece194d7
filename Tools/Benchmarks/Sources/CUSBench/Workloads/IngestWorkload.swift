import Ledger

/// P1 (ledger.md §5.2): batched ingest, one `append` call (one durable transaction) per batch, framing, four
/// indexes and Merkle included, against raw puts of the same bytes in batches of the same size.
struct IngestWorkload {
    let layout: StreamLayout
    let eventsPerTransaction: Int
    let settings: BenchmarkSettings

    var name: String { "P1 ingest \(layout.name), \(Format.grouped(eventsPerTransaction))/txn" }

    func run() async throws -> BenchmarkResult {
        let count = settings.ingestEvents
        Progress.log("\(name): preparing \(Format.grouped(count)) events, \(layout)")
        let corpus = try EventCorpus(layout: layout)
        let encoded = EncodedEvents(corpus, count: count)
        let requests = stride(from: 0, to: count, by: eventsPerTransaction).map { start in
            corpus.appendRequest(start..<min(start + eventsPerTransaction, count))
        }
        let samples = try await PairedSamples.interleaved(runs: settings.runs, label: name) {
            try await ScratchDirectory.with(base: settings.directory) { directory in
                try RawIngest.run(
                    encoded, eventsPerTransaction: eventsPerTransaction, directory: directory + "/raw",
                    mapSizeBytes: settings.mapSizeBytes)
            }
        } ours: {
            try await ScratchDirectory.with(base: settings.directory) { directory in
                let ledger = try settings.openLedger(in: directory)
                defer { ledger.close() }
                return try await settings.ingest(requests, into: ledger)
            }
        }
        let streamParts = requests.first?.count ?? 0
        return .comparison(
            name, samples,
            note: "\(Format.grouped(count)) events, \(layout), \(streamParts) StreamAppend part(s) per append call")
    }
}
