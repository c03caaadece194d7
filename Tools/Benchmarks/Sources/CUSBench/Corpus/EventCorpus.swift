import Ledger

/// The benchmark's events, each a pure function of its index: ~250-byte JSON-like payloads, five event types,
/// one category, random stream UUIDs and G4 event ids derived from UUIDv7 command ids (one command per event,
/// the time prefix rising every 1,000 events, so `eventIds` inserts stay near the right edge as in production).
struct EventCorpus: Sendable {
    static let category = "seed"
    static let typeNames = ["SeedRegistered", "SeedPlanted", "SeedWatered", "SeedSprouted", "SeedHarvested"]
    static let actor = "system:cus-bench"
    static let payloadBytes = 240...260
    private static let startMilliseconds: UInt64 = 1_767_225_600_000  // 2026-01-01T00:00Z

    let layout: StreamLayout
    let seed: UInt64
    private let category: Category
    private let types: [EventType]

    init(layout: StreamLayout, seed: UInt64 = 0xC05_1ED6) throws {
        self.layout = layout
        self.seed = seed
        category = try Category(Self.category)
        types = try Self.typeNames.map { name in try EventType(name) }
    }

    func stream(_ streamIndex: Int) -> StreamID {
        var generator = SplitMix64(seed: seed ^ (UInt64(streamIndex) &* 0x2545_F491_4F6C_DD1D))
        return StreamID(category: category, id: UUID128.random(using: &generator))
    }

    func event(_ index: Int) -> NewEvent {
        var generator = SplitMix64(seed: ~seed ^ UInt64(index))
        let command = UUID128.version7(
            unixMilliseconds: Self.startMilliseconds + UInt64(index / 1000), using: &generator)
        return NewEvent(
            id: EventID.derived(commandID: command, index: 0), type: types[index % types.count],
            payload: Self.payload(index), metadata: EventMetadata(actor: Self.actor))
    }

    /// One append request for events `range`: one `StreamAppend` per run of consecutive events of a stream,
    /// with the expected version a command would pass (`.noStream`, then `.exact(previous)`).
    func appendRequest(_ range: Range<Int>) -> [StreamAppend] {
        var parts: [StreamAppend] = []
        var seen = Set<Int>()
        var index = range.lowerBound
        while index < range.upperBound {
            let (streamIndex, firstVersion) = layout.place(index)
            precondition(seen.insert(streamIndex).inserted, "the layout puts a stream twice into one append")
            var events: [NewEvent] = []
            while index < range.upperBound && layout.place(index).stream == streamIndex {
                events.append(event(index))
                index += 1
            }
            let expected: ExpectedVersion = firstVersion == 0 ? .noStream : .exact(StreamVersion(firstVersion - 1))
            parts.append(StreamAppend(stream: stream(streamIndex), expectedVersion: expected, events: events))
        }
        return parts
    }

    /// `{"seq":…,"plot":"…","grams":…,"note":"xxxx…"}`, 240…260 bytes.
    static func payload(_ index: Int) -> [UInt8] {
        let length = payloadBytes.lowerBound + index % payloadBytes.count
        var bytes = Array("{\"seq\":\(index),\"plot\":\"p-\(index % 977)\",\"grams\":\(index % 1500),\"note\":\"".utf8)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "x"), count: max(0, length - bytes.count - 2)))
        bytes.append(contentsOf: Array("\"}".utf8))
        return bytes
    }
}
