import Ledger
import LedgerTesting
import Testing

@Suite("Scanning events: payloads sliced from shared batches")
struct ScanTests {
    private static func withLedger(_ body: (Ledger) async throws -> Void) async throws {
        try await TemporaryDirectory.with { directory in
            let ledger = try Ledger(
                Ledger.Options(dataDirectory: directory.path + "/data", initialMapSizeBytes: 64 << 20))
            defer { ledger.close() }
            try await body(ledger)
        }
    }

    private static func payload(_ index: Int, count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: index &* 31 &+ $0) }
    }

    @Test("scanEvents gives the same events as one-by-one reads, across batches and past a batch-sized record")
    func scanMatchesPointReads() async throws {
        try await Self.withLedger { ledger in
            var events = (0..<700).map { index in
                Fixtures.event(payload: Self.payload(index, count: (index * 37) % 400))
            }
            events[350] = Fixtures.event(payload: Self.payload(350, count: LedgerLimits.payloadBytesMax))
            events[351] = Fixtures.event(
                payload: Self.payload(351, count: 90),
                sealed: SealedPart(
                    keyID: .random(), algorithm: .aesGCM, nonce: Array(repeating: 7, count: SealedPart.nonceBytes),
                    ciphertextAndTag: Self.payload(7, count: 200)))
            _ = try await ledger.append(to: Fixtures.stream(), expectedVersion: .noStream, events: events)
            var scanned: [RecordedEvent] = []
            try ledger.scanEvents(from: .zero) { scanned.append($0) }
            #expect(scanned.count == events.count)
            for (index, event) in scanned.enumerated() {
                #expect(event.position == Position(UInt64(index)))
                #expect(try ledger.event(at: event.position) == event)
                #expect(Array(event.payload) == events[index].payload && event.sealed == events[index].sealed)
            }
            var fromMiddle: [RecordedEvent] = []
            try ledger.scanEvents(from: Position(349), limit: 3) { fromMiddle.append($0) }
            #expect(fromMiddle == Array(scanned[349...351]))
        }
    }

    @Test("scanRecordViews reads the fields scanEvents decodes, from the stored bytes")
    func recordViewsMatchDecodedEvents() async throws {
        try await Self.withLedger { ledger in
            var events = (0..<300).map { Fixtures.event(payload: Self.payload($0, count: ($0 * 53) % 300)) }
            events[7] = Fixtures.event(
                payload: Self.payload(7, count: 40),
                sealed: SealedPart(
                    keyID: .random(), algorithm: .chaChaPoly, nonce: Array(repeating: 3, count: SealedPart.nonceBytes),
                    ciphertextAndTag: Self.payload(9, count: 50)))
            _ = try await ledger.append(to: Fixtures.stream(), expectedVersion: .noStream, events: events)
            var decoded: [RecordedEvent] = []
            try ledger.scanEvents(from: .zero) { decoded.append($0) }
            var viewed: [RecordedEvent] = []
            try ledger.scanRecordViews(from: .zero) { view in
                viewed.append(
                    RecordedEvent(
                        position: view.position, stream: view.stream, version: view.streamVersion, id: view.eventID,
                        recordedAt: view.recordedAt,
                        type: try EventType(String(decoding: view.eventTypeBytes, as: UTF8.self)),
                        schemaVersion: view.schemaVersion,
                        metadata: EventMetadata(
                            actor: String(decoding: view.actorBytes, as: UTF8.self), correlationID: view.correlationID,
                            causationID: view.causationID),
                        payload: Payload(Array(view.payload)), sealed: view.sealed))
                #expect(view.isEncrypted == (view.sealed != nil))
            }
            #expect(viewed == decoded)
        }
    }

    @Test("recordViews reads the records at the positions asked, in their order; a position past the tree is corrupted")
    func recordViewsByPosition() async throws {
        try await Self.withLedger { ledger in
            _ = try await ledger.append(to: Fixtures.stream(), expectedVersion: .noStream, events: Fixtures.events(9))
            let asked = [7, 2, 2, 0, 8].map { Position(UInt64($0)) }
            var read: [(Position, EventID)] = []
            try ledger.recordViews(at: asked) { read.append(($0.position, $0.eventID)) }
            #expect(read.map(\.0) == asked)
            for (position, id) in read { #expect(try ledger.event(at: position)?.id == id) }
            var before = 0
            let error = #expect(throws: LedgerError.self) {
                try ledger.recordViews(at: [Position(1), Position(9)]) { _ in before += 1 }
            }
            #expect(error?.code == .corrupted)
            #expect(before == 1)
        }
    }

    @Test("An error thrown by the scan's body stops the scan and reaches the caller")
    func bodyErrorStopsTheScan() async throws {
        struct Stop: Error {}
        try await Self.withLedger { ledger in
            _ = try await ledger.append(to: Fixtures.stream(), expectedVersion: .noStream, events: Fixtures.events(5))
            var seen = 0
            #expect(throws: LedgerError.self) {
                try ledger.scanEvents(from: .zero) { _ in
                    seen += 1
                    if seen == 2 { throw Stop() }
                }
            }
            #expect(seen == 2)
        }
    }

    @Test("A payload slicing a shared buffer indexes from 0 and compares by its bytes")
    func payloadSlices() {
        let shared: [UInt8] = [9, 9, 1, 2, 3, 9]
        let sliced = Payload(shared[2..<5])
        #expect(sliced.startIndex == 0 && sliced.count == 3 && sliced[0] == 1 && sliced[2] == 3)
        #expect(sliced == Payload([1, 2, 3]) && sliced.hashValue == Payload([1, 2, 3]).hashValue)
        #expect(Array(sliced) == [1, 2, 3] && sliced.withUnsafeBytes { Array($0) } == [1, 2, 3])
        #expect(sliced.description == "3 bytes")
    }
}
