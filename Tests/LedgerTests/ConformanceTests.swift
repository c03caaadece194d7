import Ledger
import LedgerTesting
import Testing

@Suite("Event store conformance (ledger.md G2–G5)")
struct ConformanceTests {
    @Test("Every conformance check holds on every backend", arguments: LedgerBackend.allCases, ConformanceCheck.all)
    func conformance(backend: LedgerBackend, check: ConformanceCheck) async throws {
        try await backend.withStore { try await check.run($0) }
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
