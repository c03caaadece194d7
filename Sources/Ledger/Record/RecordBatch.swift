/// Up to ~64 KiB of records from one read snapshot, decoded together so their payloads slice one buffer
/// (ADR 0007): one allocation per batch instead of one per payload, and none at all when the caller keeps no
/// payload, because the emptied buffer is then uniquely referenced and reused.
///
/// The cursor walk only notes where each record lies; `decodeAll` then copies the whole batch in one tight loop,
/// so the cache misses of many records overlap instead of stalling between cursor steps, and decodes from the
/// copy. `decodeAll` must run before the snapshot closes. Nothing is copied in while decoded payloads may still
/// share the buffer, so a payload's bytes never change and the buffer is copied on write only if one was kept.
struct RecordBatch {
    static let bytesTarget = 64 * 1024

    private var pending: [(position: Position, bytes: UnsafeRawBufferPointer)] = []
    private var pendingBytes = 0
    private var buffer: [UInt8] = []
    private var ranges: [Range<Int>] = []

    init() {
        buffer.reserveCapacity(Self.bytesTarget)
    }

    /// True when `count` more bytes would take a non-empty batch past its target; a larger record goes alone.
    func isFull(adding count: Int) -> Bool {
        !pending.isEmpty && pendingBytes + count > Self.bytesTarget
    }

    /// Notes a record; its bytes must stay valid until the next `decodeAll`.
    mutating func append(_ position: Position, _ record: UnsafeRawBufferPointer) {
        pending.append((position, record))
        pendingBytes += record.count
    }

    /// Copies the noted records, decodes them in position order, calls `body` with each event, and empties the
    /// batch.
    mutating func decodeAll(_ decoder: inout RecordDecoder, _ body: (RecordedEvent) throws -> Void) throws {
        defer {
            pending.removeAll(keepingCapacity: true)
            pendingBytes = 0
            ranges.removeAll(keepingCapacity: true)
            buffer.removeAll(keepingCapacity: true)
        }
        for record in pending {
            let start = buffer.count
            buffer.append(contentsOf: record.bytes)
            ranges.append(start..<buffer.count)
        }
        do {  // `shared` ends here, so the emptied buffer is unique again unless a payload was kept
            let shared = buffer
            try shared.withUnsafeBytes { copied in
                for (record, range) in zip(pending, ranges) {
                    let event = try decoder.decode(
                        UnsafeRawBufferPointer(rebasing: copied[range]), expectedPosition: record.position
                    ) { payload in
                        Payload(
                            shared[(range.lowerBound + payload.lowerBound)..<(range.lowerBound + payload.upperBound)])
                    }
                    try body(event)
                }
            }
        }
    }
}
