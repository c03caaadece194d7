public import Ledger

/// What `cus projections status` shows for one projection.
public struct ProjectionStatus: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable {
        case notBuilt, live, rebuilding, failed
        /// Built by an older code version: rebuilt on the next start.
        case outdated
    }

    public var name: String
    public var version: UInt32
    public var builtVersion: UInt32?
    public var generation: UInt64?
    public var checkpoint: UInt64
    public var lagEvents: UInt64
    /// From the first event not yet applied to now; nil when nothing lags.
    public var lagSeconds: Double?
    public var state: State
    public var rebuildCheckpoint: UInt64?
    public var failedAt: UInt64?
    public var error: String?

    /// The status of each of `projections` in `store` (nil: no projections environment yet) against `ledger`
    /// at `now`.
    public static func report(
        _ projections: [any Projection.Type], store: ProjectionsStore?, ledger: Ledger, now: Timestamp
    ) throws(ProjectionError) -> [ProjectionStatus] {
        let size: UInt64
        do { size = try ledger.treeSize() } catch { throw ProjectionError.storage("\(error)") }
        var statuses: [ProjectionStatus] = []
        for projection in projections {
            let live = try store?.record(.live, of: projection.name)
            let rebuild = try store?.record(.rebuild, of: projection.name)
            let checkpoint = live?.checkpoint ?? 0
            var status = ProjectionStatus(
                name: projection.name, version: projection.version, builtVersion: live?.version,
                generation: live?.generation, checkpoint: checkpoint, lagEvents: size - min(size, checkpoint),
                lagSeconds: nil, state: .live, rebuildCheckpoint: rebuild?.checkpoint,
                failedAt: (live?.failure ?? rebuild?.failure)?.position,
                error: (live?.failure ?? rebuild?.failure)?.message)
            if status.lagEvents > 0, let first = try? ledger.event(at: Position(checkpoint)) {
                status.lagSeconds = max(0, Double(now.rawValue - first.recordedAt.rawValue) / 1_000_000)
            }
            status.state =
                if status.failedAt != nil { .failed } else if rebuild != nil { .rebuilding } else if live == nil {
                    .notBuilt
                } else if live?.version != projection.version { .outdated } else { .live }
            statuses.append(status)
        }
        return statuses
    }
}
