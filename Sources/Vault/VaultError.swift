public import LMDB

/// Every failure of the `Vault` module: a closed code callers branch on, a fix-it message that never holds a
/// key, a national ID or personal data, and the underlying `LMDBError` when storage failed.
public struct VaultError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable, CustomStringConvertible {
        /// The keys env holds keys (or was set up) but the master key file is missing: restore the file.
        case masterKeyMissing
        /// The master key file does not open the keys env's check value: it belongs to another keys env.
        case masterKeyWrong
        /// The keys env was set up but the lookup key file is missing: restore the file.
        case lookupKeyMissing
        /// The lookup key file does not match the keys env's check value.
        case lookupKeyWrong
        case storage
        /// The subject's keys were destroyed (ledger.md §4.3); no new key is ever made for it.
        case subjectErased
        /// Stored bytes are malformed, a sealed part does not open under its present key, or a sealed part
        /// names a key this keys env never held.
        case corrupted
        /// Another subject already holds this national ID (PESEL).
        case duplicateNationalID
        case invalidArgument

        public var description: String { rawValue }
    }

    public var code: Code
    public var message: String
    public var underlying: LMDBError?
    public var file: String
    public var line: Int

    public init(
        _ code: Code, _ message: String, underlying: LMDBError? = nil, file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.underlying = underlying
        self.file = file
        self.line = line
    }

    public var description: String {
        if let underlying { return "\(code): \(message) [\(underlying)]" }
        return "\(code): \(message)"
    }

    /// Maps a failure inside a keys-env transaction: a `VaultError` passes through, anything else is storage.
    static func storage(_ error: any Error, _ context: String, file: String = #fileID, line: Int = #line)
        -> VaultError
    {
        if let vaultError = error as? VaultError { return vaultError }
        guard let lmdb = error as? LMDBError else {
            return VaultError(.storage, "\(context): \(error)", file: file, line: line)
        }
        if LMDBError.corrupted ~= lmdb {
            return VaultError(.corrupted, "\(context): LMDB reports a corrupted page", underlying: lmdb)
        }
        return VaultError(.storage, context, underlying: lmdb, file: file, line: line)
    }
}
