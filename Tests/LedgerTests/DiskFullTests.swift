import Foundation
import Ledger
import LedgerTesting
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// ledger.md §2.5 item 4 and §6 "Disk full": the ledger on a small tmpfs whose space runs out mid-append.
/// Needs root to mount; elsewhere the test is skipped (Tools/test runs as root in CI).
@Suite("Disk full")
struct DiskFullTests {
    static var canMount: Bool { getuid() == 0 && FileManager.default.fileExists(atPath: "/bin/mount") }

    @Test(
        "A failed commit answers outcomeUnknown, stops the writer, keeps reads and loses nothing acknowledged",
        .enabled(if: canMount))
    func diskFull() async throws {
        try await TemporaryDirectory.with(prefix: "cusledger-enospc") { directory in
            let mountPoint = directory.path + "/fs"
            try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
            try run("/bin/mount", ["-t", "tmpfs", "-o", "size=12m", "tmpfs", mountPoint])
            defer { _ = try? run("/bin/umount", ["-l", mountPoint]) }
            let data = mountPoint + "/data"
            let options = Ledger.Options(
                dataDirectory: data, initialMapSizeBytes: 256 << 20, signingKeyPath: directory.path + "/signing.key")
            var ledger = try Ledger(options)
            let stops = Mutex<[String]>([])
            ledger.observeCommits { report in
                if let reason = report.writerStopped { stops.withLock { $0.append(reason) } }
            }
            var acknowledged: [AppendResult] = []
            for _ in 0..<5 {
                acknowledged.append(
                    try await ledger.append(
                        to: Fixtures.stream(), expectedVersion: .noStream, events: Fixtures.events(50)))
            }
            let filler = mountPoint + "/filler"
            _ = try? run("/bin/dd", ["if=/dev/zero", "of=\(filler)", "bs=64k"])  // until ENOSPC
            let payload = [UInt8](repeating: 0x42, count: 4000)
            var failure: LedgerError?
            for _ in 0..<50 where failure == nil {
                do {
                    acknowledged.append(
                        try await ledger.append(
                            to: Fixtures.stream(), expectedVersion: .noStream,
                            events: (0..<100).map { _ in Fixtures.event(payload: payload) }))
                } catch {
                    failure = error as? LedgerError
                }
            }
            #expect(failure?.code == .outcomeUnknown, "\(String(describing: failure))")
            #expect(ledger.writerStopReason?.code == .writerStopped)
            #expect(stops.withLock { $0.count } == 1, "the observer hears of the stop once (the server's alert)")
            try await EventStoreConformance.expectError(.writerStopped) {
                try await ledger.append(to: Fixtures.stream(), expectedVersion: .noStream, events: Fixtures.events(1))
            }
            #expect(try ledger.readAll(from: .zero, limit: 10).count == 10, "reads continue")
            ledger.close()
            try FileManager.default.removeItem(atPath: filler)
            ledger = try Ledger(options)
            defer { ledger.close() }
            for result in acknowledged {
                #expect(try ledger.event(at: result.lastPosition)?.stream == result.stream)
            }
            #expect(try ledger.treeSize() >= (acknowledged.last?.lastPosition.rawValue ?? 0) + 1)
            #expect(try LedgerVerifier(ledger: ledger).verify().ok)
            _ = try await ledger.append(to: Fixtures.stream(), expectedVersion: .noStream, events: Fixtures.events(3))
        }
    }

    @discardableResult
    private func run(_ tool: String, _ arguments: [String]) throws -> Int32 {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        if tool.hasSuffix("mount") && process.terminationStatus != 0 {
            throw LedgerError(.storage, "\(tool) failed with \(process.terminationStatus)")
        }
        return process.terminationStatus
    }
}
