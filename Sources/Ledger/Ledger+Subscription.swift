extension Ledger {
    /// Every event from `position` on, once and in order: first the backlog, then each later append as its
    /// commit lands. Ends when the ledger closes or the consuming task is cancelled.
    public func subscribe(from position: Position, pageEventsMax: Int = 1024) -> AsyncThrowingStream<
        RecordedEvent, any Error
    > {
        let cursor = SubscriptionCursor(ledger: self, next: position, pageEventsMax: pageEventsMax)
        return AsyncThrowingStream(unfolding: cursor.next)
    }

    /// Returns once the tree holds more than `size` events (read-your-writes), or the ledger closes.
    public func waitForSize(above size: UInt64) async {
        await notifier.waitForSize(above: size)
    }
}

/// The state of one subscription: where it is and what it has read but not yet delivered.
private final class SubscriptionCursor: @unchecked Sendable {
    // Touched only from the stream's `next()` calls, which AsyncThrowingStream never runs concurrently.
    private let ledger: Ledger
    private var next: Position
    private var buffer: [RecordedEvent] = []
    private var bufferIndex = 0
    private let pageEventsMax: Int

    init(ledger: Ledger, next: Position, pageEventsMax: Int) {
        self.ledger = ledger
        self.next = next
        self.pageEventsMax = pageEventsMax
    }

    func next() async throws -> RecordedEvent? {
        while !Task.isCancelled {
            if bufferIndex < buffer.count {
                defer { bufferIndex += 1 }
                return buffer[bufferIndex]
            }
            buffer = try ledger.readAll(from: next, limit: pageEventsMax)
            bufferIndex = 0
            if let last = buffer.last {
                next = last.position.next
                continue
            }
            if ledger.isClosed { return nil }
            await ledger.waitForSize(above: next.rawValue)
        }
        return nil
    }
}
