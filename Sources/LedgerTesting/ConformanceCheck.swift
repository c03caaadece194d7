public import Ledger

/// One named behaviour of the conformance suite, so a test can run every check against every backend with
/// `@Test(arguments: LedgerBackend.allCases, ConformanceCheck.all)`.
public struct ConformanceCheck: Sendable, CustomStringConvertible {
    public let description: String
    public let run: @Sendable (any EventStore) async throws -> Void

    public init(_ description: String, _ run: @escaping @Sendable (any EventStore) async throws -> Void) {
        self.description = description
        self.run = run
    }

    /// Every check of `EventStoreConformance` (ledger.md G2–G5).
    public static let all: [ConformanceCheck] = [
        ConformanceCheck("positions dense across streams, versions dense per stream") {
            try await EventStoreConformance.positionsAndVersionsAreDense($0)
        },
        ConformanceCheck("expected versions enforced, refused appends write nothing") {
            try await EventStoreConformance.expectedVersionIsEnforced($0)
        },
        ConformanceCheck("multi-stream append atomic") {
            try await EventStoreConformance.multiStreamAppendIsAtomic($0)
        },
        ConformanceCheck("one winner of concurrent exact-version appends") {
            try await EventStoreConformance.concurrentExactAppendsHaveOneWinner($0)
        },
        ConformanceCheck("concurrent appends keep positions dense") {
            try await EventStoreConformance.concurrentAppendsStayDense($0)
        },
        ConformanceCheck("idempotent retries follow G4's table") {
            try await EventStoreConformance.idempotencyFollowsTheTable($0)
        },
        ConformanceCheck("reads by stream, position, type, category and id") {
            try await EventStoreConformance.readsFindWhatWasWritten($0)
        },
        ConformanceCheck("subscriptions see every later append once, in order") {
            try await EventStoreConformance.subscriptionSeesEveryAppendOnce($0)
        },
        ConformanceCheck("the Merkle root covers the exact stored records") {
            try await EventStoreConformance.rootCoversTheExactRecords($0)
        },
        ConformanceCheck("bad requests refused with typed errors") {
            try await EventStoreConformance.badRequestsAreRefused($0)
        },
    ]
}
