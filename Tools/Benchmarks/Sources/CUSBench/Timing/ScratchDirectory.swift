import Foundation

/// A fresh directory per run under the `--dir` base, removed when the run ends, so no run reads pages or
/// free lists another left behind.
enum ScratchDirectory {
    static func with<R>(base: String, _ body: (String) async throws -> R) async throws -> R {
        var template = Array("\(base)/cus-bench-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.flatMap(mkdtemp).map { String(cString: $0) }
        }
        guard let path = created else { throw BenchmarkError("cannot create a directory under \(base)") }
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await body(path)
    }
}

/// A benchmark that cannot go on (setup failed, the ledger refused an append).
struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
