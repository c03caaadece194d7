/// An append request checked and encoded in the caller's task, so the writer thread only stamps, hashes and
/// puts (ledger.md §2.5 item 5).
package struct PreparedAppend: Sendable {
    package struct Part: Sendable {
        package let stream: StreamID
        package let expectedVersion: ExpectedVersion
        package let eventIDs: [EventID]
        package let types: [EventType]
        /// Encoded with position, version and `recordedAt` zero; the writer stamps them.
        package let records: [[UInt8]]
    }

    package let parts: [Part]
    package let eventCount: Int
    package let byteCount: Int

    package init(_ appends: [StreamAppend]) throws(LedgerError) {
        guard !appends.isEmpty, appends.allSatisfy({ !$0.events.isEmpty }) else {
            throw LedgerError(.invalidArgument, "an append needs at least one event for each stream")
        }
        let eventCount = appends.reduce(0) { $0 + $1.events.count }
        if eventCount > LedgerLimits.appendEventsMax {
            throw LedgerError(
                .limitExceeded, "\(eventCount) events in one append; at most \(LedgerLimits.appendEventsMax)")
        }
        var streams = Set<StreamID>()
        var ids = Set<EventID>()
        var parts: [Part] = []
        var byteCount = 0
        for append in appends {
            guard streams.insert(append.stream).inserted else {
                throw LedgerError(.invalidArgument, "stream \(append.stream) appears twice in one append")
            }
            var records: [[UInt8]] = []
            records.reserveCapacity(append.events.count)
            for event in append.events {
                try RecordEncoder.validate(event)
                guard ids.insert(event.id).inserted else {
                    throw LedgerError(
                        .invalidArgument, "event id \(event.id) appears twice in one append",
                        details: .eventID(event.id))
                }
                let record = RecordEncoder.encode(
                    event, stream: append.stream, version: .first, position: .zero, recordedAt: Timestamp(rawValue: 0))
                byteCount += record.count
                records.append(record)
            }
            parts.append(
                Part(
                    stream: append.stream, expectedVersion: append.expectedVersion,
                    eventIDs: append.events.map(\.id), types: append.events.map(\.type), records: records))
        }
        self.parts = parts
        self.eventCount = eventCount
        self.byteCount = byteCount
    }
}
