public import Domain
public import Foundation
public import Ledger

/// Reads a stream and decodes its clear parts into domain events (personal parts stay sealed: deciders never
/// need them). Paged, and bounded by `streamEventsMax`.
public struct StreamLoader: Sendable {
    public static let pageEventsMax = 1024
    public static let streamEventsMax = 1_000_000

    public let store: any EventStore

    public init(store: any EventStore) { self.store = store }

    /// The stream's events and the version to expect when appending after them.
    public func load(_ stream: StreamID) throws(CommandError) -> (events: [DomainEvent], expected: ExpectedVersion) {
        var events: [DomainEvent] = []
        var expected = ExpectedVersion.noStream
        try forEachRecord(of: stream) { (record: RecordedEvent) throws(CommandError) in
            events.append(try Self.decode(record).event)
            expected = .exact(record.version)
        }
        return (events, expected)
    }

    /// The stream's events with their event ids (for deciders that remember ids), and the version to expect.
    public func loadIdentified(_ stream: StreamID) throws(CommandError) -> (
        events: [(eventID: UUID, event: DomainEvent)], expected: ExpectedVersion
    ) {
        var events: [(eventID: UUID, event: DomainEvent)] = []
        var expected = ExpectedVersion.noStream
        try forEachRecord(of: stream) { (record: RecordedEvent) throws(CommandError) in
            events.append((record.id.rawValue.foundationUUID, try Self.decode(record).event))
            expected = .exact(record.version)
        }
        return (events, expected)
    }

    public func forEachRecord(
        of stream: StreamID, _ body: (RecordedEvent) throws(CommandError) -> Void
    ) throws(CommandError) {
        var from: StreamVersion?
        var seen = 0
        while true {
            let page: [RecordedEvent]
            do {
                page = try store.read(stream: stream, from: from, direction: .forward, limit: Self.pageEventsMax)
            } catch { throw CommandError(error) }
            for record in page { try body(record) }
            seen += page.count
            guard let last = page.last, page.count == Self.pageEventsMax else { return }
            guard seen < Self.streamEventsMax else {
                throw CommandError(.limitExceeded, "stream \(stream) has over \(Self.streamEventsMax) events")
            }
            from = last.version.next
        }
    }

    /// Every record an index read returns from `position` on, in position order, page by page (a type or a
    /// category index: `read(from, limit)`); returns the position after the last record seen.
    @discardableResult
    public static func forEachRecord(
        from position: Position, read: (Position, Int) throws(LedgerError) -> [RecordedEvent],
        _ body: (RecordedEvent) throws(CommandError) -> Void
    ) throws(CommandError) -> Position {
        var next = position
        while true {
            let page: [RecordedEvent]
            do { page = try read(next, pageEventsMax) } catch { throw CommandError(error) }
            for record in page { try body(record) }
            guard let last = page.last else { return next }
            next = last.position.next
            if page.count < pageEventsMax { return next }
        }
    }

    /// The context and clear event of a record; a record that does not decode is corruption or a bug.
    public static func decode(_ record: RecordedEvent) throws(CommandError) -> (
        context: EventContext, event: DomainEvent
    ) {
        do {
            return try EventCodec.decode(
                eventType: record.type.description, schemaVersion: record.schemaVersion, clear: Array(record.payload))
        } catch {
            throw CommandError(
                .corrupted,
                "the payload at position \(record.position.rawValue) (\(record.type)) does not decode: \(error)")
        }
    }
}
