public import Domain
public import Ledger
public import Vault

/// Every failure of the Commands layer, mapped once at the edge (style.md §4): HTTP problem codes and CLI
/// exit codes branch on `code`. Messages name rules and ids, never personal data.
public struct CommandError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// A domain rule refused the command (422 with the rejection's code).
        case rejected
        /// The stream kept moving under us for `conflictRetriesMax` attempts (409).
        case wrongExpectedVersion
        /// The stream is not at the version the caller required (`If-Match`, 412).
        case preconditionFailed
        /// The writer's queue is full; retry later with the same command id (429).
        case overloaded
        /// The command id was already used for a different request (422 idempotency-key-reused).
        case idempotencyKeyReused
        /// The commit failed; retry with the same command id (503 outcome-unknown).
        case outcomeUnknown
        /// The ledger writer stopped after a failed commit (disk full, I/O error) and takes no appends until the
        /// process restarts (ledger.md §2.5 item 4); nothing of this command was written (503 writer-stopped).
        case writerStopped
        /// Every reader slot of an LMDB environment is in use (`MDB_READERS_FULL`); retry shortly (503 readers-full).
        case readersFull
        /// The ledger or the keys env could not be used (503 storage-unavailable).
        case storage
        /// Another process holds the ledger's writer lock (ledger.md §2.5): a server or another writer runs.
        case writerLocked
        /// Over a limit (413).
        case limitExceeded
        /// Malformed input (400).
        case invalidRequest
        /// Stored bytes do not decode: a bug or tampering, never the caller's fault.
        case corrupted
    }

    public var code: Code
    public var message: String
    /// For `.rejected`: the rule (`L21`) and the rejection's stable code (`coordinator-requirements-missing`).
    public var rule: String?
    public var rejectionCode: String?

    public init(_ code: Code, _ message: String, rule: String? = nil, rejectionCode: String? = nil) {
        self.code = code
        self.message = message
        self.rule = rule
        self.rejectionCode = rejectionCode
    }

    public init(rejection: some DomainRejection) {
        self.init(.rejected, rejection.description, rule: rejection.rule, rejectionCode: rejection.code)
    }

    public init(_ error: LedgerError) {
        switch error.code {
        case .wrongExpectedVersion: self.init(.wrongExpectedVersion, error.message)
        case .partialDuplicate, .idempotencyConflict: self.init(.idempotencyKeyReused, error.message)
        case .outcomeUnknown: self.init(.outcomeUnknown, error.message)
        case .writerStopped: self.init(.writerStopped, error.message)
        case .readersFull: self.init(.readersFull, error.message)
        case .overloaded: self.init(.overloaded, error.message)
        case .limitExceeded: self.init(.limitExceeded, error.message)
        case .invalidArgument: self.init(.invalidRequest, error.message)
        case .corrupted: self.init(.corrupted, error.message)
        case .writerLocked: self.init(.writerLocked, error.message)
        default: self.init(.storage, error.message)
        }
    }

    public init(_ error: VaultError) {
        switch error.code {
        case .corrupted: self.init(.corrupted, error.message)
        case .invalidArgument: self.init(.invalidRequest, error.message)
        // A command that would seal new personal data for an erased resident: refused, never a storage fault.
        case .subjectErased:
            self.init(
                .rejected, "the resident's personal data was erased; nothing new is recorded about them",
                rule: "ledger.md §4.3", rejectionCode: "subject-erased")
        case .duplicateNationalID:
            self.init(
                .rejected, "another resident is registered with this national ID",
                rejectionCode: "duplicate-national-id")
        default: self.init(.storage, error.message)
        }
    }

    public var description: String {
        if let rule { return "\(code.rawValue) (\(rule)): \(message)" }
        return "\(code.rawValue): \(message)"
    }
}
