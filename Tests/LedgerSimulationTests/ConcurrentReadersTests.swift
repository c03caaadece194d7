import Foundation
import LMDB
import Ledger
import LedgerTesting
import Synchronization
import Testing

/// ledger.md §6 "Readers during writes": each read snapshot is a prefix of the log whose recomputed root is the
/// root of `meta.frontier` in the same snapshot and of the tiles for that size; more readers than slots get
/// `readersFull`, a typed error.
@Suite("Concurrent readers: snapshots are prefixes with consistent roots; reader slots run out cleanly")
struct ConcurrentReadersTests {
    static let readerCount = 32

    @Test("1 writer and 32 readers recomputing roots: every snapshot is a prefix with the frontier's and tiles' root")
    func readersRecomputeRoots() async throws {
        try await TemporaryDirectory.with(prefix: "cusledger-readers") { directory in
            // A 1 MiB map, so it grows while the readers hold snapshots back to back: the growth goes first
            // (Sources/LMDB/ReadWriteGate.swift; with a reader-preferring gate it waited for ever).
            let ledger = try Ledger(
                Ledger.Options(dataDirectory: directory.path + "/data", initialMapSizeBytes: 1 << 20))
            defer { ledger.close() }
            let writing = Atomic<Bool>(true)
            let readers = (0..<Self.readerCount).map { _ in
                ReaderThread {
                    var observed: [SnapshotRoot] = []
                    repeat {
                        let snapshot = try SnapshotRoot.recompute(ledger)
                        if let previous = observed.last, snapshot.size < previous.size {
                            throw ReaderFailure(
                                "a later snapshot has \(snapshot.size) events, an earlier one \(previous.size)")
                        }
                        observed.append(snapshot)
                        usleep(500)  // leaves the 2-core test machine's writer some CPU
                    } while writing.load(ordering: .acquiring)
                    return observed
                }
            }
            var generator = SeededGenerator(seed: 13)
            for _ in 0..<60 {
                let streams = (0..<Int.random(in: 1...3, using: &generator)).map { _ in
                    StreamAppend(
                        stream: Fixtures.stream(), expectedVersion: .noStream,
                        events: Fixtures.events(Int.random(in: 1...4, using: &generator)))
                }
                _ = try await ledger.append(streams)
            }
            writing.store(false, ordering: .releasing)
            let snapshots = try readers.flatMap { try $0.join() }
            let size = try ledger.treeSize()
            for snapshot in Set(snapshots) {
                #expect(try ledger.root(atSize: snapshot.size) == snapshot.root, "snapshot of \(snapshot.size) events")
            }
            #expect(snapshots.count >= Self.readerCount)
            #expect(snapshots.allSatisfy { $0.size <= size })
            let sizes = Set(snapshots.map(\.size))
            print("readers: \(snapshots.count) snapshots of \(sizes.count) distinct sizes up to \(size) events")
        }
    }

    @Test("With every reader slot held, 28 more readers get readersFull; once released, reads succeed again")
    func readersFullIsTyped() async throws {
        try await TemporaryDirectory.with(prefix: "cusledger-readers") { directory in
            var options = Ledger.Options(dataDirectory: directory.path + "/data", initialMapSizeBytes: 8 << 20)
            options.maxReaders = 4
            let ledger = try Ledger(options)
            defer { ledger.close() }
            _ = try await ledger.append(to: Fixtures.stream(), expectedVersion: .noStream, events: Fixtures.events(5))
            let inside = DispatchSemaphore(value: 0)
            let release = DispatchSemaphore(value: 0)
            let holders = (0..<Int(options.maxReaders)).map { _ in
                ReaderThread {
                    try ledger.environment.read { _ in
                        inside.signal()
                        release.wait()
                    }
                    return [SnapshotRoot]()
                }
            }
            for _ in holders { inside.wait() }
            let refused = (0..<(Self.readerCount - holders.count)).map { _ in
                ReaderThread { () -> [LedgerError.Code] in
                    do throws(LedgerError) {
                        _ = try ledger.treeSize()
                        return []
                    } catch {
                        return [error.code]
                    }
                }
            }
            let codes = try refused.flatMap { try $0.join() }
            #expect(codes == Array(repeating: .readersFull, count: Self.readerCount - holders.count))
            for _ in holders { release.signal() }
            for holder in holders { _ = try holder.join() }
            for _ in 0..<Self.readerCount {  // one at a time: four slots hold no more than four at once
                #expect(try SnapshotRoot.recompute(ledger).size == 5)
            }
        }
    }
}

/// The size and root of one read snapshot, recomputed from its records.
struct SnapshotRoot: Sendable, Hashable {
    let size: UInt64
    let root: MerkleHash

    /// In one read transaction: hashes every record in position order (keys must be 0, 1, 2, …) and checks
    /// the result against `meta.frontier` of the same snapshot.
    static func recompute(_ ledger: Ledger) throws -> SnapshotRoot {
        let databases = ledger.databases
        return try databases.environment.read { txn in
            var frontier = MerkleFrontier()
            try txn.withCursor(databases.events) { cursor in
                var entry = try cursor.first()
                while let current = entry {
                    let key =
                        current.key.count == 8 ? UInt64(bigEndian: current.key.loadUnaligned(as: UInt64.self)) : nil
                    guard key == frontier.size else {
                        throw ReaderFailure("the snapshot's key \(key.map(String.init) ?? "?") is not \(frontier.size)")
                    }
                    frontier.append(RFC6962.leafHash(of: current.value))
                    entry = try cursor.next()
                }
            }
            guard let stored = try txn.value(in: databases.meta, key: Array("frontier".utf8)) else {
                throw ReaderFailure("the snapshot has no meta frontier")
            }
            let meta = try MerkleFrontier(serialized: Array(stored))
            guard meta.size == frontier.size, meta.root() == frontier.root() else {
                throw ReaderFailure("the snapshot's \(frontier.size) records do not give meta's root of \(meta.size)")
            }
            return SnapshotRoot(size: frontier.size, root: frontier.root())
        }
    }
}

struct ReaderFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A body run on its own OS thread (readers block in LMDB, so they stay off the cooperative pool).
final class ReaderThread<Value: Sendable>: Sendable {
    private let outcome = Mutex<Result<Value, any Error>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () throws -> Value) {
        let thread = Thread { [self] in
            let result = Result { try body() }
            outcome.withLock { $0 = result }
            done.signal()
        }
        thread.start()
    }

    func join() throws -> Value {
        done.wait()
        guard let result = outcome.withLock({ $0 }) else { throw ReaderFailure("the reader ended without a result") }
        return try result.get()
    }
}
