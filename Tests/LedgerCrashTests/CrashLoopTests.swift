import Foundation
import Ledger
import LedgerTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// kill -9 at random moments while 16 tasks append and await durable acks (ledger.md G1, §6). After every
/// restart: every acknowledged event is at its acknowledged position with the same bytes, nothing partial is
/// visible, re-sent ids return the original positions, and a full verify passes. `CRASH_CYCLES` sets the cycle
/// count (default 20; Tools/crash-loop runs 1,000) and `CRASH_SEED` the seed.
@Suite("Crash loop (kill -9)")
struct CrashLoopTests {
    struct Ack: Hashable {
        let first: UInt64
        let last: UInt64
        let leafHashes: [String]
    }

    static var cycles: Int { Int(ProcessInfo.processInfo.environment["CRASH_CYCLES"] ?? "") ?? 20 }
    static var seed: UInt64 {
        UInt64(ProcessInfo.processInfo.environment["CRASH_SEED"] ?? "") ?? UInt64.random(in: 1...UInt64.max)
    }

    static var writerBinary: URL {
        if let path = ProcessInfo.processInfo.environment["CRASH_WRITER_BINARY"] { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/CrashWriter")
    }

    @Test("No acknowledged event is lost or changed across kill -9 cycles")
    func crashLoop() async throws {
        let seed = Self.seed
        var random = SeededGenerator(seed: seed)
        print("crash loop: \(Self.cycles) cycles, seed \(seed) (rerun with CRASH_SEED=\(seed))")
        try await TemporaryDirectory.with(prefix: "cusledger-crash") { directory in
            let data = directory.path + "/data"
            var acks: [String: Ack] = [:]
            var retriesChecked = 0
            for cycle in 0..<Self.cycles {
                let delayMilliseconds = UInt32.random(in: 5...250, using: &random)
                let lines = try runAndKill(data: data, cycle: cycle, afterMilliseconds: delayMilliseconds)
                for line in lines {
                    let fields = line.split(separator: " ").map(String.init)
                    if fields.first == "ack", fields.count == 7, let first = UInt64(fields[4]),
                        let last = UInt64(fields[5])
                    {
                        acks["\(fields[1]) \(fields[2]) \(fields[3])"] = Ack(
                            first: first, last: last, leafHashes: fields[6].split(separator: ",").map(String.init))
                    } else if fields.first == "retry", fields.count == 7 {
                        if let original = acks["\(fields[1]) \(fields[2]) \(fields[3])"] {
                            #expect(
                                fields[6] == "true" && UInt64(fields[4]) == original.first
                                    && UInt64(fields[5]) == original.last,
                                "cycle \(cycle): a re-sent acknowledged request got \(line)")
                            retriesChecked += 1
                        }
                    }
                }
                // Every cycle re-checks its own acknowledgements (and the restart re-verifies everything after the
                // newest checkpoint); every 50th cycle and the last re-check all of them and run a full verify.
                let thorough = cycle % 50 == 49 || cycle == Self.cycles - 1
                let recent = thorough ? acks : acks.filter { $0.key.hasPrefix("\(cycle) ") }
                try checkAfterRestart(data: data, acks: recent, cycle: cycle, fullVerify: thorough)
            }
            print(
                "crash loop: \(Self.cycles) cycles, \(acks.count) acknowledged appends, 0 lost, \(retriesChecked) retries matched"
            )
            #expect(acks.count >= Self.cycles, "the writer acknowledged too little to prove anything")
        }
    }

    /// Starts the writer, lets it run `afterMilliseconds` past its first ack line or "ready", kills it with
    /// SIGKILL, and returns the complete lines it printed.
    private func runAndKill(data: String, cycle: Int, afterMilliseconds: UInt32) throws -> [String] {
        let process = ChildProcess()
        process.executableURL = Self.writerBinary
        process.arguments = [data, String(cycle), "16"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let reader = output.fileHandleForReading
        var buffer = Data()
        let deadline = Date().addingTimeInterval(60)
        while !String(decoding: buffer, as: UTF8.self).contains("ready\n"), Date() < deadline, process.isRunning {
            buffer.append(reader.availableData)
        }
        usleep(afterMilliseconds * 1000)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        buffer.append(reader.readDataToEndOfFile())
        #expect(process.terminationReason == .uncaughtSignal, "cycle \(cycle): the writer ended on its own")
        let text = String(decoding: buffer, as: UTF8.self)
        let complete = text.hasSuffix("\n") ? text : String(text[..<(text.lastIndex(of: "\n") ?? text.startIndex)])
        return complete.split(separator: "\n").map(String.init)
    }

    /// Reopens as the writer (which re-verifies every record after the newest checkpoint), checks the given
    /// acks, and with `fullVerify` runs the whole of `cus ledger verify`.
    private func checkAfterRestart(data: String, acks: [String: Ack], cycle: Int, fullVerify: Bool) throws {
        let ledger = try Ledger(Ledger.Options(dataDirectory: data, initialMapSizeBytes: 8 << 20))
        defer { ledger.close() }
        let size = try ledger.treeSize()
        for (key, ack) in acks {
            #expect(ack.last < size, "cycle \(cycle): acknowledged \(key) at \(ack.last) beyond tree size \(size)")
            var hashes: [String] = []
            try ledger.scanRecords(from: Position(ack.first), limit: ack.last - ack.first + 1) { _, bytes in
                hashes.append(RFC6962.leafHash(of: bytes).hex)
            }
            #expect(hashes == ack.leafHashes, "cycle \(cycle): acknowledged \(key) changed or vanished")
        }
        guard fullVerify else { return }
        let report = try LedgerVerifier(ledger: ledger).verify()
        #expect(report.ok, "cycle \(cycle): verify failed: \(report.problems.prefix(3))")
    }
}
