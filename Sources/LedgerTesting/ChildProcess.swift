public import Foundation
import Synchronization

#if canImport(Glibc)
    public import Glibc
#endif

/// A child process for tests, started with `posix_spawn`: the part of Foundation's `Process` the tests use
/// (`executableURL`, `arguments`, standard streams as a `Pipe` or `FileHandle`, `run`, `isRunning`,
/// `waitUntilExit`, `terminationStatus`, `terminationReason`, `processIdentifier`). Foundation's `Process.run` on
/// Linux reads `/proc/self/fd` past the end of glibc's directory buffer and crashes now and then in a process with
/// many threads (swift-corelibs-foundation PR 5472, in Swift 6.3.1); a test suite that starts hundreds of children
/// met it. The child inherits the environment, runs in a process group of its own, and gets no descriptor beyond
/// its three standard ones.
public final class ChildProcess: @unchecked Sendable {
    public var executableURL: URL?
    public var arguments: [String] = []
    /// A `Pipe` or a `FileHandle` each; nil inherits the parent's.
    public var standardInput: Any?
    public var standardOutput: Any?
    public var standardError: Any?

    public private(set) var processIdentifier: pid_t = 0
    /// The raw `waitpid` status once the child was reaped.
    private let reaped = Mutex<Int32?>(nil)

    public init() {}

    public enum Failure: Error, CustomStringConvertible {
        case noExecutable
        case spawn(path: String, errno: Int32)

        public var description: String {
            switch self {
            case .noExecutable: "no executableURL"
            case .spawn(let path, let code): "posix_spawn(\(path)): \(String(cString: strerror(code)))"
            }
        }
    }

    public func run() throws {
        guard let path = executableURL?.path else { throw Failure.noExecutable }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var parentCloses: [FileHandle] = []
        for (stream, target) in [
            (standardInput, STDIN_FILENO), (standardOutput, STDOUT_FILENO),
            (standardError, STDERR_FILENO),
        ] {
            switch stream {
            case let pipe as Pipe:
                let childEnd = target == STDIN_FILENO ? pipe.fileHandleForReading : pipe.fileHandleForWriting
                posix_spawn_file_actions_adddup2(&actions, childEnd.fileDescriptor, target)
                parentCloses.append(childEnd)
            case let handle as FileHandle:
                posix_spawn_file_actions_adddup2(&actions, handle.fileDescriptor, target)
            default:
                break
            }
        }
        Self.closeDescriptors(from: 3, in: &actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid: pid_t = 0
        let code = argv.withUnsafeBufferPointer { arguments -> Int32 in
            guard let base = arguments.baseAddress else { return EINVAL }
            return posix_spawn(&pid, path, &actions, &attributes, UnsafeMutablePointer(mutating: base), environ)
        }
        guard code == 0 else { throw Failure.spawn(path: path, errno: code) }
        processIdentifier = pid
        for handle in parentCloses { try? handle.close() }
    }

    /// Every descriptor from `lowest` on is closed in the child: glibc's `posix_spawn_file_actions_addclosefrom_np`
    /// (2.34 and later, which Swift's Glibc module does not declare), else each one open now.
    private static func closeDescriptors(from lowest: Int32, in actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, lowest)
            return
        }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for descriptor in open.compactMap(Int32.init) where descriptor >= lowest {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
    }

    public var isRunning: Bool {
        reaped.withLock { status in
            guard status == nil, processIdentifier > 0 else { return false }
            var raw: Int32 = 0
            guard waitpid(processIdentifier, &raw, WNOHANG) == processIdentifier else { return true }
            status = raw
            return false
        }
    }

    public func waitUntilExit() {
        reaped.withLock { status in
            guard status == nil, processIdentifier > 0 else { return }
            var raw: Int32 = 0
            while waitpid(processIdentifier, &raw, 0) == -1 && errno == EINTR {}
            status = raw
        }
    }

    private var status: Int32 {
        guard let status = reaped.withLock({ $0 }) else { preconditionFailure("the child is still running") }
        return status
    }

    private var signalled: Bool { status & 0x7f != 0 && status & 0x7f != 0x7f }

    /// The exit code, or the signal that ended the child (as Foundation's `Process` reports it).
    public var terminationStatus: Int32 { signalled ? status & 0x7f : (status >> 8) & 0xff }

    public var terminationReason: Process.TerminationReason { signalled ? .uncaughtSignal : .exit }
}
