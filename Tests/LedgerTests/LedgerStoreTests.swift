import Foundation
import Synchronization
import LMDB
import Ledger
import LedgerTesting
import Testing

@Suite("LMDB ledger: restart, map growth, flags, locks and readers")
struct LedgerStoreTests {
    private func options(_ directory: TemporaryDirectory) -> Ledger.Options {
        Ledger.Options(dataDirectory: directory.path + "/data", initialMapSizeBytes: 64 << 20)
    }

    @Test("A retry after restart returns the original positions and writes nothing")
    func retryAfterRestart() async throws {
        try await TemporaryDirectory.with { directory in
            let stream = Fixtures.stream()
            let events = Fixtures.events(4)
            var ledger = try Ledger(options(directory))
            _ = try await ledger.append(to: Fixtures.stream(), expectedVersion: .noStream, events: Fixtures.events(2))
            let original = try await ledger.append(to: stream, expectedVersion: .noStream, events: events)
            let root = try ledger.merkleRoot()
            ledger.close()
            ledger = try Ledger(options(directory))
            defer { ledger.close() }
            let retry = try await ledger.append(to: stream, expectedVersion: .noStream, events: events)
            #expect(retry.wasAlreadyRecorded && retry.firstPosition == original.firstPosition)
            #expect(retry.lastPosition == original.lastPosition && retry.streamVersion == original.streamVersion)
            #expect(try ledger.treeSize() == 6 && ledger.merkleRoot() == root)
            let next = try await ledger.append(
                to: stream, expectedVersion: .exact(StreamVersion(3)), events: Fixtures.events(1))
            #expect(next.firstPosition == Position(6))
        }
    }

    @Test("The map grows from a tiny initial size under 10,000-event batches, losing nothing")
    func mapGrowth() async throws {
        try await TemporaryDirectory.with { directory in
            let ledger = try Ledger(
                Ledger.Options(dataDirectory: directory.path + "/data", initialMapSizeBytes: 1 << 20))
            defer { ledger.close() }
            let payload = [UInt8](repeating: 0x61, count: 250)
            for _ in 0..<4 {
                let parts = (0..<100).map { _ in
                    StreamAppend(
                        stream: Fixtures.stream(), expectedVersion: .noStream,
                        events: (0..<100).map { _ in Fixtures.event(payload: payload) })
                }
                _ = try await ledger.append(parts)
            }
            #expect(try ledger.treeSize() == 40_000)
            #expect(try ledger.environment.info().mapSizeBytes > 1 << 20)
            var count = 0
            try ledger.scanRecords(from: .zero) { position, bytes in
                _ = try RecordDecoder.decode(bytes, expectedPosition: position)
                count += 1
            }
            #expect(count == 40_000)
        }
    }

    @Test("A map at its maximum answers mapFull and writes nothing")
    func mapFullAtMaximum() async throws {
        try await TemporaryDirectory.with { directory in
            let ledger = try Ledger(
                Ledger.Options(
                    dataDirectory: directory.path + "/data", initialMapSizeBytes: 1 << 20, mapSizeBytesMax: 2 << 20))
            defer { ledger.close() }
            let big = (0..<2000).map { _ in Fixtures.event(payload: [UInt8](repeating: 1, count: 2000)) }
            try await EventStoreConformance.expectError(.mapFull) {
                try await ledger.append(to: Fixtures.stream(), expectedVersion: .any, events: big)
            }
            #expect(try ledger.treeSize() == 0)
            _ = try await ledger.append(to: Fixtures.stream(), expectedVersion: .any, events: Fixtures.events(3))
            #expect(try ledger.treeSize() == 3)
        }
    }

