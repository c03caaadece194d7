import Foundation

/// A fresh directory under the system temporary directory, removed by `remove()`; one per test, since a
/// path opens only once per process.
public struct TemporaryDirectory: Sendable {
    public let path: String

    public init(prefix: String = "cusledger") throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.path
    }

    public func remove() { try? FileManager.default.removeItem(atPath: path) }

    /// Runs `body` with a fresh directory and removes it afterwards, whatever happens.
    public static func with<R>(prefix: String = "cusledger", _ body: (TemporaryDirectory) async throws -> R)
        async throws -> R
    {
        let directory = try TemporaryDirectory(prefix: prefix)
        defer { directory.remove() }
        return try await body(directory)
    }
}
