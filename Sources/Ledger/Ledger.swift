public import LMDB
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Synchronization

/// The append-only event ledger of one data directory (`DIR/ledger/`): the only API that appends, with no
/// update or delete (ledger.md G5). Opened as the single writer (holding `DIR/writer.lock`) or read-only.
public final class Ledger: EventStore {
    public struct Options: Sendable {
        public var dataDirectory: String
        public var readOnly: Bool
        public var initialMapSizeBytes: Int
        public var mapSizeBytesMax: Int
        public var maxReaders: UInt32
        public var clock: LedgerClock
        /// Extra `mdb_env_open` flags; any that weaken durability are refused (ledger.md §2.3).
        public var environmentFlags: EnvironmentFlags
        /// What the writer lock file says about its holder.
        public var writerPurpose: String
        /// The checkpoint origin, `<host>/ledger/v1`; recorded when the ledger is created (ledger.md §3.3).
        public var origin: String
        /// The signing key file; nil means `DIR.keys/signing.key`.
        public var signingKeyPath: String?
        public var checkpointEveryEvents: UInt64
        public var checkpointIntervalSeconds: Double
        /// How long the writer may wait after a multi-request batch for its callers to queue again (ADR 0005);
        /// 0 disables it.
        public var groupCommitLingerMicroseconds: UInt32 = 1_000
        /// Testing only: told each step of every commit, and may fail it there (the crash simulation). Nil
        /// in the product, where the writer pays one nil check per step.
        @_spi(Testing) public var commitFaults: (any CommitFaults)?

        public init(
            dataDirectory: String, readOnly: Bool = false, initialMapSizeBytes: Int = 64 << 30,
            mapSizeBytesMax: Int = 1 << 40, maxReaders: UInt32 = 256, clock: LedgerClock = .system,
            environmentFlags: EnvironmentFlags = [], writerPurpose: String = "cus",
            origin: String = "cusledger.local/ledger/v1", signingKeyPath: String? = nil,
            checkpointEveryEvents: UInt64 = CheckpointPolicy.defaultEveryEvents,
            checkpointIntervalSeconds: Double = CheckpointPolicy.defaultIntervalSeconds
        ) {
            self.dataDirectory = dataDirectory
            self.readOnly = readOnly
            self.initialMapSizeBytes = initialMapSizeBytes
            self.mapSizeBytesMax = mapSizeBytesMax
            self.maxReaders = maxReaders
            self.clock = clock
            self.environmentFlags = environmentFlags
            self.writerPurpose = writerPurpose
            self.origin = origin
            self.signingKeyPath = signingKeyPath
            self.checkpointEveryEvents = checkpointEveryEvents
            self.checkpointIntervalSeconds = checkpointIntervalSeconds
        }

        public var resolvedSigningKeyPath: String {
            signingKeyPath ?? SigningKeyFile.defaultPath(dataDirectory: dataDirectory)
        }
    }

    public let options: Options
    public let databases: LedgerDatabases
    /// The checkpoint origin recorded in `meta`.
    public let origin: String
    /// Reader slots cleared at open (`mdb_reader_check`).
    public let staleReadersCleared: Int
    /// The positions re-hashed at open, after the newest signed checkpoint, before the writer took appends
    /// (ledger.md §2.5 item 4); empty when read-only or when the tree ends at its newest checkpoint.
    public let verifiedTail: Range<UInt64>
    let writer: LedgerWriter?
    let notifier: CommitNotifier
    private let lock: WriterLock?
    private let closed = Atomic<Bool>(false)

    public var environment: Environment { databases.environment }
    public var isReadOnly: Bool { writer == nil }
    public var isClosed: Bool { closed.load(ordering: .acquiring) }

