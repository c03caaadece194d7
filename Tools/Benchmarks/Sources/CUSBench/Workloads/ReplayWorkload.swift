import Commands
import Domain
import Foundation
import Ledger

/// P3's decode half (ledger.md §5.2): a ledger of domain events written through `Ledger.append`, then one
/// core replays it, `scanEvents` (envelope) + `EventCodec.decode` (payload) per record + a trivial fold (count
/// per type), against the raw cursor scan that reads every cache line. P3 proper also writes projection rows
/// and a checkpoint (a later issue); this is the part of its budget that decoding takes. A second side, the
/// envelope and fold without the payload, splits the time.
struct ReplayWorkload {
    let settings: DomainSettings

    static let name = "replay decode (envelope + payload, no projection writes)"
    private static let eventsPerTransaction = 10_000
    private static let eventsPerChunk = 100
    private static let actor = "system:cus-bench"

    func run(_ corpus: DomainCorpus) async throws -> [BenchmarkResult] {
        let ledgerSettings = settings.ledgerSettings
        return try await ScratchDirectory.with(base: settings.directory) { directory in
            let build = try await buildLedger(directory, corpus)
            let environment = BenchmarkSettings.ledgerEnvironment(in: directory)
            let mapSize = settings.mapSizeBytes
            _ = try RawScan.run(ledgerEnvironment: environment, mapSizeBytes: mapSize)
            let samples = try await PairedSamples.interleaved(
                runs: settings.runs, label: "replay",
                baseline: { try RawScan.run(ledgerEnvironment: environment, mapSizeBytes: mapSize) },
                candidates: [
                    .init(label: "envelope + payload") {
                        try replay(ledgerSettings, directory, corpus, decodePayload: true)
                    },
                    .init(label: "envelope only") {
                        try replay(ledgerSettings, directory, corpus, decodePayload: false)
                    },
                ])
            let events = Format.grouped(settings.replayEvents)
            return [
                .comparison(
                    Self.name, samples[0], target: 1_000_000, targetOn: .value,
                    note: "\(events) domain events (\(corpus.kinds.count) types, sealed parts on personal ones), warm "
                        + "cache, one core: scanEvents + EventCodec.decode + count per type; baseline: raw cursor "
                        + "scan touching every 64 B line; target: P3's 1,000,000 events/s, which also needs "
                        + "projection writes"),
                .comparison(
                    "replay, envelope only (scanEvents + fold)", samples[1], target: nil, targetOn: nil,
                    note: "the same without EventCodec.decode: the payload's share is the difference"),
                BenchmarkResult(
                    name: "replay ledger build, 10,000/txn", value: Summary([build.throughput.eventsPerSecond]),
                    unit: "events/s", cpu: Summary([build.throughput.cpuMicrosecondsPerEvent]),
                    note: "one build through Ledger.append; records \(Format.number(build.averageRecordBytes)) B "
                        + "avg (clear part \(Format.number(build.averageClearBytes)) B, \(Format.percent(build.sealedShare)) "
                        + "with a sealed part); no baseline"),
            ]
        }
    }

    private struct Build {
        let throughput: Throughput
        let averageRecordBytes: Double
        let averageClearBytes: Double
        let sealedShare: Double
    }

