import Ledger

/// Full scan: decode every record of a ledger into `RecordedEvent` (`Ledger.scanEvents`, the replay path) against a raw cursor over `events` that reads every cache line. A third side,
/// `scanRecords` alone, splits the ledger's time between walking and decoding. Warm page cache: the ledger
/// is built in the same run and scanned once before timing.
struct ScanWorkload {
    let settings: BenchmarkSettings

    private static let buildEventsPerTransaction = 10_000
    private static let layout = StreamLayout.grouped(eventsPerStream: 100)

    func run() async throws -> [BenchmarkResult] {
        try await ScratchDirectory.with(base: settings.directory) { directory in
            let build = try await buildLedger(directory)
            let environment = BenchmarkSettings.ledgerEnvironment(in: directory)
            let mapSize = settings.mapSizeBytes
            _ = try RawScan.run(ledgerEnvironment: environment, mapSizeBytes: mapSize)
            let samples = try await PairedSamples.interleaved(
                runs: settings.runs, label: "Full scan",
                baseline: { try RawScan.run(ledgerEnvironment: environment, mapSizeBytes: mapSize) },
                candidates: [
                    .init(label: "decode") { try scanLedger(directory, decode: true) },
                    .init(label: "records only") { try scanLedger(directory, decode: false) },
                ])
            let verifySamples = try await PairedSamples.interleaved(
                runs: settings.runs, label: "P4 verify",
                baseline: { try RawScan.run(ledgerEnvironment: environment, mapSizeBytes: mapSize, hashing: true) },
                candidates: [
                    .init(label: "hash and tree") { try verifyLedger(directory, checkIndexes: false) },
                    .init(label: "full verify") { try verifyLedger(directory, checkIndexes: true) },
                ])
            let events = Format.grouped(settings.scanEvents)
            return [
                .comparison(
                    "P4 verify, hash-and-tree pass", verifySamples[0], target: 0.70, targetOn: .ratio,
                    note: "re-hash every record, rebuild the tree, compare tiles and checkpoints; baseline: raw scan + "
                        + "one SHA-256 per record"),
                .comparison(
                    "P4 verify, full (records + indexes)", verifySamples[1], target: nil, targetOn: nil,
                    note: "adds decoding, stream-version contiguity and four index look-ups per record"),
                .comparison(
                    "Full scan + decode", samples[0],
                    note: "\(events) events, warm cache; baseline: raw cursor scan touching every 64 B line"),
                .comparison("Full scan, scanRecords only", samples[1], target: nil, targetOn: nil),
                BenchmarkResult(
                    name: "Scan ledger build, \(Self.layout.name) 10,000/txn", value: Summary([build.eventsPerSecond]),
                    unit: "events/s", cpu: Summary([build.cpuMicrosecondsPerEvent]),
                    note: "one build of the \(events)-event ledger the scans read; no baseline"),
            ]
        }
    }

    /// `cus ledger verify`'s pass over the whole ledger; the hash-and-tree pass skips decoding and indexes.
    private func verifyLedger(_ directory: String, checkIndexes: Bool) throws -> Throughput {
        let ledger = try settings.openLedger(in: directory, readOnly: true)
        defer { ledger.close() }
        let options = LedgerVerifier.Options(checkIndexes: checkIndexes, checkRecords: checkIndexes)
        let throughput = try Stopwatch.measure {
            let report = try LedgerVerifier(ledger: ledger, options: options).verify()
            guard report.ok else { throw BenchmarkError("verify failed: \(report.problems.prefix(2))") }
            return Int(report.size)
        }
        guard throughput.events == settings.scanEvents else {
            throw BenchmarkError("verified \(throughput.events) records of \(settings.scanEvents)")
        }
        return throughput
    }

    /// Appends the corpus in batches generated on the fly, so a million events never sit in memory at once.
    private func buildLedger(_ directory: String) async throws -> Throughput {
        let count = settings.scanEvents
        Progress.log("Full scan: building a \(Format.grouped(count))-event ledger")
        let corpus = try EventCorpus(layout: Self.layout)
        let ledger = try settings.openLedger(in: directory)
        defer { ledger.close() }
        var (seconds, cpuSeconds) = (0.0, 0.0)
        for start in stride(from: 0, to: count, by: Self.buildEventsPerTransaction) {
            let request = corpus.appendRequest(start..<min(start + Self.buildEventsPerTransaction, count))
            let batch = try await settings.ingest([request], into: ledger, expectingSize: UInt64(start))
            (seconds, cpuSeconds) = (seconds + batch.seconds, cpuSeconds + batch.cpuSeconds)
        }
        return Throughput(events: count, seconds: seconds, cpuSeconds: cpuSeconds)
    }

    private func scanLedger(_ directory: String, decode: Bool) throws -> Throughput {
        let ledger = try settings.openLedger(in: directory, readOnly: true)
        defer { ledger.close() }
        var checksum: UInt64 = 0
        let throughput = try Stopwatch.measure {
            var count = 0
            if decode {
                try ledger.scanEvents(from: .zero) { event in
                    checksum &+= event.version.rawValue &+ UInt64(event.payload.count)
                    count += 1
                }
            } else {
                try ledger.scanRecords(from: .zero) { _, bytes in
                    checksum &+= UInt64(bytes.count)
                    count += 1
                }
            }
            return count
        }
        blackHole(checksum)
        guard throughput.events == settings.scanEvents else {
            throw BenchmarkError("scanned \(throughput.events) records of \(settings.scanEvents)")
        }
        return throughput
    }
}
