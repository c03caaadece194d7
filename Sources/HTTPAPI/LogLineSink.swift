import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the server's log lines go: a file descriptor (standard error by default), written in batches.
///
/// swift-log's `StreamLogHandler` writes and flushes each line under the `FILE` lock, and formats its timestamp
/// with `localtime`, which reads the time zone again (a `stat` of `/etc/localtime`) on every call. With one
/// "command recorded" line per command, that took 10–50 µs of a durable command's CPU under load (2 threads
/// queueing on the lock). Here a line is appended to a buffer in memory; one thread writes the buffer out every
/// `flushMilliseconds`, a line that fills it past `bufferBytesMax` writes it at once, and a line at `.warning` or
/// above writes it (with every line before it) before `append` returns. A process that dies without `close()`
/// (SIGKILL, a trap, `fatalError`) loses at most the last `flushMilliseconds` of lines below `.warning`;
/// `close()` writes everything.
public final class LogLineSink: Sendable {
    public static let standardError = LogLineSink(fileDescriptor: 2)

    private let fileDescriptor: Int32
    private let bufferBytesMax: Int
    private let buffer = Mutex<[UInt8]>([])
    /// Held while a buffer is taken and written, so lines reach the file in the order they were appended.
    private let writing = Mutex<Void>(())
    private let clock = Mutex<(second: Int, text: String)>((-1, ""))
    private let stop = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)
    private let closed = Atomic<Bool>(false)

    public init(fileDescriptor: Int32, flushMilliseconds: Int = 50, bufferBytesMax: Int = 64 * 1024) {
        self.fileDescriptor = fileDescriptor
        self.bufferBytesMax = bufferBytesMax
        let thread = Thread { [self] in
            while stop.wait(timeout: .now() + .milliseconds(flushMilliseconds)) == .timedOut { flush() }
            flush()
            stopped.signal()
        }
        thread.name = "cus-log"
        thread.start()
    }

    /// Appends one line (with its newline); writes the buffer at once when `urgent` or full.
    public func append(_ line: String, urgent: Bool) {
        let full = buffer.withLock { buffer in
            buffer.append(contentsOf: line.utf8)
            return buffer.count >= bufferBytesMax
        }
        if urgent || full || closed.load(ordering: .acquiring) { flush() }
    }

    /// Writes every line appended so far.
    public func flush() {
        writing.withLock { _ in
            var taken: [UInt8] = []
            buffer.withLock { swap(&taken, &$0) }
            guard !taken.isEmpty else { return }
            taken.withUnsafeBytes { Self.writeAll($0, to: fileDescriptor) }
        }
    }

    /// Writes every line appended so far and ends the writing thread; later lines are written as they come.
    public func close() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return flush() }
        stop.signal()
        stopped.wait()
    }

    /// The current second as `StreamLogHandler` writes it (`2026-11-27T18:09:46+0000`, local time), formatted
    /// once per second.
    func timestamp() -> String {
        var now = time(nil)
        if let cached = clock.withLock({ $0.second == now ? $0.text : nil }) { return cached }
        var parts = tm()
        guard localtime_r(&now, &parts) != nil else { return "<unknown>" }
        var text = [CChar](repeating: 0, count: 64)
        let count = strftime(&text, text.count, "%Y-%m-%dT%H:%M:%S%z", &parts)
        let formatted = String(decoding: text.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        clock.withLock { $0 = (now, formatted) }
        return formatted
    }

    /// Writes all of `bytes`, retrying short writes and interruptions; other errors drop the rest (a log line
    /// that cannot be written must not stop the server).
    private static func writeAll(_ bytes: UnsafeRawBufferPointer, to fileDescriptor: Int32) {
        guard var next = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let written = write(fileDescriptor, next, left)
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            next += written
            left -= written
        }
    }
}
