/// A perfect subtree of the log: the node at `level` (0 = leaves) covering leaves
/// `index · 2^level ..< (index + 1) · 2^level`. The coordinates C2SP tlog-tiles and compact ranges use.
public struct NodeID: Hashable, Sendable {
    public var level: UInt8
    public var index: UInt64

    public init(level: UInt8, index: UInt64) {
        self.level = level
        self.index = index
    }

    /// Whether every leaf under this node is below `treeSize`, so its hash can never change.
    public func isComplete(inTreeOfSize treeSize: UInt64) -> Bool {
        level < 64 && index < treeSize >> level
    }
}
