public import Ledger
public import Testing

/// The behaviour every `EventStore` must show (ledger.md G2–G5): run it against each backend with
/// `@Test(arguments: LedgerBackend.allCases)`. Each check takes a fresh, empty store.
public enum EventStoreConformance {
    /// G2: positions are dense from 0 across streams; versions are dense per stream.
    public static func positionsAndVersionsAreDense(_ store: some EventStore) async throws {
        let (a, b) = (Fixtures.stream(), Fixtures.stream("other"))
        let first = try await store.append(to: a, expectedVersion: .noStream, events: Fixtures.events(3))
        let second = try await store.append(to: b, expectedVersion: .noStream, events: Fixtures.events(2))
        let third = try await store.append(to: a, expectedVersion: .exact(StreamVersion(2)), events: Fixtures.events(1))
        #expect(first.firstPosition == Position(0) && first.lastPosition == Position(2))
        #expect(first.streamVersion == StreamVersion(2) && !first.wasAlreadyRecorded)
        #expect(second.firstPosition == Position(3) && second.streamVersion == StreamVersion(1))
        #expect(third.firstPosition == Position(5) && third.streamVersion == StreamVersion(3))
        #expect(try store.treeSize() == 6)
        let all = try store.readAll(from: .zero, limit: 100)
        #expect(all.map(\.position.rawValue) == Array(0..<6))
        #expect(
            try store.read(stream: a, from: nil, direction: .forward, limit: 10).map(\.version.rawValue) == [
                0, 1, 2, 3,
            ])
    }

    /// G3: each expected-version form, and nothing of a refused request is written.
    public static func expectedVersionIsEnforced(_ store: some EventStore) async throws {
        let stream = Fixtures.stream()
        try await expectError(.wrongExpectedVersion) {
            try await store.append(to: stream, expectedVersion: .streamExists, events: Fixtures.events(1))
        }
        try await expectError(.wrongExpectedVersion) {
            try await store.append(to: stream, expectedVersion: .exact(.first), events: Fixtures.events(1))
        }
        _ = try await store.append(to: stream, expectedVersion: .noStream, events: Fixtures.events(2))
        let error = try await expectError(.wrongExpectedVersion) {
            try await store.append(to: stream, expectedVersion: .noStream, events: Fixtures.events(1))
        }
        #expect(error?.details == .wrongExpectedVersion(stream: stream, expected: .noStream, actual: StreamVersion(1)))
        try await expectError(.wrongExpectedVersion) {
            try await store.append(to: stream, expectedVersion: .exact(.first), events: Fixtures.events(1))
        }
        _ = try await store.append(to: stream, expectedVersion: .streamExists, events: Fixtures.events(1))
        _ = try await store.append(to: stream, expectedVersion: .any, events: Fixtures.events(1))
        #expect(try store.currentVersion(of: stream) == StreamVersion(3))
        #expect(try store.treeSize() == 4)
    }

    /// G3: a multi-stream append is atomic; one failing check writes nothing of any stream.
    public static func multiStreamAppendIsAtomic(_ store: some EventStore) async throws {
        let (a, b) = (Fixtures.stream(), Fixtures.stream())
        _ = try await store.append(to: b, expectedVersion: .noStream, events: Fixtures.events(1))
        try await expectError(.wrongExpectedVersion) {
            try await store.append([
                StreamAppend(stream: a, expectedVersion: .noStream, events: Fixtures.events(2)),
                StreamAppend(stream: b, expectedVersion: .noStream, events: Fixtures.events(1)),
            ])
        }
        #expect(try store.treeSize() == 1)
        #expect(try store.currentVersion(of: a) == nil)
        let results = try await store.append([
            StreamAppend(stream: a, expectedVersion: .noStream, events: Fixtures.events(2)),
            StreamAppend(stream: b, expectedVersion: .exact(.first), events: Fixtures.events(1)),
        ])
        #expect(results.map(\.firstPosition.rawValue) == [1, 3])
        #expect(results.map(\.streamVersion.rawValue) == [1, 1])
    }

    /// G3 under contention: of N concurrent `.exact(v)` appends exactly one wins each round, and positions
    /// stay dense.
    public static func concurrentExactAppendsHaveOneWinner(_ store: some EventStore) async throws {
        let stream = Fixtures.stream()
        _ = try await store.append(to: stream, expectedVersion: .noStream, events: Fixtures.events(1))
        for round in 0..<5 {
            let expected = StreamVersion(UInt64(round))
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        (try? await store.append(
                            to: stream, expectedVersion: .exact(expected), events: Fixtures.events(1)))
                            != nil
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1, "round \(round)")
        }
        #expect(try store.treeSize() == 6)
        #expect(try store.currentVersion(of: stream) == StreamVersion(5))
    }

    /// G2 under contention: many tasks appending to their own streams give dense positions and versions.
    public static func concurrentAppendsStayDense(_ store: some EventStore) async throws {
        let tasks = 32
        let appendsPerTask = 10
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<tasks {
                group.addTask {
                    let stream = Fixtures.stream()
                    for index in 0..<appendsPerTask {
                        let expected: ExpectedVersion =
                            index == 0 ? .noStream : .exact(StreamVersion(UInt64(index - 1)))
                        _ = try await store.append(to: stream, expectedVersion: expected, events: Fixtures.events(1))
                    }
                }
            }
            try await group.waitForAll()
        }
        let all = try store.readAll(from: .zero, limit: tasks * appendsPerTask + 1)
        #expect(all.map(\.position.rawValue) == Array(0..<UInt64(tasks * appendsPerTask)))
        for (_, events) in Dictionary(grouping: all, by: \.stream) {
            #expect(events.map(\.version.rawValue) == Array(0..<UInt64(appendsPerTask)))
        }
    }

    /// G4's table: a retry returns the original positions and writes nothing; partial and conflicting retries
    /// are refused and write nothing.
    public static func idempotencyFollowsTheTable(_ store: some EventStore) async throws {
        let stream = Fixtures.stream()
        let events = Fixtures.events(3)
        _ = try await store.append(to: Fixtures.stream(), expectedVersion: .noStream, events: Fixtures.events(1))
        let original = try await store.append(to: stream, expectedVersion: .noStream, events: events)
        let retry = try await store.append(to: stream, expectedVersion: .noStream, events: events)
        #expect(retry.firstPosition == original.firstPosition && retry.lastPosition == original.lastPosition)
        #expect(retry.streamVersion == original.streamVersion && retry.wasAlreadyRecorded)
        try await expectError(.partialDuplicate) {
            try await store.append(to: stream, expectedVersion: .any, events: [events[0], Fixtures.event()])
        }
        try await expectError(.idempotencyConflict) {
            try await store.append(to: Fixtures.stream(), expectedVersion: .noStream, events: events)
        }
        var retyped = events
        retyped[1].type = Fixtures.eventType("OtherHappened")
        try await expectError(.idempotencyConflict) {
            try await store.append(to: stream, expectedVersion: .noStream, events: retyped)
        }
        try await expectError(.idempotencyConflict) {
            try await store.append(to: stream, expectedVersion: .noStream, events: events.reversed())
        }
        var rewritten = events
        rewritten[0].payload = Array("different bytes".utf8)
        let byID = try await store.append(to: stream, expectedVersion: .noStream, events: rewritten)
        #expect(byID.wasAlreadyRecorded && byID.firstPosition == original.firstPosition)
        #expect(try store.treeSize() == 4)
    }

    /// Reads by stream (both directions), position, type, category and id.
    public static func readsFindWhatWasWritten(_ store: some EventStore) async throws {
        let plans = Fixtures.stream("plan")
        let persons = Fixtures.stream("person")
        _ = try await store.append(
            to: plans, expectedVersion: .noStream, events: Fixtures.events(4, type: "PlanDrafted"))
        let personEvents = Fixtures.events(3, type: "PersonRegistered")
        _ = try await store.append(to: persons, expectedVersion: .noStream, events: personEvents)
        _ = try await store.append(
            to: plans, expectedVersion: .exact(StreamVersion(3)), events: Fixtures.events(2, type: "PlanApproved"))
        let backward = try store.read(stream: plans, from: StreamVersion(4), direction: .backward, limit: 3)
        #expect(backward.map(\.version.rawValue) == [4, 3, 2])
        #expect(try store.read(stream: plans, from: nil, direction: .backward, limit: 1).map(\.version.rawValue) == [5])
        #expect(
            try store.read(stream: plans, from: StreamVersion(2), direction: .forward, limit: 2).map(\.version.rawValue)
                == [2, 3])
        #expect(try store.read(stream: Fixtures.stream(), from: nil, direction: .forward, limit: 5).isEmpty)
        #expect(try store.readAll(from: Position(7), limit: 10).map(\.position.rawValue) == [7, 8])
        #expect(try store.readAll(from: Position(9), limit: 10).isEmpty)
        let approved = try store.read(type: Fixtures.eventType("PlanApproved"), from: .zero, limit: 10)
        #expect(approved.map(\.position.rawValue) == [7, 8])
        let people = try store.read(category: try Category("person"), from: Position(5), limit: 10)
        #expect(people.map(\.position.rawValue) == [5, 6])
        let found = try store.event(id: personEvents[1].id)
        #expect(
            found?.position == Position(5) && found?.stream == persons
                && found?.payload == Payload(personEvents[1].payload))
        #expect(found?.metadata == personEvents[1].metadata)
    }

    /// A subscription sees the backlog and every later append once and in order.
    public static func subscriptionSeesEveryAppendOnce(_ store: some EventStore) async throws {
        let stream = Fixtures.stream()
        _ = try await store.append(to: stream, expectedVersion: .noStream, events: Fixtures.events(5))
        let expectedCount = 5 + 20 * 3
        let consumer = Task {
            var positions: [UInt64] = []
            for try await event in store.subscribe(from: .zero, pageEventsMax: 7) {
                positions.append(event.position.rawValue)
                if positions.count == expectedCount { break }
            }
            return positions
        }
        for _ in 0..<20 {
            _ = try await store.append(to: Fixtures.stream(), expectedVersion: .noStream, events: Fixtures.events(3))
        }
        #expect(try await consumer.value == Array(0..<UInt64(expectedCount)))
    }

    /// G6 groundwork and the codec contract: every stored record re-encodes to itself, and the root is
    /// RFC 6962's over those bytes.
    public static func rootCoversTheExactRecords(_ store: some EventStore) async throws {
        let sealed = SealedPart(
            keyID: .random(), algorithm: .chaChaPoly, nonce: Array(repeating: 7, count: 12),
            ciphertextAndTag: Array(repeating: 9, count: 40))
        _ = try await store.append(
            to: Fixtures.stream(), expectedVersion: .noStream,
            events: Fixtures.events(5) + [Fixtures.event(sealed: sealed)])
        var frontier = MerkleFrontier()
        for event in try store.readAll(from: .zero, limit: 10) {
            let bytes = RecordEncoder.encode(
                NewEvent(
                    id: event.id, type: event.type, schemaVersion: event.schemaVersion, payload: Array(event.payload),
                    sealed: event.sealed, metadata: event.metadata),
                stream: event.stream, version: event.version, position: event.position, recordedAt: event.recordedAt)
            #expect(try RecordDecoder.decode(bytes, expectedPosition: event.position) == event)
            frontier.append(RFC6962.leafHash(of: bytes))
        }
        #expect(try store.merkleRoot() == frontier.root())
    }

    /// Limits and malformed requests are typed errors that write nothing.
    public static func badRequestsAreRefused(_ store: some EventStore) async throws {
        let stream = Fixtures.stream()
        try await expectError(.invalidArgument) {
            try await store.append(to: stream, expectedVersion: .any, events: [])
        }
        let twice = Fixtures.event()
        try await expectError(.invalidArgument) {
            try await store.append(to: stream, expectedVersion: .any, events: [twice, twice])
        }
        try await expectError(.limitExceeded) {
            try await store.append(
                to: stream, expectedVersion: .any,
                events: [Fixtures.event(payload: Array(repeating: 1, count: LedgerLimits.payloadBytesMax + 1))])
        }
        var loud = Fixtures.event()
        loud.metadata.actor = String(repeating: "a", count: LedgerLimits.actorBytesMax + 1)
        try await expectError(.limitExceeded) {
            try await store.append(to: stream, expectedVersion: .any, events: [loud])
        }
        #expect(try store.treeSize() == 0)
    }

    /// Runs `body` and expects a `LedgerError` with `code`; returns it for further checks.
    @discardableResult
    public static func expectError<T>(
        _ code: LedgerError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> T
    ) async throws -> LedgerError? {
        do {
            _ = try await body()
            Issue.record("expected \(code), but the call succeeded", sourceLocation: sourceLocation)
            return nil
        } catch let error as LedgerError {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            return error
        }
    }
}
