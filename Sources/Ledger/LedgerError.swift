public import LMDB

/// Every failure of the `Ledger` module: an open-ended code, a fix-it message that never holds payload
/// contents, optional structured details and the underlying `LMDBError`.
public struct LedgerError: Error, Sendable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// G3: the stream is not at the expected version; nothing was written.
        public static let wrongExpectedVersion = Code(rawValue: "wrongExpectedVersion")
        /// G4: some of the request's event ids are recorded, some are not.
        public static let partialDuplicate = Code(rawValue: "partialDuplicate")
        /// G4: an event id is recorded in another stream, with another type or in another order.
        public static let idempotencyConflict = Code(rawValue: "idempotencyConflict")
        /// G1: the commit failed; the batch may or may not be durable. Retry with the same event ids.
        public static let outcomeUnknown = Code(rawValue: "outcomeUnknown")
        /// The writer's queue is full: back off and retry.
        public static let overloaded = Code(rawValue: "overloaded")
        /// Every reader slot is taken (`MDB_READERS_FULL`): back off and retry.
        public static let readersFull = Code(rawValue: "readersFull")
        public static let limitExceeded = Code(rawValue: "limitExceeded")
        public static let invalidArgument = Code(rawValue: "invalidArgument")
        /// Stored bytes break the record format or an index; `verify` names where.
        public static let corrupted = Code(rawValue: "corrupted")
        /// The map reached its configured maximum; nothing of the batch was written.
        public static let mapFull = Code(rawValue: "mapFull")
        /// Another process holds `writer.lock` (ledger.md §2.5 item 6).
        public static let writerLocked = Code(rawValue: "writerLocked")
        /// The writer stopped after a failed commit and takes no more appends until restart.
        public static let writerStopped = Code(rawValue: "writerStopped")
        /// The ledger was opened read-only or is closed.
        public static let notWritable = Code(rawValue: "notWritable")
        /// Storage failed outside a commit (open, read, file system).
        public static let storage = Code(rawValue: "storage")
    }

    /// Structured facts for callers that branch on them.
    public enum Details: Sendable, Equatable {
        case wrongExpectedVersion(stream: StreamID, expected: ExpectedVersion, actual: StreamVersion?)
        case record(position: Position?, violation: RecordViolation)
        case eventID(EventID)
        case lockHolder(String)
    }

    public let code: Code
    public let message: String
    public let details: Details?
    public let underlying: LMDBError?
    public let file: String
    public let line: Int

    public init(
        _ code: Code, _ message: String, details: Details? = nil, underlying: LMDBError? = nil,
        file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.details = details
        self.underlying = underlying
        self.file = file
        self.line = line
    }

    public var description: String {
        if let underlying { return "\(code): \(message) [\(underlying)]" }
        return "\(code): \(message)"
    }

    /// Maps a storage failure to the ledger's vocabulary.
    static func storage(_ error: any Error, _ context: String, file: String = #fileID, line: Int = #line)
        -> LedgerError
    {
        if let ledgerError = error as? LedgerError { return ledgerError }
        guard let lmdb = error as? LMDBError else {
            return LedgerError(.storage, "\(context): \(error)", file: file, line: line)
        }
        if LMDBError.readersFull ~= lmdb {
            return LedgerError(.readersFull, "\(context): every reader slot is in use; retry shortly", underlying: lmdb)
        }
        if LMDBError.corrupted ~= lmdb {
            return LedgerError(.corrupted, "\(context): LMDB reports a corrupted page", underlying: lmdb)
        }
        return LedgerError(.storage, context, underlying: lmdb, file: file, line: line)
    }
}
