public import Foundation

/// `<data>/serve.url`: where a running `cus serve` answers (`http://host:port`), written once it listens and
/// removed when it stops. CLI commands that must write while the server holds the writer lock (an access-logged
/// reveal) find the server through it; a stale file is harmless, as they read it only after the lock refused them.
public enum ServerURLFile {
    public static func path(dataDirectory: String) -> String { dataDirectory + "/serve.url" }

    /// Records the bound address; a wildcard host is written as the loopback address a local client can reach.
    public static func write(dataDirectory: String, host: String, port: Int) throws {
        let reachable = ["0.0.0.0", "::", ""].contains(host) ? "127.0.0.1" : host
        let text = "http://\(reachable.contains(":") ? "[\(reachable)]" : reachable):\(port)\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path(dataDirectory: dataDirectory)), options: .atomic)
    }

    public static func read(dataDirectory: String) -> URL? {
        guard let data = FileManager.default.contents(atPath: path(dataDirectory: dataDirectory)) else { return nil }
        return URL(string: String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    public static func remove(dataDirectory: String) {
        try? FileManager.default.removeItem(atPath: path(dataDirectory: dataDirectory))
    }
}
