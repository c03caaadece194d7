import Ledger
import LedgerTesting
import Testing

@Suite("Event store conformance (ledger.md G2–G5)")
struct ConformanceTests {
    @Test("Positions are dense across streams and versions dense per stream", arguments: LedgerBackend.allCases)
    func dense(backend: LedgerBackend) async throws {
        try await backend.withStore { try await EventStoreConformance.positionsAndVersionsAreDense($0) }
    }

    @Test("Expected versions are enforced and a refused append writes nothing", arguments: LedgerBackend.allCases)
    func expectedVersion(backend: LedgerBackend) async throws {
        try await backend.withStore { try await EventStoreConformance.expectedVersionIsEnforced($0) }
    }

    @Test("A multi-stream append is atomic", arguments: LedgerBackend.allCases)
    func multiStream(backend: LedgerBackend) async throws {
        try await backend.withStore { try await EventStoreConformance.multiStreamAppendIsAtomic($0) }
    }

    @Test("Of concurrent exact-version appends exactly one wins", arguments: LedgerBackend.allCases)
    func oneWinner(backend: LedgerBackend) async throws {
        try await backend.withStore { try await EventStoreConformance.concurrentExactAppendsHaveOneWinner($0) }
    }

    @Test("Concurrent appends from many tasks keep positions dense", arguments: LedgerBackend.allCases)
    func concurrentDense(backend: LedgerBackend) async throws {
        try await backend.withStore { try await EventStoreConformance.concurrentAppendsStayDense($0) }
    }

    @Test("Idempotent retries follow G4's table", arguments: LedgerBackend.allCases)
    func idempotency(backend: LedgerBackend) async throws {
        try await backend.withStore { try await EventStoreConformance.idempotencyFollowsTheTable($0) }
    }

    @Test("Reads by stream, position, type, category and id", arguments: LedgerBackend.allCases)
    func reads(backend: LedgerBackend) async throws {
        try await backend.withStore { try await EventStoreConformance.readsFindWhatWasWritten($0) }
    }

    @Test("A subscription sees every later append once and in order", arguments: LedgerBackend.allCases)
    func subscription(backend: LedgerBackend) async throws {
        try await backend.withStore { try await EventStoreConformance.subscriptionSeesEveryAppendOnce($0) }
    }

    @Test("The Merkle root covers the exact stored records", arguments: LedgerBackend.allCases)
    func root(backend: LedgerBackend) async throws {
        try await backend.withStore { try await EventStoreConformance.rootCoversTheExactRecords($0) }
    }

    @Test("Bad requests are refused with typed errors", arguments: LedgerBackend.allCases)
    func badRequests(backend: LedgerBackend) async throws {
        try await backend.withStore { try await EventStoreConformance.badRequestsAreRefused($0) }
    }

    @Test("Both backends store identical bytes and roots for the same appends")
    func backendsAgree() async throws {
        let clock = LedgerClock { Timestamp(microseconds: 1_700_000_000_000_000) }
        let streams = (0..<4).map { _ in Fixtures.stream() }
        let batches = (0..<12).map { index in (streams[index % 4], Fixtures.events(1 + index % 3)) }
        func fill(_ store: any EventStore) async throws -> MerkleHash {
            for (stream, events) in batches {
                _ = try await store.append(to: stream, expectedVersion: .any, events: events)
            }
            return try store.merkleRoot()
        }
        let memoryRoot = try await LedgerBackend.inMemory.withStore(clock: clock) { try await fill($0) }
        let lmdbRoot = try await LedgerBackend.lmdb.withStore(clock: clock) { try await fill($0) }
        #expect(memoryRoot == lmdbRoot)
    }
}
