import Foundation
import LedgerTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("DIR/server.json: CLI writers refuse while cus serve runs; a stale file is ignored")
struct ServerFileCommandTests {
    @Test("serve writes server.json; ops run-due and generate exit 75 naming it; SIGTERM removes it")
    func refusedWhileServed() async throws {
        try await TemporaryDirectory.with { directory in
            let data = directory.path + "/data"
            let (process, base) = try CLIRunner.startServer(["--data", data, "--duty-poll-seconds", "3600"])
            let file = try #require(FileManager.default.contents(atPath: data + "/server.json"))
            let object = try #require(try JSONSerialization.jsonObject(with: file) as? [String: Any])
            #expect(object["url"] as? String == base)
            #expect((object["pid"] as? Int).map(Int32.init) == process.processIdentifier)

            let runDue = try CLIRunner.run(["ops", "run-due", "--data", data])
            #expect(runDue.status == 75)
            #expect(runDue.standardError.contains("the server runs the duties") && runDue.standardError.contains(base))
            let generate = try CLIRunner.run(["generate", "--data", data, "--residents", "1", "--months", "1"])
            #expect(generate.status == 75)
            #expect(generate.standardError.contains("cus generate has no API route"))
            #expect(try CLIRunner.run(["ops", "duties", "--data", data]).status == 0, "reading still works")

            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            #expect(!FileManager.default.fileExists(atPath: data + "/server.json"))
        }
    }

    @Test("A server.json whose process is gone is stale: the writer runs and the file is removed")
    func staleFileIgnored() async throws {
        try await TemporaryDirectory.with { directory in
            let data = directory.path + "/data"
            let exited = ChildProcess()
            exited.executableURL = URL(fileURLWithPath: "/bin/true")
            try exited.run()
            exited.waitUntilExit()
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
            let stale =
                #"{"pid":\#(exited.processIdentifier),"startedAt":"2025-01-01T00:00:00Z","url":"http://127.0.0.1:1"}"#
            try Data(stale.utf8).write(to: URL(fileURLWithPath: data + "/server.json"))
            let seeded = try CLIRunner.run(["ledger", "seed", "--data", data, "--events", "1"])
            #expect(seeded.status == 0, "\(seeded.standardError)")
            #expect(!FileManager.default.fileExists(atPath: data + "/server.json"))
        }
    }
}

extension CLIRunner {
    /// Starts `cus serve --port 0 ARGUMENTS` and returns it with its base URL once it prints that it listens.
    static func startServer(_ arguments: [String]) throws -> (process: ChildProcess, base: String) {
        let process = ChildProcess()
        process.executableURL = binary
        process.arguments = ["serve", "--port", "0"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        let deadline = Date().addingTimeInterval(60)
        while !text.contains("listening on"), Date() < deadline, process.isRunning {
            text += String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        }
        let line = try #require(text.split(separator: "\n").first { $0.contains("listening on") })
        return (process, String(try #require(line.split(separator: " ").first { $0.hasPrefix("http://") })))
    }
}
