import Foundation
import Logging
import Synchronization
import Testing

@testable import HTTPAPI

#if canImport(Glibc)
    import Glibc
#endif

@Suite("HTTP API: log lines written in batches, in swift-log's stream format")
struct LogLineSinkTests {
    /// A temporary file the sink writes to; `text()` reads what arrived since the last call.
    final class LogFile: Sendable {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("log-\(UUID()).txt").path
        let write: Int32
        private let readOffset = Mutex(0)

        init() {
            write = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
            precondition(write >= 0)
        }

        deinit {
            close(write)
            unlink(path)
        }

        func text() -> String {
            let bytes = Array((try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data())
            return readOffset.withLock { offset in
                defer { offset = bytes.count }
                return String(decoding: bytes[offset...], as: UTF8.self)
            }
        }
    }

    /// What `StreamLogHandler` writes, kept in memory.
    final class Captured: TextOutputStream, @unchecked Sendable {
        let text = Mutex("")
        func write(_ string: String) { text.withLock { $0 += string } }
    }

    /// A line without its leading timestamp, which differs between two handlers a second apart.
    static func untimed(_ line: Substring) -> Substring { line.drop { $0 != " " } }

    @Test("A line reads as StreamLogHandler writes it, metadata sorted, with the logger's and the line's own")
    func sameFormatAsStreamLogHandler() throws {
        let file = LogFile()
        let sink = LogLineSink(fileDescriptor: file.write, flushMilliseconds: 10_000)
        defer { sink.close() }
        let captured = Captured()
        var ours = Logger(label: "cusledger.http") {
            DeferredMetadataLogHandler(base: LogLineHandler(label: $0, sink: sink))
        }
        var theirs = Logger(label: "cusledger.http") {
            StreamLogHandler(label: $0, stream: captured, metadataProvider: nil)
        }
        ours[metadataKey: "role"] = "director"
        theirs[metadataKey: "role"] = "director"
        ours.info("command recorded", metadata: ["route": "signal-need", "command": "c-1"])
        theirs.info("command recorded", metadata: ["route": "signal-need", "command": "c-1"])
        ours.info("no metadata of its own")
        theirs.info("no metadata of its own")
        ours.debug("below the level")
        theirs.debug("below the level")
        sink.flush()
        let written = file.text().split(separator: "\n")
        let expected = captured.text.withLock { $0 }.split(separator: "\n")
        #expect(written.map(Self.untimed) == expected.map(Self.untimed))
        #expect(
            written.first.map(Self.untimed)
                == " info cusledger.http: command=c-1 role=director route=signal-need [HTTPAPITests] command recorded")
        let timestamp = try #require(written.first?.split(separator: " ").first)
        #expect(timestamp.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}/) != nil)
    }

    @Test("Lines below .warning wait for the interval; a warning writes them all, in order, before it returns")
    func warningsAreWrittenAtOnce() {
        let file = LogFile()
        let sink = LogLineSink(fileDescriptor: file.write, flushMilliseconds: 10_000)
        defer { sink.close() }
        let logger = Logger(label: "t") { LogLineHandler(label: $0, sink: sink) }
        logger.info("first")
        logger.notice("second")
        #expect(file.text().isEmpty)
        logger.warning("third")
        let lines = file.text().split(separator: "\n").map { $0.split(separator: "] ").last ?? "" }
        #expect(lines == ["first", "second", "third"])
    }

    @Test("The writing thread writes within the interval; close writes the rest; a full buffer is written at once")
    func intervalCloseAndFullBuffer() async throws {
        let file = LogFile()
        let sink = LogLineSink(fileDescriptor: file.write, flushMilliseconds: 20, bufferBytesMax: 1_000)
        sink.append("tick\n", urgent: false)
        var seen = ""
        for _ in 0..<200 where seen.isEmpty {
            try await Task.sleep(for: .milliseconds(10))
            seen = file.text()
        }
        #expect(seen == "tick\n")
        let long = String(repeating: "x", count: 1_200) + "\n"
        sink.append(long, urgent: false)
        #expect(file.text() == long)
        sink.append("last\n", urgent: false)
        sink.close()
        #expect(file.text() == "last\n")
        sink.append("after close\n", urgent: false)
        #expect(file.text() == "after close\n")
        sink.close()
        #expect(file.text().isEmpty)
    }

    @Test("Lines appended from many threads all arrive whole")
    func concurrentLinesArriveWhole() {
        let file = LogFile()
        let sink = LogLineSink(fileDescriptor: file.write, flushMilliseconds: 5, bufferBytesMax: 4_096)
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for index in 0..<500 { sink.append("thread \(thread) line \(index)\n", urgent: index % 97 == 0) }
        }
        sink.close()
        let lines = file.text().split(separator: "\n")
        #expect(lines.count == 4_000)
        #expect(Set(lines).count == 4_000)
        for thread in 0..<8 {
            let own = lines.filter { $0.hasPrefix("thread \(thread) ") }
            #expect(own.map(String.init) == (0..<500).map { "thread \(thread) line \($0)" })
        }
    }
}
