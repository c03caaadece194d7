import LMDB
import Ledger

/// Blue/green rebuild (issue 7, after Marten's): a new generation is built from position 0 in the `rebuild`
/// slot while the live generation keeps serving and catching up; when the new one has caught up with the
/// ledger it becomes live in one transaction and the old generation's tables are emptied. An interrupted
/// rebuild resumes from its own checkpoint; a rebuild whose code version changed starts again.
public struct ProjectionRebuild: Sendable {
    public let builder: ProjectionBuilder

    public init(builder: ProjectionBuilder) { self.builder = builder }

    public enum Outcome: Sendable, Equatable {
        /// The new generation is live at this checkpoint.
        case switched(ProjectionRecord)
        /// The new generation stopped at an event; the old one keeps serving.
        case failed(ProjectionRecord)
    }

    public func run(
        _ projection: any Projection, progress: (ProjectionRecord) -> Void = { _ in },
        shouldStop: () -> Bool = { false }
    ) throws(ProjectionError) -> Outcome {
        let type = type(of: projection)
        let generation = try prepare(type)
        while true {
            let size: UInt64
            do { size = try builder.ledger.treeSize() } catch { throw ProjectionError.storage("\(error)") }
            let record = try builder.build(
                projection, slot: .rebuild, upTo: size, firstGeneration: generation, progress: progress,
                shouldStop: shouldStop)
            if record.failure != nil { return .failed(record) }
            // `build` stops short of `size` only where the ledger's records end: a damaged meta.treeSize that
            // claims more would otherwise be chased for ever.
            guard record.checkpoint >= size else {
                throw ProjectionError.storage(
                    "the ledger claims \(size) events but its records end at \(record.checkpoint); run cus ledger verify"
                )
            }
            if let switched = try switchIfCaughtUp(type) { return .switched(switched) }
        }
    }

    /// The generation to build: the pending rebuild's when its version matches, else a fresh one after every
    /// generation in use.
    private func prepare(_ type: any Projection.Type) throws(ProjectionError) -> UInt64 {
        try builder.write { txn throws(ProjectionError) in
            let live = try builder.store.record(.live, type.name, in: txn)
            if let pending = try builder.store.record(.rebuild, type.name, in: txn) {
                if pending.version == type.version, pending.failure == nil { return pending.generation }
                try builder.store.empty(type, version: pending.version, generation: pending.generation, in: txn)
                try builder.store.save(nil, .rebuild, type.name, in: txn)
                return max(pending.generation, live?.generation ?? 0) + 1
            }
            return (live?.generation ?? 0) + 1
        }
    }

    /// Makes the rebuilt generation live if it holds every event of the ledger at this moment.
    private func switchIfCaughtUp(_ type: any Projection.Type) throws(ProjectionError) -> ProjectionRecord? {
        try builder.write { txn throws(ProjectionError) in
            guard let rebuilt = try builder.store.record(.rebuild, type.name, in: txn) else {
                throw ProjectionError.storage("the rebuild of \(type.name) disappeared")
            }
            let size: UInt64
            do { size = try builder.ledger.treeSize() } catch { throw ProjectionError.storage("\(error)") }
            guard rebuilt.checkpoint >= size else { return nil }
            if let old = try builder.store.record(.live, type.name, in: txn) {
                try builder.store.empty(type, version: old.version, generation: old.generation, in: txn)
            }
            try builder.store.save(rebuilt, .live, type.name, in: txn)
            try builder.store.save(nil, .rebuild, type.name, in: txn)
            return rebuilt
        }
    }
}
