public import Logging

/// A `LogHandler` that writes the lines of swift-log's `StreamLogHandler`, in the same format
/// (`2026-11-27T18:09:46+0000 info cusledger.http: key=value … [Module] message`), into a `LogLineSink`, which
/// writes them in batches. Lines at `.warning` and above are written before `log` returns.
public struct LogLineHandler: LogHandler {
    public let label: String
    public let sink: LogLineSink
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider

    public init(label: String, sink: LogLineSink) {
        self.label = label
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get(), !provided.isEmpty {
            merged.merge(provided) { _, provided in provided }
        }
        if let explicit = event.metadata, !explicit.isEmpty {
            // The server's lines come with all their metadata here (`DeferredMetadataLogHandler`): no merge.
            if merged.isEmpty { merged = explicit } else { merged.merge(explicit) { _, explicit in explicit } }
        }
        if let error = event.error {
            merged["error.message"] = "\(error)"
            merged["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        var line = sink.timestamp()
        line += " \(event.level)"
        if !label.isEmpty { line += " " }
        line += label
        line += ":"
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            line += " \(key)=\(value)"
        }
        line += " [\(event.source)] \(event.message)\n"
        sink.append(line, urgent: event.level >= .warning)
    }
}
