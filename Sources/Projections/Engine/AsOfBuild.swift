public import Domain
public import Foundation
public import Ledger

/// A view "as of" a cutoff (ledger.md §5.3): the projections built from positions 0 ..< size into a temporary
/// environment, never touching the live one. The cutoff names its size and the Merkle root at that size.
public final class AsOfBuild: Sendable {
    public struct Cutoff: Sendable, Hashable, Codable {
        public var size: UInt64
        public var root: String

        public init(size: UInt64, root: String) {
            self.size = size
            self.root = root
        }
    }

    public let store: ProjectionsStore
    public let cutoff: Cutoff
    let directory: String

    private init(store: ProjectionsStore, cutoff: Cutoff, directory: String) {
        self.store = store
        self.cutoff = cutoff
        self.directory = directory
    }

    /// Builds `projections` from the first `size` events (all of them when the ledger is shorter) in a fresh
    /// directory under `parent`.
    public static func build(
        _ projections: [any Projection], ledger: Ledger, size requested: UInt64, under parent: String,
        progress: (String, ProjectionRecord) -> Void = { _, _ in }
    ) throws(ProjectionError) -> AsOfBuild {
        let size: UInt64
        let root: MerkleHash
        do {
            size = min(requested, try ledger.treeSize())
            root = try ledger.root(atSize: size)
        } catch { throw ProjectionError.storage("\(error)") }
        let directory = parent + "/as-of-\(size)-\(UUID().lowercasedText)"
        let store = try ProjectionsStore(directory: directory)
        let build = AsOfBuild(store: store, cutoff: Cutoff(size: size, root: root.hex), directory: directory)
        let builder = ProjectionBuilder(ledger: ledger, store: store)
        do throws(ProjectionError) {
            // One scan feeds every projection.
            let records = try builder.build(projections, slot: .live, upTo: size) { records in
                for (projection, record) in zip(projections, records) { progress(projection.name, record) }
            }
            for (projection, record) in zip(projections, records) {
                if let failure = record.failure {
                    throw ProjectionError.failed(
                        projection: projection.name, position: failure.position, failure.message)
                }
            }
        } catch {
            build.remove()
            throw error
        }
        return build
    }

    /// Closes and deletes the temporary environment.
    public func remove() {
        store.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The size of the longest prefix recorded before the local midnight that ends `date` (ledger.md §5.3):
    /// the prefix ends at the first record at or past that instant, since `recordedAt` may run backwards.
    public static func size(endOf date: LocalDate, timeZone: TimeZone, ledger: Ledger) throws(ProjectionError)
        -> UInt64
    {
        let next = date.adding(days: 1).components
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        guard
            let midnight = calendar.date(
                from: DateComponents(year: next.year, month: next.month, day: next.day, hour: 0, minute: 0))
        else { throw ProjectionError.storage("no local midnight after \(date)") }
        let limit = Int64((midnight.timeIntervalSince1970 * 1_000_000).rounded())
        var size: UInt64 = 0
        var found = false
        do {
            // Page by page, so the walk stops at the cutoff instead of reading the rest of the ledger.
            let total = try ledger.treeSize()
            while !found, size < total {
                var visited: UInt64 = 0
                try ledger.scanRecordViews(from: Position(size), limit: sizeScanPageEvents) { record in
                    visited += 1
                    guard !found else { return }
                    if record.recordedAt.rawValue >= limit { found = true } else { size += 1 }
                }
                if visited == 0 { break }
            }
        } catch { throw ProjectionError.storage("\(error)") }
        return size
    }

    /// Events `size(endOf:)` reads per scan before it checks whether it found the cutoff.
    static let sizeScanPageEvents: UInt64 = 4_096
}
