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
        try run([projection], progress: { progress($0[0]) }, shouldStop: shouldStop)[0]
    }

    /// Rebuilds several projections (each named once) together: one build of their new generations, which a
    /// long build splits across cores (ADR 0023), each switched as soon as it has caught up and then told to
    /// `switched` (with its index), so a caller keeps what switched even when the rest then throws. `progress`
    /// gets the records of those still building, in the order given.
    public func run(
        _ projections: [any Projection], progress: ([ProjectionRecord]) -> Void = { _ in },
        shouldStop: () -> Bool = { false }, switched: (Int, ProjectionRecord) -> Void = { _, _ in }
    ) throws(ProjectionError) -> [Outcome] {
        for projection in projections { try prepare(type(of: projection)) }
        var outcomes = [Outcome?](repeating: nil, count: projections.count)
        var building = Array(projections.indices)
        while !building.isEmpty {
            let size: UInt64
            do { size = try builder.ledger.treeSize() } catch { throw ProjectionError.storage("\(error)") }
            // No first generation: `prepare` below recorded each one, and a record gone meanwhile (switched by
            // another process) must not be made again at generation 0.
            let records = try builder.build(
                building.map { projections[$0] }, slot: .rebuild, upTo: size, firstGeneration: nil,
                progress: progress, shouldStop: shouldStop)
            for (index, record) in zip(building, records) {
                if record.failure != nil {
                    outcomes[index] = .failed(record)
                    continue
                }
                // `build` stops short of `size` only where the ledger's records end: a damaged meta.treeSize that
                // claims more would otherwise be chased for ever.
                guard record.checkpoint >= size else {
                    throw ProjectionError.storage(
                        "the ledger claims \(size) events but its records end at \(record.checkpoint); run cus ledger verify"
                    )
                }
                if let record = try switchIfCaughtUp(type(of: projections[index])) {
                    outcomes[index] = .switched(record)
                    switched(index, record)
                }
            }
            building.removeAll { outcomes[$0] != nil }
        }
        return outcomes.compactMap { $0 }
    }

    /// Records the generation to build in the `rebuild` slot: the pending rebuild's when its version matches,
    /// else a fresh one after every generation in use.
    private func prepare(_ type: any Projection.Type) throws(ProjectionError) {
        try builder.writeOpeningHandles { txn throws(ProjectionError) in
            let live = try builder.store.record(.live, type.name, in: txn)
            var generation = (live?.generation ?? 0) + 1
            if let pending = try builder.store.record(.rebuild, type.name, in: txn) {
                if pending.version == type.version, pending.failure == nil { return }
                try builder.store.empty(type, version: pending.version, generation: pending.generation, in: txn)
                generation = max(pending.generation, live?.generation ?? 0) + 1
            }
            try builder.store.save(
                ProjectionRecord(version: type.version, generation: generation), .rebuild, type.name, in: txn)
        }
    }

    /// Makes the rebuilt generation live if it holds every event of the ledger at this moment.
    private func switchIfCaughtUp(_ type: any Projection.Type) throws(ProjectionError) -> ProjectionRecord? {
        try builder.writeOpeningHandles { txn throws(ProjectionError) in
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
