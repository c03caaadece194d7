#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Synchronization

/// The exclusive `flock` on `DIR/writer.lock` that makes one process the only writer of a data directory
/// (ledger.md §2.5 item 6). The file names its holder so a refused process can say who has it.
public final class WriterLock: Sendable {
    public let path: String
    private let descriptor: Int32
    private let released = Atomic<Bool>(false)

    /// Takes the lock or throws `writerLocked` naming the holder; never waits.
    public init(dataDirectory: String, purpose: String) throws(LedgerError) {
        path = dataDirectory + "/writer.lock"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw LedgerError(.storage, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let holder = Self.readHolder(descriptor)
            close(descriptor)
            throw LedgerError(
                .writerLocked,
                "another process writes this data directory (\(holder)); stop it or send the "
                    + "command through its HTTP API", details: .lockHolder(holder))
        }
        self.descriptor = descriptor
        let holder = "pid \(getpid()) (\(purpose))\n"
        _ = ftruncate(descriptor, 0)
        _ = holder.utf8CString.withUnsafeBufferPointer { pwrite(descriptor, $0.baseAddress, $0.count - 1, 0) }
    }

    deinit { release() }

    /// Releases the lock. Closing the descriptor drops the flock; the file stays (deleting it would race a new
    /// holder).
    public func release() {
        guard !released.exchange(true, ordering: .acquiringAndReleasing) else { return }
        close(descriptor)
    }

    private static func readHolder(_ descriptor: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        let text = count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : ""
        let trimmed = text.split(separator: "\n").first.map(String.init) ?? ""
        return trimmed.isEmpty ? "holder unknown" : "held by \(trimmed)"
    }
}
