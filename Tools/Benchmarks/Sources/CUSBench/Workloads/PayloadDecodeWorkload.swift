import Domain
import Foundation

/// Issue #5's codec against Foundation JSON (ADR 0006): decode the clear parts of a realistic mix of domain
/// events on one core, `EventCodec.decode` over pre-encoded binary clear parts against `JSONDecoder` over the
/// same events' JSON form (`EventCodec.clearJSON`). No LMDB: the bytes sit in memory, built before timing.
struct PayloadDecodeWorkload {
    let settings: DomainSettings

    private struct Prepared {
        var clears: [[UInt8]] = []
        var kinds: [UInt8] = []
        var documents: [Data] = []
        var clearBytes = 0
        var documentBytes = 0
    }

    func run(_ corpus: DomainCorpus) async throws -> [BenchmarkResult] {
        let prepared = try prepare(corpus)
        let table = corpus.kinds
        let decoders = try table.map { kind in try ClearPartJSONDecoder(eventType: kind.eventType) }
        try check(prepared, corpus, decoders)
        let samples = try await PairedSamples.interleaved(
            runs: settings.runs, label: "payload-decode", baselineLabel: "JSONDecoder",
            baseline: { try Self.decodeJSON(prepared.documents, kinds: prepared.kinds, decoders: decoders) },
            candidates: [
                .init(label: "binary") { try Self.decodeBinary(prepared.clears, kinds: prepared.kinds, table: table) }
            ])
        let averageClear = Double(prepared.clearBytes) / Double(prepared.clears.count)
        let averageDocument = Double(prepared.documentBytes) / Double(prepared.documents.count)
        return [
            .comparison(
                "payload-decode: EventCodec.decode (binary) vs JSONDecoder", samples[0], target: 1_000_000,
                targetOn: .value,
                note: "one core, in memory; \(Format.grouped(prepared.clears.count)) binary clear parts "
                    + "(\(Format.number(averageClear)) B avg) vs the first \(Format.grouped(prepared.documents.count)) "
                    + "as JSON (\(Format.number(averageDocument)) B avg), \(table.count) types × "
                    + "\(corpus.variantsPerType) variants, fresh context each; ratio = binary ÷ JSONDecoder "
                    + "(speed-up); target: P3's 1,000,000 events/s for decode alone"),
            BenchmarkResult(
                name: "payload-decode: clear part size, binary vs JSON", value: Summary([averageClear]), unit: "B",
                baseline: Summary([averageDocument]), ratio: Summary([averageClear / averageDocument]),
                note: "mean bytes per event; ratio = binary ÷ JSON"),
        ]
    }

    private func prepare(_ corpus: DomainCorpus) throws -> Prepared {
        let count = settings.decodeEvents
        let documentCount = min(settings.jsonEvents, count)
        Progress.log(
            "payload-decode: encoding \(Format.grouped(count)) clear parts and \(Format.grouped(documentCount)) "
                + "JSON documents (\(corpus.kinds.count) types; \(corpus.variedFields) of \(corpus.fields) sample "
                + "fields varied)")
        var prepared = Prepared()
        prepared.clears.reserveCapacity(count)
        prepared.kinds.reserveCapacity(count)
        prepared.documents.reserveCapacity(documentCount)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        for index in 0..<count {
            let clear = corpus.encoded(index).clear
            prepared.clearBytes += clear.count
            prepared.clears.append(clear)
            prepared.kinds.append(UInt8(corpus.kindIndex(index)))
            if index < documentCount {
                let document = try EventCodec.clearJSON(
                    corpus.event(index), context: corpus.context(index), encoder: encoder)
                prepared.documentBytes += document.count
                prepared.documents.append(document)
            }
        }
        return prepared
    }

    /// Both decoders read back what was encoded, for a few rounds of every type (outside the timing).
    private func check(_ prepared: Prepared, _ corpus: DomainCorpus, _ decoders: [ClearPartJSONDecoder]) throws {
        for index in 0..<min(prepared.documents.count, corpus.kinds.count * 4) {
            let kind = corpus.kinds[Int(prepared.kinds[index])]
            let binary = try EventCodec.decode(
                eventType: kind.eventType, schemaVersion: kind.schemaVersion, clear: prepared.clears[index])
            let json = try decoders[Int(prepared.kinds[index])].decode(prepared.documents[index])
            guard EventCodec.encode(binary.event, context: binary.context).clear == prepared.clears[index],
                binary.context == corpus.context(index), json.context == binary.context, json.event == binary.event
            else { throw BenchmarkError("event \(index) (\(kind.eventType)) does not read back alike") }
        }
    }

    private static func decodeBinary(_ clears: [[UInt8]], kinds: [UInt8], table: [DomainCorpus.Kind]) throws
        -> Throughput
    {
        var checksum: Int64 = 0
        let throughput = try Stopwatch.measure {
            for index in clears.indices {
                let kind = table[Int(kinds[index])]
                let decoded = try EventCodec.decode(
                    eventType: kind.eventType, schemaVersion: kind.schemaVersion, clear: clears[index])
                checksum &+= decoded.context.occurredAt.microsecondsSinceEpoch
            }
            return clears.count
        }
        blackHole(checksum)
        return throughput
    }

    private static func decodeJSON(_ documents: [Data], kinds: [UInt8], decoders: [ClearPartJSONDecoder]) throws
        -> Throughput
    {
        var checksum: Int64 = 0
        let throughput = try Stopwatch.measure {
            for index in documents.indices {
                let decoded = try decoders[Int(kinds[index])].decode(documents[index])
                checksum &+= decoded.context.occurredAt.microsecondsSinceEpoch
            }
            return documents.count
        }
        blackHole(checksum)
        return throughput
    }
}

/// Reads one event type's JSON clear part, `{"context": …, "event": …}`, in one `JSONDecoder` pass through the
/// generated `Codable` conformances that `DomainEvent.decodeJSON` uses. A record carries its type beside the
/// payload, so the type is known before decoding, as it is for the binary side.
struct ClearPartJSONDecoder {
    let decode: (Data) throws -> (context: EventContext, event: DomainEvent)

    init(eventType: String) throws {
        guard let sample = DomainEvent.samples.first(where: { $0.eventType == eventType }) else {
            throw BenchmarkError("no sample of \(eventType)")
        }
        decode = Self.decoding(like: sample.payload)
    }

    private static func decoding<Payload: DomainEventPayload>(like _: Payload)
        -> (Data) throws -> (context: EventContext, event: DomainEvent)
    {
        let decoder = JSONDecoder()
        return { data in
            let part = try decoder.decode(ClearPart<Payload>.self, from: data)
            guard let event = DomainEvent(part.event) else {
                throw BenchmarkError("\(Payload.eventType) is not a current type")
            }
            return (part.context, event)
        }
    }

    private struct ClearPart<Payload: DomainEventPayload>: Decodable {
        let context: EventContext
        let event: Payload
    }
}
