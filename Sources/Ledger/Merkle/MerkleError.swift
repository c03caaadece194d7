/// Why Merkle bytes, a proof or a tile read were refused.
///
/// Proofs, frontiers and tiles arrive from disk or from outside CUS, so every failure is a value to report,
/// never a trap. A closed enum keeps a `switch` in the CLI and HTTP layers exhaustive.
public enum MerkleError: Error, Hashable, Sendable {
    /// Frontier bytes whose length does not match the size they start with.
    case malformedFrontier
    /// Tile bytes that are empty, not a whole number of hashes, or more than a tile holds.
    case malformedTile
    /// A leaf or node index at or past the end of the tree.
    case indexOutOfRange
    /// A proof with more or fewer hashes than its sizes call for.
    case proofLengthMismatch
    /// A proof that is well formed but leads to another root.
    case rootMismatch
    /// Tree sizes a proof cannot relate: zero, an old size above the new one, or beyond the stored tree.
    case invalidSizes
    /// A tile the tree needs is absent, or shorter than the tree size implies.
    case missingTile(level: UInt8, index: UInt64)
}
