/// Appends synthetic events with no personal data through the normal append path: for demos, benchmarks and
/// crash tests (`cus ledger seed`). Event `i` of a run goes to stream `i mod streamCount` of that run, so the
/// indexes see the interleaved layout of ledger.md §5.1 (the worst case).
public struct LedgerSeeder: Sendable {
    /// Stable names of the seed events (clear payload only, exported as `payloadBase64`).
    public static let eventType = EventType(validated: "ledger.SeedEvent")
    public static let category = Category(validated: "seed")
    public static let actor = "system:seed"
    public static let payloadBytes = 250

    public let streamCount: Int
    public let eventsPerAppend: Int
    private let streams: [StreamID]

    public init(streamCount: Int, eventsPerAppend: Int = 5_000) throws(LedgerError) {
        guard streamCount >= 1, (1...LedgerLimits.appendEventsMax).contains(eventsPerAppend) else {
            throw LedgerError(
                .invalidArgument, "seeding needs ≥ 1 stream and 1…\(LedgerLimits.appendEventsMax) events per append")
        }
        self.streamCount = streamCount
        self.eventsPerAppend = eventsPerAppend
        streams = (0..<streamCount).map { _ in StreamID(category: Self.category, id: .random()) }
    }

    /// Appends `count` events, calling `progress` with the running total after each append.
    public func seed(
        _ store: some EventStore, count: UInt64, clock: LedgerClock = .system, progress: (UInt64) -> Void = { _ in }
    ) async throws(LedgerError) {
        var nextVersion = [StreamVersion?](repeating: nil, count: streamCount)
        var appended: UInt64 = 0
        var randomness = SystemRandomNumberGenerator()
        while appended < count {
            let batchSize = Int(min(UInt64(eventsPerAppend), count - appended))
            let commandID = UUID128.version7(
                unixMilliseconds: UInt64(max(0, clock.now().rawValue / 1000)), using: &randomness)
            var eventsByStream: [Int: [NewEvent]] = [:]
            for offset in 0..<batchSize {
                let sequence = appended + UInt64(offset)
                let event = NewEvent(
                    id: .derived(commandID: commandID, index: UInt32(offset)), type: Self.eventType,
                    payload: Self.payload(sequence: sequence), metadata: EventMetadata(actor: Self.actor))
                eventsByStream[Int(sequence % UInt64(streamCount)), default: []].append(event)
            }
            let indices = eventsByStream.keys.sorted()
            let parts = indices.map { index in
                StreamAppend(
                    stream: streams[index], expectedVersion: nextVersion[index].map { .exact($0) } ?? .noStream,
                    events: eventsByStream[index] ?? [])
            }
            let results = try await store.append(parts)
            for (index, result) in zip(indices, results) { nextVersion[index] = result.streamVersion }
            appended += UInt64(batchSize)
            progress(appended)
        }
    }

    /// `payloadBytes` bytes of ASCII: a sequence number, then filler. Deterministic, so runs compare.
    static func payload(sequence: UInt64) -> [UInt8] {
        var bytes = Array("{\"seq\":\(sequence),\"note\":\"synthetic event, no personal data\",\"fill\":\"".utf8)
        let filler = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
        var index = Int(sequence % UInt64(filler.count))
        while bytes.count < payloadBytes - 2 {
            bytes.append(filler[index % filler.count])
            index += 1
        }
        bytes.append(contentsOf: Array("\"}".utf8))
        return bytes
    }
}
