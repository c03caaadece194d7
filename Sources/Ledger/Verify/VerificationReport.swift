/// What `cus ledger verify` found: the recomputed size and root, and every problem (up to a cap) with the
/// position it concerns and the check that failed (ledger.md §6 "Corrupted byte").
public struct VerificationReport: Sendable, Equatable {
    public struct Problem: Sendable, Equatable {
        public var position: UInt64?
        /// `decode`, `position`, `leaf`, `tile`, `streamVersion`, `streams`, `eventIds`, `byType`, `byCategory`,
        /// `indexCount`, `checkpoint`, `signature`, `meta`.
        public var check: String
        public var detail: String
    }

    public static let problemsMax = 100

    public var size: UInt64 = 0
    public var root: MerkleHash = RFC6962.emptyRoot
    public var problems: [Problem] = []
    public var problemCount = 0
    public var checkpointsVerified = 0
    /// Names of keys whose signature on the newest checkpoint verified.
    public var newestCheckpointSigners: [String] = []
    /// The newest checkpoint at or below the verified size, with any witness cosignature lines.
    public var newestCheckpoint: SignedCheckpoint?

    public var ok: Bool { problemCount == 0 }

    /// The smallest position any problem names.
    public var firstBadPosition: UInt64? { problems.compactMap(\.position).min() }

    mutating func record(_ check: String, at position: UInt64?, _ detail: String) {
        problemCount += 1
        if problems.count < Self.problemsMax {
            problems.append(Problem(position: position, check: check, detail: detail))
        }
    }
}
