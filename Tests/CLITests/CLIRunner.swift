import Foundation

/// Runs the built `cus` binary as a separate process, the way operators do.
struct CLIRunner {
    struct Outcome {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// `CUS_BINARY` (set by Tools/test), else the debug build beside this package.
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["CUS_BINARY"] { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/cus")
    }

    static func run(_ arguments: [String]) throws -> Outcome {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus, standardOutput: String(decoding: outputData, as: UTF8.self),
            standardError: String(decoding: errorData, as: UTF8.self))
    }
}

extension CLIRunner {
    /// Starts `cus serve --data DATA --port 0` and returns it with what it printed up to "listening on" (at most
    /// 60 s); the caller stops it with SIGTERM.
    static func serve(data: String) throws -> (process: Process, output: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", "--data", data, "--port", "0"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        let deadline = Date().addingTimeInterval(60)
        while !text.contains("listening on"), Date() < deadline, process.isRunning {
            text += String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        }
        return (process, text)
    }
}
