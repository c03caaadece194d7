import HTTPAPI
import Logging
import Synchronization
import Testing

@Suite("HTTP API: the log handler that formats metadata only for a line logged")
struct DeferredMetadataLogHandlerTests {
    /// Keeps what it is given, as a line's metadata would be written.
    final class Recorder: Sendable {
        let events = Mutex<[Logger.Metadata]>([])
    }

    struct RecordingHandler: LogHandler {
        let recorder: Recorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info
        var metadataProvider: Logger.MetadataProvider?

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            recorder.events.withLock { $0.append(metadata.merging(event.metadata ?? [:]) { $1 }) }
        }
    }

    @Test("The logger's metadata reaches the line, the line's own metadata wins, and levels hold")
    func metadataReachesTheLine() {
        let recorder = Recorder()
        var logger = Logger(label: "test") { _ in
            DeferredMetadataLogHandler(base: RecordingHandler(recorder: recorder))
        }
        logger[metadataKey: "correlation"] = "c-1"
        logger[metadataKey: "role"] = "director"
        #expect(logger[metadataKey: "role"] == "director")
        logger.info("recorded", metadata: ["role": "auditor", "route": "need-signals"])
        logger.debug("below the level")
        logger.logLevel = .debug
        logger.debug("now logged")
        let events = recorder.events.withLock { $0 }
        #expect(events.count == 2)
        #expect(events.first == ["correlation": "c-1", "role": "auditor", "route": "need-signals"])
        #expect(events.last == ["correlation": "c-1", "role": "director"])
    }

    @Test("The metadata set is kept by the handler, not handed to the base until a line is logged")
    func baseSeesNothingUntilALine() {
        var handler = DeferredMetadataLogHandler(base: RecordingHandler(recorder: Recorder()))
        handler[metadataKey: "token"] = "t-1"
        #expect(handler.metadata == ["token": "t-1"])
        #expect(handler.base.metadata.isEmpty)
    }
}