    public init(_ options: Options) throws(LedgerError) {
        self.options = options
        let path = options.dataDirectory + "/ledger"
        var lock: WriterLock?
        if !options.readOnly {
            try Self.makeDirectory(options.dataDirectory)
            lock = try WriterLock(dataDirectory: options.dataDirectory, purpose: options.writerPurpose)
        }
        let environment: Environment
        do {
            environment = try Environment(
                path: path,
                options: Environment.Options(
                    mapSizeBytes: options.initialMapSizeBytes, maxReaders: options.maxReaders, maxDatabases: 16,
                    flags: options.environmentFlags.union(options.readOnly ? .readOnly : []),
                    forbiddenFlags: .weakeningDurability))
        } catch {
            throw LedgerError.storage(error, "cannot open the ledger at \(path)")
        }
        do {
            self.staleReadersCleared = try environment.clearStaleReaders()
            self.databases = try LedgerDatabases(environment: environment, create: !options.readOnly)
            let opening = LedgerOpening(databases: databases, options: options)
            let (state, origin) = try opening.loadOrCreate()
            self.origin = origin
            self.notifier = CommitNotifier(size: state.treeSize)
            if options.readOnly {
                self.writer = nil
                self.verifiedTail = 0..<0
            } else {
                let signer = try opening.signer(origin: origin, hasCheckpoint: state.lastCheckpointSize != nil)
                self.verifiedTail = try opening.verifyTail(after: state)
                let policy = CheckpointPolicy(
                    signer: signer, everyEvents: options.checkpointEveryEvents,
                    intervalSeconds: options.checkpointIntervalSeconds)
                let committer = BatchCommitter(
                    databases: databases, clock: options.clock, mapSizeBytesMax: options.mapSizeBytesMax,
                    checkpoints: policy, origin: origin, state: state, faults: options.commitFaults)
                self.writer = LedgerWriter(
                    committer: committer, lingerMicroseconds: options.groupCommitLingerMicroseconds
                ) { [notifier] size in notifier.publish(size: size) }
            }
        } catch {
            environment.close()
            throw LedgerError.storage(error, "cannot open the ledger at \(path)")
        }
        self.lock = lock
    }

    /// Lets queued appends commit, stops the writer, closes the environment and releases the writer lock.
    public func close() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        writer?.close()
        notifier.close()
        databases.environment.close()
        lock?.release()
    }

    deinit { close() }

    private static func makeDirectory(_ path: String) throws(LedgerError) {
        do {
            try FileChecks.makeDirectory(path)
        } catch {
            throw LedgerError(.storage, "cannot create \(path): \(error)")
        }
    }

    // MARK: appending

    /// Appends to several streams in one transaction: every stream's check passes and all is written, or
    /// nothing is. Returns once the events are durable (G1).
    public func append(_ appends: [StreamAppend]) async throws(LedgerError) -> [AppendResult] {
        guard let writer else { throw LedgerError(.notWritable, "the ledger is open read-only") }
        let request = try PreparedAppend(appends)
        return try await writer.append(request)
    }

    /// Appends records exported from another ledger byte for byte, so positions, records and root stay
    /// identical (`cus ledger import`). Each must continue the log and its stream; otherwise nothing of the
    /// call is written.
    public func importRecords(_ records: [[UInt8]]) async throws(LedgerError) {
        guard let writer else { throw LedgerError(.notWritable, "the ledger is open read-only") }
        guard records.count <= LedgerLimits.appendEventsMax else {
            throw LedgerError(.limitExceeded, "import at most \(LedgerLimits.appendEventsMax) records per call")
        }
        _ = try await writer.importRecords(records)
    }

    /// Stores the witness cosignature lines of `cosigned` with the checkpoint of its size (`cus ledger
    /// cosigned`); `invalidArgument` when the ledger has no checkpoint of that size and body.
    public func addCosignatures(_ cosigned: SignedCheckpoint) async throws(LedgerError) {
        guard let writer else { throw LedgerError(.notWritable, "the ledger is open read-only") }
        try await writer.addCosignatures(cosigned)
    }

    /// Signs a checkpoint now if the tree grew since the last one (`cus ledger checkpoint --sign`).
    public func signCheckpoint() async throws(LedgerError) {
        guard let writer else { throw LedgerError(.notWritable, "the ledger is open read-only") }
        try await writer.checkpointNow()
    }

    /// Reports every later batch the writer commits or refuses to `observer` (the server's metrics); one observer
    /// at a time, replaced by the next call. Nothing happens on a read-only ledger.
    public func observeCommits(_ observer: @escaping CommitObserver) { writer?.observeCommits(observer) }

    /// Why the writer stopped taking appends (a failed commit), if it did.
    public var writerStopReason: LedgerError? { writer?.stopReason }

    /// Returns once the tree holds more than `size` events (read-your-writes), or the ledger closes.
    public func waitForSize(above size: UInt64) async {
        await notifier.waitForSize(above: size)
    }

    /// How often the clock gave a `recordedAt` earlier than the previous batch's (ledger.md §6).
    public var clockRegressions: UInt64 { writer?.clockRegressions ?? 0 }
}
