/// What every ledger backend offers (the LMDB `Ledger`, and `InMemoryLedger` in `LedgerTesting`), so one
/// conformance suite checks them all (style.md §6). There is no update or delete (ledger.md G5).
public protocol EventStore: Sendable {
    /// Appends to one or more streams atomically, after G4's idempotency and G3's version checks.
    func append(_ appends: [StreamAppend]) async throws(LedgerError) -> [AppendResult]
    func treeSize() throws(LedgerError) -> UInt64
    func merkleRoot() throws(LedgerError) -> MerkleHash
    func currentVersion(of stream: StreamID) throws(LedgerError) -> StreamVersion?
    func event(id: EventID) throws(LedgerError) -> RecordedEvent?
    func read(stream: StreamID, from version: StreamVersion?, direction: ReadDirection, limit: Int)
        throws(LedgerError) -> [RecordedEvent]
    func readAll(from position: Position, limit: Int) throws(LedgerError) -> [RecordedEvent]
    func read(type: EventType, from position: Position, limit: Int) throws(LedgerError) -> [RecordedEvent]
    func read(category: Category, from position: Position, limit: Int) throws(LedgerError) -> [RecordedEvent]
    /// Returns once the tree holds more than `size` events, or the store closes.
    func waitForSize(above size: UInt64) async
    var isClosed: Bool { get }
}

extension EventStore {
    /// Appends `events` to `stream` if it is at `expectedVersion` (G3); resolves retries by event id (G4).
    public func append(to stream: StreamID, expectedVersion: ExpectedVersion, events: [NewEvent])
        async throws(LedgerError) -> AppendResult
    {
        let results = try await append([StreamAppend(stream: stream, expectedVersion: expectedVersion, events: events)])
        guard let result = results.first else { throw LedgerError(.storage, "the store returned no result") }
        return result
    }

    /// Every event from `position` on, once and in order: first the backlog, then each later append as its
    /// commit lands. Ends when the store closes or the consuming task is cancelled.
    public func subscribe(from position: Position, pageEventsMax: Int = 1024)
        -> AsyncThrowingStream<RecordedEvent, any Error>
    {
        let cursor = SubscriptionCursor(store: self, next: position, pageEventsMax: pageEventsMax)
        return AsyncThrowingStream(unfolding: cursor.next)
    }
}

/// The state of one subscription: where it is and what it has read but not yet delivered.
private final class SubscriptionCursor<Store: EventStore>: @unchecked Sendable {
    // Touched only from the stream's `next()` calls, which AsyncThrowingStream never runs concurrently.
    private let store: Store
    private var next: Position
    private var buffer: [RecordedEvent] = []
    private var bufferIndex = 0
    private let pageEventsMax: Int

    init(store: Store, next: Position, pageEventsMax: Int) {
        self.store = store
        self.next = next
        self.pageEventsMax = pageEventsMax
    }

    func next() async throws -> RecordedEvent? {
        while !Task.isCancelled {
            if bufferIndex < buffer.count {
                defer { bufferIndex += 1 }
                return buffer[bufferIndex]
            }
            buffer = try store.readAll(from: next, limit: pageEventsMax)
            bufferIndex = 0
            if let last = buffer.last {
                next = last.position.next
                continue
            }
            if store.isClosed { return nil }
            await store.waitForSize(above: next.rawValue)
        }
        return nil
    }
}
