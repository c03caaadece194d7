internal import CLMDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A failure reported by liblmdb, or one of the wrapper's own refusals, with the raw `MDB_*` (or errno) code,
/// the call that failed and liblmdb's text for it. Match well-known codes with `~=`:
/// `if LMDBError.mapFull ~= error { … }`.
public struct LMDBError: Error, Sendable, CustomStringConvertible {
    /// The `MDB_*` return code or errno value; negative wrapper codes are the wrapper's own refusals.
    public let code: Int32
    /// The liblmdb function (or wrapper step) that failed, for example `mdb_txn_commit`.
    public let call: String
    /// What went wrong in words, without any key or value bytes.
    public let message: String

    public init(code: Int32, call: String, message: String? = nil) {
        self.code = code
        self.call = call
        self.message = message ?? LMDBError.text(for: code)
    }

    public var description: String { "\(call): \(message) (code \(code))" }

    static func text(for code: Int32) -> String {
        if code < 0 && code > -1000 { return "wrapper refusal" }
        guard let text = mdb_strerror(code) else { return "unknown error" }
        return String(cString: text)
    }

    /// A pattern that matches every error with the same code.
    public struct Code: Sendable, Equatable {
        public let rawValue: Int32
        public static func ~= (pattern: Code, error: any Error) -> Bool {
            (error as? LMDBError)?.code == pattern.rawValue
        }
    }

    public static let keyExists = Code(rawValue: MDB_KEYEXIST)
    public static let notFound = Code(rawValue: MDB_NOTFOUND)
    public static let mapFull = Code(rawValue: MDB_MAP_FULL)
    public static let mapResized = Code(rawValue: MDB_MAP_RESIZED)
    public static let readersFull = Code(rawValue: MDB_READERS_FULL)
    public static let corrupted = Code(rawValue: MDB_CORRUPTED)
    public static let invalid = Code(rawValue: MDB_INVALID)
    public static let versionMismatch = Code(rawValue: MDB_VERSION_MISMATCH)
    public static let noSpace = Code(rawValue: ENOSPC)
    /// The wrapper refused to open an environment with a flag the caller forbade.
    public static let forbiddenFlag = Code(rawValue: -1)
    /// The wrapper refused a second open of the same environment in this process (lmdb.h: "Do not have open an
    /// LMDB database twice in the same process at the same time").
    public static let alreadyOpen = Code(rawValue: -2)
    /// The data file is shorter than the pages its meta page claims (opening it would raise SIGBUS).
    public static let truncated = Code(rawValue: -3)
    /// The environment was used after `close()`.
    public static let closed = Code(rawValue: -4)
    /// Another process has the environment open, so its data file cannot be swapped.
    public static let inUseElsewhere = Code(rawValue: -5)
}

@inline(__always)
func check(_ code: Int32, _ call: @autoclosure () -> String) throws(LMDBError) {
    if code != MDB_SUCCESS { throw LMDBError(code: code, call: call()) }
}

extension Array where Element == UInt8 {
    /// `withUnsafeBytes` that keeps a typed error (the standard one rethrows untyped).
    @inline(__always)
    package func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        let result = withUnsafeBytes { buffer in Result { () throws(E) in try body(buffer) } }
        return try result.get()
    }
}
