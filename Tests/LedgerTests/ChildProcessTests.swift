import Foundation
import LedgerTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("ChildProcess: the tests' posix_spawn children")
struct ChildProcessTests {
    private func shell(_ script: String) -> ChildProcess {
        let child = ChildProcess()
        child.executableURL = URL(fileURLWithPath: "/bin/sh")
        child.arguments = ["-c", script]
        return child
    }

    @Test("Output through a pipe, input from one, and the exit code")
    func pipesAndExitCode() throws {
        let child = shell("read line; echo \"got $line\"; echo oops >&2; exit 3")
        let (input, output, errors) = (Pipe(), Pipe(), Pipe())
        (child.standardInput, child.standardOutput, child.standardError) = (input, output, errors)
        try child.run()
        try input.fileHandleForWriting.write(contentsOf: Data("ping\n".utf8))
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        child.waitUntilExit()
        #expect(text == "got ping\n" && errorText == "oops\n")
        #expect(child.terminationStatus == 3 && child.terminationReason == .exit)
        #expect(!child.isRunning)
    }

    @Test("A child killed by a signal reports the signal; it runs in a process group of its own")
    func killedBySignal() throws {
        let child = shell("sleep 30")
        child.standardOutput = FileHandle.nullDevice
        try child.run()
        #expect(child.isRunning)
        #expect(getpgid(child.processIdentifier) == child.processIdentifier)
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(!child.isRunning)
        #expect(child.terminationReason == .uncaughtSignal && child.terminationStatus == SIGKILL)
    }

    @Test("The child gets no descriptor of the parent beyond its standard three")
    func noInheritedDescriptors() throws {
        let directory = try TemporaryDirectory(prefix: "cus-child")
        defer { directory.remove() }
        let kept = open(directory.path + "/held", O_CREAT | O_RDWR, 0o600)  // without O_CLOEXEC
        defer { close(kept) }
        #expect(kept > 2)
        let child = shell("ls /proc/self/fd")
        let output = Pipe()
        child.standardOutput = output
        try child.run()
        let listed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        child.waitUntilExit()
        // ls itself opens one descriptor to read the directory.
        let descriptors = listed.split(separator: "\n").compactMap { Int32($0) }
        #expect(!descriptors.contains(kept), "\(descriptors)")
        #expect(descriptors.filter { $0 > 2 }.count <= 1, "\(descriptors)")
    }

    @Test("A missing executable is a thrown error, not a crash")
    func missingExecutable() {
        let child = ChildProcess()
        child.executableURL = URL(fileURLWithPath: "/nonexistent/cus")
        #expect(throws: ChildProcess.Failure.self) { try child.run() }
    }
}