    /// Appends the corpus in 10,000-event `append` calls, each with one `StreamAppend` per (category, chunk of
    /// 100 events): streams of about a dozen events, each opened with `.noStream`.
    private func buildLedger(_ directory: String, _ corpus: DomainCorpus) async throws -> Build {
        let count = settings.replayEvents
        Progress.log("replay: building a \(Format.grouped(count))-event ledger of domain events")
        let ledger = try settings.ledgerSettings.openLedger(in: directory)
        defer { ledger.close() }
        var (seconds, cpuSeconds, clearBytes, sealed) = (0.0, 0.0, 0, 0)
        var generator = SplitMix64(seed: 0x5EA1_ED)
        for start in stride(from: 0, to: count, by: Self.eventsPerTransaction) {
            var parts: [StreamAppend] = []
            var partIndex: [String: Int] = [:]
            for index in start..<min(start + Self.eventsPerTransaction, count) {
                let (event, category) = try newEvent(corpus, index, using: &generator)
                clearBytes += event.payload.count
                sealed += event.sealed == nil ? 0 : 1
                let key = "\(category)/\(index / Self.eventsPerChunk)"
                if let part = partIndex[key] {
                    parts[part].events.append(event)
                } else {
                    partIndex[key] = parts.count
                    var streamGenerator = SplitMix64(
                        seed: key.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 })
                    let id = UUID.random(using: &streamGenerator)
                    let stream = StreamID(category: try Category(category), id: UUID128(id))
                    parts.append(StreamAppend(stream: stream, expectedVersion: .noStream, events: [event]))
                }
            }
            let batch = try await settings.ledgerSettings.ingest([parts], into: ledger, expectingSize: UInt64(start))
            (seconds, cpuSeconds) = (seconds + batch.seconds, cpuSeconds + batch.cpuSeconds)
        }
        var recordBytes = 0
        try ledger.scanRecords(from: .zero) { _, bytes in recordBytes += bytes.count }
        return Build(
            throughput: Throughput(events: count, seconds: seconds, cpuSeconds: cpuSeconds),
            averageRecordBytes: Double(recordBytes) / Double(count),
            averageClearBytes: Double(clearBytes) / Double(count),
            sealedShare: Double(sealed) / Double(count))
    }

    /// The event as `CommandPipeline.seal` makes it, except that the personal fields' "ciphertext" is random
    /// bytes of the AEAD's size (replay never opens it; the Vault is not what this measures).
    private func newEvent(_ corpus: DomainCorpus, _ index: Int, using generator: inout SplitMix64) throws
        -> (NewEvent, category: String)
    {
        let context = corpus.context(index)
        let encoded = EventCodec.encode(corpus.event(index), context: context)
        let command = UUID128(context.commandId)
        var sealed: SealedPart?
        if let plaintext = encoded.personalPlaintext, let subject = encoded.dataSubject {
            sealed = SealedPart(
                keyID: UUID128(subject), algorithm: .chaChaPoly,
                nonce: Self.randomBytes(SealedPart.nonceBytes, using: &generator),
                ciphertextAndTag: Self.randomBytes(plaintext.count + SealedPart.tagBytes, using: &generator))
        }
        let event = NewEvent(
            id: EventID.derived(commandID: command, index: 0), type: try EventType(encoded.eventType),
            schemaVersion: encoded.schemaVersion, payload: encoded.clear, sealed: sealed,
            metadata: EventMetadata(actor: Self.actor, correlationID: command))
        return (event, encoded.category)
    }

    private static func randomBytes(_ count: Int, using generator: inout SplitMix64) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    }

    private func replay(
        _ ledgerSettings: BenchmarkSettings, _ directory: String, _ corpus: DomainCorpus, decodePayload: Bool
    ) throws -> Throughput {
        let ledger = try ledgerSettings.openLedger(in: directory, readOnly: true)
        defer { ledger.close() }
        var counts: [String: Int] = [:]
        var checksum: Int64 = 0
        let throughput = try Stopwatch.measure {
            var count = 0
            try ledger.scanEvents(from: .zero) { record in
                if decodePayload {
                    let decoded = try EventCodec.decode(
                        eventType: record.type.name, schemaVersion: record.schemaVersion, clear: Array(record.payload))
                    checksum &+= decoded.context.occurredAt.microsecondsSinceEpoch
                }
                counts[record.type.name, default: 0] += 1
                count += 1
            }
            return count
        }
        blackHole(checksum)
        guard throughput.events == settings.replayEvents, counts.count == min(corpus.kinds.count, settings.replayEvents)
        else {
            throw BenchmarkError("replayed \(throughput.events) records of \(counts.count) types")
        }
        return throughput
    }
}
