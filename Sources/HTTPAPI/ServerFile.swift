public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `DIR/server.json`: where the `cus serve` holding DIR's writer lock listens, written once it is listening and
/// removed at a clean shutdown, so CLI commands that would write can name the server (or send through its API)
/// instead of failing on the lock alone. A file whose process is gone (a crash, `kill -9`) is stale: `live` ignores
/// and removes it. Never holds a token.
public struct ServerFile: Codable, Sendable, Equatable {
    /// The base URL, e.g. `http://127.0.0.1:8080` (a wildcard listen address is written as loopback).
    public var url: String
    public var pid: Int32
    public var startedAt: Date

    public init(url: String, pid: Int32 = getpid(), startedAt: Date = Date()) {
        self.url = url
        self.pid = pid
        self.startedAt = startedAt
    }

    /// The URL a local client reaches a server listening on `host`:`port` at.
    public init(listeningOn host: String, port: Int) {
        let reachable = ["0.0.0.0", "::", "[::]", ""].contains(host) ? "127.0.0.1" : host
        self.init(url: "http://\(reachable.contains(":") ? "[\(reachable)]" : reachable):\(port)")
    }

    public static func path(dataDirectory: String) -> String { dataDirectory + "/server.json" }

    /// Writes the file atomically (replacing any stale one), readable by the owner only.
    public func write(dataDirectory: String) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        let path = Self.path(dataDirectory: dataDirectory)
        try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
        _ = chmod(path, 0o600)
    }

    /// Removes the file if it still names this process (a newer server's file is left alone).
    public static func remove(dataDirectory: String, pid: Int32 = getpid()) {
        guard let file = read(dataDirectory: dataDirectory), file.pid == pid else { return }
        try? FileManager.default.removeItem(atPath: path(dataDirectory: dataDirectory))
    }

    /// The file as written, live or not; nil when absent or unreadable.
    public static func read(dataDirectory: String) -> ServerFile? {
        guard let data = FileManager.default.contents(atPath: path(dataDirectory: dataDirectory)) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(ServerFile.self, from: data)
    }

    /// The file of a server that is still running; a stale file (its process is gone) is removed and nil returned.
    public static func live(dataDirectory: String) -> ServerFile? {
        guard let file = read(dataDirectory: dataDirectory) else { return nil }
        guard file.isProcessAlive else {
            try? FileManager.default.removeItem(atPath: path(dataDirectory: dataDirectory))
            return nil
        }
        return file
    }

    /// Whether a process with this pid exists (`kill(pid, 0)`; EPERM means it exists under another user).
    var isProcessAlive: Bool {
        guard pid > 0 else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }
}
