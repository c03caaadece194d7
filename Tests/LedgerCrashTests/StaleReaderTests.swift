import Foundation
import LMDB
import Ledger
import LedgerTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Stale readers")
struct StaleReaderTests {
    // While another process keeps the environment open, LMDB keeps the reader table as it is: a reader killed
    // inside its transaction leaves its slot until `mdb_reader_check` clears it (at open and every 60 s).
    // (When no process has it open, the next open re-initialises the lock file and no slot survives.)
    @Test("A reader killed inside its transaction leaves a slot that mdb_reader_check clears")
    func staleReaderIsCleared() async throws {
        try await TemporaryDirectory.with(prefix: "cusledger-reader") { directory in
            let data = directory.path + "/data"
            let writer = try Ledger(Ledger.Options(dataDirectory: data, initialMapSizeBytes: 8 << 20))
            defer { writer.close() }
            _ = try await writer.append(to: Fixtures.stream(), expectedVersion: .noStream, events: Fixtures.events(3))
            let process = ChildProcess()
            process.executableURL = CrashLoopTests.writerBinary
            process.arguments = [data, "hold-reader"]
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            var seen = Data()
            while !String(decoding: seen, as: UTF8.self).contains("holding"), process.isRunning {
                seen.append(output.fileHandleForReading.availableData)
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(try writer.environment.info().readersInUse >= 1)
            #expect(try writer.environment.clearStaleReaders() == 1)
            #expect(try writer.treeSize() == 3)
        }
    }
}