    @Test(
        "Flags that weaken durability are refused on the ledger",
        arguments: [
            EnvironmentFlags.noSync, .noMetaSync, .writeMap, .mapAsync, .noMemInit, .noLock,
        ])
    func forbiddenFlags(flag: EnvironmentFlags) async throws {
        try await TemporaryDirectory.with { directory in
            var options = options(directory)
            options.environmentFlags = flag
            #expect {
                _ = try Ledger(options)
            } throws: { error in
                (error as? LedgerError)?.underlying.map { LMDBError.forbiddenFlag ~= $0 } ?? false
            }
        }
    }

    @Test("A second writer of the same data directory is refused and told who holds the lock")
    func writerLock() async throws {
        try await TemporaryDirectory.with { directory in
            let ledger = try Ledger(options(directory))
            defer { ledger.close() }
            #expect {
                _ = try Ledger(options(directory))
            } throws: { error in
                guard let error = error as? LedgerError, case .lockHolder(let holder)? = error.details else {
                    return false
                }
                return error.code == .writerLocked && holder.contains("pid \(getpid())")
            }
            let flock = ChildProcess()
            flock.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
            flock.arguments = ["--nonblock", "--exclusive", directory.path + "/data/writer.lock", "true"]
            try flock.run()
            flock.waitUntilExit()
            #expect(flock.terminationStatus != 0, "another process could take writer.lock")
        }
    }

    @Test("Read-only opens read everything and refuse appends")
    func readOnly() async throws {
        try await TemporaryDirectory.with { directory in
            let writer = try Ledger(options(directory))
            _ = try await writer.append(to: Fixtures.stream(), expectedVersion: .noStream, events: Fixtures.events(3))
            let root = try writer.merkleRoot()
            writer.close()
            var readOnlyOptions = options(directory)
            readOnlyOptions.readOnly = true
            let reader = try Ledger(readOnlyOptions)
            defer { reader.close() }
            #expect(try reader.treeSize() == 3 && reader.merkleRoot() == root)
            try await EventStoreConformance.expectError(.notWritable) {
                try await reader.append(to: Fixtures.stream(), expectedVersion: .any, events: Fixtures.events(1))
            }
        }
    }

    @Test("Exhausted reader slots are a typed back-pressure error")
    func readersFull() async throws {
        try await TemporaryDirectory.with { directory in
            var small = options(directory)
            small.maxReaders = 2
            let ledger = try Ledger(small)
            defer { ledger.close() }
            let environment = ledger.environment
            let error: LedgerError? = try environment.read { _ in
                try environment.read { _ -> LedgerError? in
                    do throws(LedgerError) {
                        _ = try ledger.treeSize()
                        return nil
                    } catch {
                        return error
                    }
                }
            }
            #expect(error?.code == .readersFull)
            #expect(try ledger.treeSize() == 0)
        }
    }

    @Test("A truncated data file is refused at open with a one-line reason")
    func truncatedFile() async throws {
        try await TemporaryDirectory.with { directory in
            let ledger = try Ledger(options(directory))
            let payload = [UInt8](repeating: 7, count: 1000)
            _ = try await ledger.append(
                to: Fixtures.stream(), expectedVersion: .any,
                events: (0..<500).map { _ in Fixtures.event(payload: payload) })
            ledger.close()
            let file = directory.path + "/data/ledger/data.mdb"
            let size = try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int ?? 0
            #expect(truncate(file, off_t(size / 2)) == 0)
            await #expect {
                // Other tests spawn children (`posix_spawn`): until a child execs, it shares this process's file
                // descriptions, so the flock of the ledger just closed can outlive `close()` by that moment.
                let deadline = ContinuousClock.now + .seconds(30)
                while true {
                    do { _ = try Ledger(options(directory)) } catch let error as LedgerError
                        where error.code == .writerLocked && ContinuousClock.now < deadline
                    {
                        try await Task.sleep(for: .milliseconds(20))
                        continue
                    }
                    return
                }
            } throws: { error in
                let text = "\(error)"
                return text.contains("truncated") && !text.contains("\n")
            }
        }
    }

    @Test("A clock running backwards does not stop appends and is counted")
    func clockRegression() async throws {
        try await TemporaryDirectory.with { directory in
            let ticks = ClockScript([10_000_000_000, 5_000_000_000, 6_000_000_000])
            var options = options(directory)
            options.clock = LedgerClock { ticks.next() }
            let ledger = try Ledger(options)
            defer { ledger.close() }
            for _ in 0..<3 {
                _ = try await ledger.append(to: Fixtures.stream(), expectedVersion: .any, events: Fixtures.events(1))
            }
            #expect(
                try ledger.readAll(from: .zero, limit: 3).map(\.recordedAt.rawValue) == [
                    10_000_000_000, 5_000_000_000, 6_000_000_000,
                ])
            #expect(ledger.clockRegressions == 1)
        }
    }
}

/// A clock that returns scripted instants, then repeats the last.
final class ClockScript: Sendable {
    private let instants: [Int64]
    private let index = Mutex(0)
    init(_ instants: [Int64]) { self.instants = instants }
    func next() -> Timestamp {
        let current = index.withLock { index in
            defer { index = min(index + 1, instants.count - 1) }
            return index
        }
        return Timestamp(microseconds: instants[current])
    }
}
