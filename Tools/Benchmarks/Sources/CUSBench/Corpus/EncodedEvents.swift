import Ledger

/// What the ledger puts for each corpus event, pre-encoded for the raw baseline: the exact record bytes
/// (`RecordEncoder`, positions from 0) and the four index keys of ledger.md §2.2, all in one buffer as a C
/// program would hold them. Only `recordedAt` differs from the ledger's records (one fixed instant).
struct EncodedEvents: Sendable {
    /// Where one event's bytes sit in `arena`.
    struct Spans: Sendable {
        let position: Range<Int>
        let record: Range<Int>
        let streamKey: Range<Int>
        let eventID: Range<Int>
        let typeKey: Range<Int>
        let categoryKey: Range<Int>
    }

    private(set) var arena: [UInt8] = []
    private(set) var spans: [Spans] = []

    var count: Int { spans.count }

    init(_ corpus: EventCorpus, count: Int) {
        let recordedAt = Timestamp(microseconds: 1_767_225_600_000_000)
        spans.reserveCapacity(count)
        arena.reserveCapacity(count * 480)
        for index in 0..<count {
            let event = corpus.event(index)
            let (streamIndex, version) = corpus.layout.place(index)
            let stream = corpus.stream(streamIndex)
            let position = UInt64(index)
            let record = RecordEncoder.encode(
                event, stream: stream, version: StreamVersion(version), position: Position(position),
                recordedAt: recordedAt)
            spans.append(
                Spans(
                    position: add(IndexKeyEncoding.bigEndian(position)),
                    record: add(record),
                    streamKey: add(IndexKeyEncoding.stream(stream, version: version)),
                    eventID: add(event.id.rawValue.bytes),
                    typeKey: add(IndexKeyEncoding.name(event.type.name, position: position)),
                    categoryKey: add(IndexKeyEncoding.name(stream.category.name, position: position))))
        }
    }

    private mutating func add(_ bytes: [UInt8]) -> Range<Int> {
        let start = arena.count
        arena.append(contentsOf: bytes)
        return start..<arena.count
    }
}

/// The key encodings of ledger.md §2.2 (big-endian integers, length-prefixed names), written out here because
/// the ledger's own `IndexKeys` is internal to its module.
enum IndexKeyEncoding {
    static func bigEndian(_ value: UInt64) -> [UInt8] { withUnsafeBytes(of: value.bigEndian, Array.init) }

    /// `len u8 ‖ category ‖ streamUUID[16] ‖ version u64`.
    static func stream(_ stream: StreamID, version: UInt64) -> [UInt8] {
        lengthPrefixed(stream.category.name) + stream.id.bytes + bigEndian(version)
    }

    /// `len u8 ‖ name ‖ position u64`, for `byType` and `byCategory`.
    static func name(_ name: String, position: UInt64) -> [UInt8] {
        lengthPrefixed(name) + bigEndian(position)
    }

    private static func lengthPrefixed(_ name: String) -> [UInt8] { [UInt8(name.utf8.count)] + Array(name.utf8) }
}
