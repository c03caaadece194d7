import Foundation
import LedgerTesting

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
        let process = ChildProcess()
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

    /// `cus generate` of a small centre (40 residents over 3 months from 2025-01-01) into `data`.
    static func generateSmallCentre(_ data: String) throws -> Outcome {
        try run(["generate", "--data", data, "--residents", "40", "--months", "3", "--from", "2025-01-01"])
    }
}
