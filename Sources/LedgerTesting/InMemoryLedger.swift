public import Ledger
import Synchronization

/// An `EventStore` in memory with the same record bytes, checks and Merkle root as the LMDB ledger: for
/// decider and command tests that need no storage, and as the model the conformance suite and simulations
/// compare the LMDB ledger with.
public final class InMemoryLedger: EventStore {
    private struct State {
        var records: [[UInt8]] = []
        var events: [RecordedEvent] = []
        var streams: [StreamID: [Position]] = [:]
        var eventIDs: [EventID: Position] = [:]
        var frontier = MerkleFrontier()
        var closed = false
    }

    private let state = Mutex(State())
    private let notifier = CommitNotifier(size: 0)
    private let clock: LedgerClock

    public init(clock: LedgerClock = .system) { self.clock = clock }

    public func close() {
        state.withLock { $0.closed = true }
        notifier.close()
    }

    public var isClosed: Bool { state.withLock { $0.closed } }

    /// The exact bytes stored at each position, for byte-level comparisons with the LMDB ledger.
    public var records: [[UInt8]] { state.withLock { $0.records } }

    /// The exact bytes stored from `position` on (none past the end).
    public func records(from position: Position) -> [[UInt8]] {
        state.withLock { state in
            guard position.rawValue < state.records.count else { return [] }
            return Array(state.records[Int(position.rawValue)...])
        }
    }

    public func append(_ appends: [StreamAppend]) async throws(LedgerError) -> [AppendResult] {
        let request = try PreparedAppend(appends)
        let recordedAt = clock.now()
        let (result, size) = state.withLock { state in
            (Self.apply(request, recordedAt: recordedAt, to: &state), UInt64(state.records.count))
        }
        notifier.publish(size: size)
        return try result.get()
    }

    private static func apply(_ request: PreparedAppend, recordedAt: Timestamp, to state: inout State)
        -> Result<[AppendResult], LedgerError>
    {
        let snapshot = state
        do {
            switch try Idempotency.classify(
                request,
                lookup: { id in
                    snapshot.eventIDs[id].map { position in
                        let event = snapshot.events[Int(position.rawValue)]
                        return RecordedIdentity(
                            position: position, stream: event.stream, version: event.version, type: event.type)
                    }
                })
            {
            case .alreadyRecorded(let results): return .success(results)
            case .rejected(let error): return .failure(error)
            case .fresh: break
            }
            let versionOf = { (stream: StreamID) in snapshot.streams[stream].map { StreamVersion(UInt64($0.count - 1)) }
            }
            if let mismatch = try Idempotency.checkExpectedVersions(request, currentVersion: versionOf) {
                return .failure(mismatch)
            }
        } catch {
            return .failure(LedgerError.init(.storage, "\(error)"))
        }
        return .success(request.parts.map { part in store(part, recordedAt: recordedAt, in: &state) })
    }

    private static func store(_ part: PreparedAppend.Part, recordedAt: Timestamp, in state: inout State) -> AppendResult
    {
        let first = Position(UInt64(state.records.count))
        var version = StreamVersion(UInt64(state.streams[part.stream]?.count ?? 0))
        for (index, encoded) in part.records.enumerated() {
            var record = encoded
            let position = Position(UInt64(state.records.count))
            RecordEncoder.stamp(&record, position: position, version: version, recordedAt: recordedAt)
            // The record was encoded by this process a moment ago; failing to decode it is a bug here.
            guard let event = try? RecordDecoder.decode(record, expectedPosition: position) else {
                preconditionFailure("a freshly encoded record does not decode")
            }
            state.records.append(record)
            state.events.append(event)
            state.streams[part.stream, default: []].append(position)
            state.eventIDs[part.eventIDs[index]] = position
            state.frontier.append(RFC6962.leafHash(of: record))
            version = version.next
        }
        return AppendResult(
            stream: part.stream, firstPosition: first, lastPosition: Position(UInt64(state.records.count - 1)),
            streamVersion: StreamVersion(version.rawValue - 1), wasAlreadyRecorded: false)
    }

    public func treeSize() throws(LedgerError) -> UInt64 { state.withLock { UInt64($0.records.count) } }

    public func merkleRoot() throws(LedgerError) -> MerkleHash { state.withLock { $0.frontier.root() } }

    public func currentVersion(of stream: StreamID) throws(LedgerError) -> StreamVersion? {
        state.withLock { state in state.streams[stream].map { StreamVersion(UInt64($0.count - 1)) } }
    }

    public func event(id: EventID) throws(LedgerError) -> RecordedEvent? {
        state.withLock { state in state.eventIDs[id].map { state.events[Int($0.rawValue)] } }
    }

    public func read(stream: StreamID, from version: StreamVersion?, direction: ReadDirection, limit: Int)
        throws(LedgerError) -> [RecordedEvent]
    {
        state.withLock { state in
            let positions = state.streams[stream] ?? []
            let events = positions.map { state.events[Int($0.rawValue)] }
            switch direction {
            case .forward:
                return Array(events.filter { $0.version >= (version ?? .first) }.prefix(limit))
            case .backward:
                let start = version ?? StreamVersion(.max)
                return Array(events.reversed().filter { $0.version <= start }.prefix(limit))
            }
        }
    }

    public func readAll(from position: Position, limit: Int) throws(LedgerError) -> [RecordedEvent] {
        state.withLock { state in
            guard position.rawValue < state.events.count else { return [] }
            return Array(state.events[Int(position.rawValue)...].prefix(limit))
        }
    }

    public func read(type: EventType, from position: Position, limit: Int) throws(LedgerError) -> [RecordedEvent] {
        try filtered(from: position, limit: limit) { $0.type == type }
    }

    public func read(category: Category, from position: Position, limit: Int) throws(LedgerError)
        -> [RecordedEvent]
    {
        try filtered(from: position, limit: limit) { $0.stream.category == category }
    }

    private func filtered(from position: Position, limit: Int, _ matches: (RecordedEvent) -> Bool)
        throws(LedgerError) -> [RecordedEvent]
    {
        state.withLock { state in
            var found: [RecordedEvent] = []
            for event in state.events.dropFirst(Int(min(position.rawValue, UInt64(Int.max)))) where matches(event) {
                if found.count == limit { break }
                found.append(event)
            }
            return found
        }
    }

    public func waitForSize(above size: UInt64) async { await notifier.waitForSize(above: size) }
}
