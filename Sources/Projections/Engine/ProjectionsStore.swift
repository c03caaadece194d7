import Domain
import Foundation
public import LMDB
import Synchronization

/// The projections environment (`DIR/projections/`, ledger.md §2.1): each projection generation's tables as
/// named databases (`<name>.v<version>.g<generation>.<table>`) and a `meta` database of `ProjectionRecord`s.
/// Everything here is derived data: losing it costs a rebuild, never an event. `compact` replaces the file
/// with a compacted copy after erasures (ledger.md §4.4); every transaction of this process runs through the
/// store (`read`, `write`), so none is open while it swaps the environment.
public final class ProjectionsStore: Sendable {
    public static let maxDatabases: UInt32 = 512

    public let directory: String
    private let readOnly: Bool
    /// Every use of the environment holds the shared side; `compact` takes the exclusive side to reopen it.
    private let gate = ReadWriteGate()
    private let opened: Mutex<(environment: Environment, meta: Database)>
    private let handles = Mutex<[String: Database]>([:])
    /// LMDB lets no two transactions of one process that open database handles run at once (lmdb.h
    /// `mdb_dbi_open`). Every transaction here that may open one (`openDatabases`, a builder's `prepare`, a
    /// rebuild's `empty`) runs under this lock, taken before the transaction begins, and nothing takes it while
    /// holding the environment's write lock; every other transaction uses the handles kept in `handles`.
    private let handleOpening = NSLock()

    /// Opens (creating) the environment at `directory`. `NOMETASYNC` is allowed here and only here
    /// (style.md §2): a crash may undo the last projection commit, which the next catch-up redoes.
    public init(directory: String, readOnly: Bool = false) throws(ProjectionError) {
        self.directory = directory
        self.readOnly = readOnly
        opened = Mutex(try Self.open(directory, readOnly: readOnly))
    }

    private static func open(_ directory: String, readOnly: Bool) throws(ProjectionError)
        -> (environment: Environment, meta: Database)
    {
        do {
            let environment = try Environment(
                path: directory,
                options: .init(
                    mapSizeBytes: 64 << 30, maxDatabases: Self.maxDatabases,
                    flags: readOnly ? [.readOnly] : [.noMetaSync]))
            if readOnly {
                let found = try environment.read { txn in try txn.openDatabase(named: "meta") }
                guard let found else {
                    environment.close()
                    throw ProjectionError.storage("\(directory) holds no projections yet")
                }
                return (environment, found)
            }
            return (environment, try environment.openDatabase(named: "meta", flags: .create))
        } catch let error as ProjectionError {
            throw error
        } catch {
            throw ProjectionError.storage("opening \(directory): \(error)")
        }
    }

    /// The environment in use: `compact` replaces it, so take transactions through `read` and `write`.
    public var environment: Environment { opened.withLock { $0.environment } }
    var meta: Database { opened.withLock { $0.meta } }

    public func close() { gate.withExclusive { environment.close() } }

    /// A read-only transaction of the environment in use.
    public func read<R>(_ body: (Transaction) throws -> R) throws -> R {
        try gate.withShared { try environment.read(body) }
    }

    /// A write transaction of the environment in use.
    public func write<R>(_ body: (Transaction) throws -> R) throws -> R {
        try gate.withShared { try environment.write(body) }
    }

    /// `read` with the handles kept when the transaction began, taken under the gate, so never handles of an
    /// environment that `compact` closed.
    func readWithKeptHandles<R>(_ body: (Transaction, KeptHandles) throws -> R) throws -> R {
        try gate.withShared {
            let kept = keptHandles()
            return try environment.read { txn in try body(txn, kept) }
        }
    }

    /// `write` with the handles kept when the transaction began (see `readWithKeptHandles`).
    func writeWithKeptHandles<R>(_ body: (Transaction, KeptHandles) throws -> R) throws -> R {
        try gate.withShared {
            let kept = keptHandles()
            return try environment.write { txn in try body(txn, kept) }
        }
    }

    /// What one compaction did.
    public struct CompactionReport: Sendable, Hashable {
        public var bytesBefore: Int
        public var bytesAfter: Int
    }

    /// Replaces the environment's file with a compacted copy, so no free page keeps what erasures replaced
    /// (ledger.md §4.4: LMDB keeps freed bytes until it reuses the page). The copy is made beside the live env
    /// while readers go on; the environment is then closed, the copy renamed over `data.mdb` while no other
    /// process has it open, and reopened. Call it where no write of this process can run meanwhile (the engine's
    /// writer queue); a write from anywhere between the copy and the swap, or another process holding the env
    /// open, leaves the old file in place and throws.
    public func compact() throws(ProjectionError) -> CompactionReport {
        guard !readOnly else { throw ProjectionError.storage("cannot compact a read-only projections env") }
        let copy = CompactedCopy(live: directory)
        let bytesBefore = copy.liveBytes()
        let copied: Int
        do {
            copied = try gate.withShared { () throws -> Int in
                let before = try environment.info().lastTransactionID
                try copy.write(from: environment)
                return before
            }
        } catch { throw ProjectionError.storage("writing the compacted copy of \(directory): \(error)") }
        // Under `withHandleOpening`, taken before the gate as everywhere: no handle of the closed env is kept
        // after the swap.
        let swapped: Result<Void, any Error> = withHandleOpening {
            gate.withExclusive {
                let current = environment
                guard (try? current.info().lastTransactionID) == copied else {
                    copy.discard()
                    return .failure(ProjectionError.storage("the env was written while it was copied"))
                }
                current.close()
                handles.withLock { $0.removeAll() }
                let renamed = Result { try copy.swapInLockedOut() }
                // Reopened either way: the compacted file, or the old one when the swap failed.
                do {
                    let reopened = try Self.open(directory, readOnly: false)
                    opened.withLock { $0 = reopened }
                } catch { return .failure(error) }
                return renamed
            }
        }
        switch swapped {
        case .success: return CompactionReport(bytesBefore: bytesBefore, bytesAfter: copy.liveBytes())
        case .failure(let error): throw ProjectionError.storage("compacting \(directory), the old file stays: \(error)")
        }
    }

    static func key(_ slot: ProjectionSlot, _ name: String) -> [UInt8] { Array("\(slot.rawValue)/\(name)".utf8) }

    func record(_ slot: ProjectionSlot, _ name: String, in txn: Transaction) throws(ProjectionError)
        -> ProjectionRecord?
    {
        let bytes: [UInt8]?
        do { bytes = try txn.value(in: meta, key: Self.key(slot, name)).map { Array($0) } } catch {
            throw ProjectionError.storage("reading meta: \(error)")
        }
        guard let bytes else { return nil }
        return try RowCoding.decode(ProjectionRecord.self, bytes, table: "meta")
    }

    func save(_ record: ProjectionRecord?, _ slot: ProjectionSlot, _ name: String, in txn: Transaction)
        throws(ProjectionError)
    {
        do {
            if let record {
                var writer = PayloadWriter()
                record.encode(to: &writer)
                try txn.put(writer.bytes, key: Self.key(slot, name), in: meta)
            } else {
                try txn.delete(key: Self.key(slot, name), in: meta)
            }
        } catch { throw ProjectionError.storage("writing meta: \(error)") }
    }

    /// The live record of `name`, read in its own snapshot.
    public func record(_ slot: ProjectionSlot = .live, of name: String) throws(ProjectionError) -> ProjectionRecord? {
        do { return try read { txn in try record(slot, name, in: txn) } } catch let error
            as ProjectionError
        { throw error } catch { throw ProjectionError.storage("reading meta: \(error)") }
    }

    static func databaseName(_ projection: any Projection.Type, generation: UInt64, table: String) -> String {
        "\(projection.name).v\(projection.version).g\(generation).\(table)"
    }

    /// Runs `body`, whose transactions may open database handles, while no other such transaction of this
    /// process runs. Take it before beginning the transaction.
    func withHandleOpening<R>(_ body: () throws -> R) rethrows -> R {
        handleOpening.lock()
        defer { handleOpening.unlock() }
        return try body()
    }

    /// The handles kept so far. A transaction may use only handles kept before it began (LMDB checks a handle
    /// against the number of handles when the transaction began), and only those of the environment it reads:
    /// take this under the gate, before beginning one (`readWithKeptHandles`, `writeWithKeptHandles`).
    private func keptHandles() -> KeptHandles { KeptHandles(byName: handles.withLock { $0 }) }

    /// A copy of the kept handles by database name.
    struct KeptHandles {
        let byName: [String: Database]

        /// One generation's tables; nil when one of them is not kept.
        func databases(of projection: any Projection.Type, generation: UInt64) -> [String: Database]? {
            var kept: [String: Database] = [:]
            for table in projection.tables {
                guard let database = byName[databaseName(projection, generation: generation, table: table)] else {
                    return nil
                }
                kept[table] = database
            }
            return kept
        }
    }

    /// The kept handles of one generation's tables; nil when one of them is not kept.
    func keptDatabases(of projection: any Projection.Type, generation: UInt64) -> [String: Database]? {
        keptHandles().databases(of: projection, generation: generation)
    }

    /// The handles of one generation's tables: those kept, or else opened in a read transaction of their own
    /// (under `withHandleOpening`) and kept; nil when a table does not exist.
    func openDatabases(of projection: any Projection.Type, generation: UInt64) throws(ProjectionError)
        -> [String: Database]?
    {
        if let kept = keptDatabases(of: projection, generation: generation) { return kept }
        do {
            return try withHandleOpening {
                let opened = try read { txn in
                    try databases(of: projection, generation: generation, in: txn, create: false)
                }
                if let opened { remember(Array(opened.values)) }
                return opened
            }
        } catch let error as ProjectionError { throw error } catch {
            throw ProjectionError.storage("opening the tables of \(projection.name): \(error)")
        }
    }

    /// The tables of one generation, opened (and, when `create`, created) in `txn`; nil when they don't exist.
    /// Only inside `withHandleOpening` when a handle may not be kept yet.
    func databases(
        of projection: any Projection.Type, generation: UInt64, in txn: Transaction, create: Bool
    ) throws(ProjectionError) -> [String: Database]? {
        var opened: [String: Database] = [:]
        for table in projection.tables {
            let name = Self.databaseName(projection, generation: generation, table: table)
            if let known = handles.withLock({ $0[name] }) {
                opened[table] = known
                continue
            }
            let database: Database?
            do { database = try txn.openDatabase(named: name, flags: create ? .create : []) } catch {
                throw ProjectionError.storage("opening \(name): \(error)")
            }
            guard let database else { return nil }
            opened[table] = database
        }
        return opened
    }

    /// Remembers handles opened in a transaction that committed (LMDB discards them on abort).
    func remember(_ databases: [Database]) {
        handles.withLock { known in
            for database in databases { known[database.name] = database }
        }
    }

    /// Empties every table of a replaced generation (inside `txn`). The names stay, empty, so a reader still
    /// holding their handles in an older snapshot is never handed a closed handle (lmdb.h `mdb_dbi_close`).
    func empty(_ projection: any Projection.Type, version: UInt32, generation: UInt64, in txn: Transaction)
        throws(ProjectionError)
    {
        for table in projection.tables {
            let name = "\(projection.name).v\(version).g\(generation).\(table)"
            do {
                if let database = try txn.openDatabase(named: name) { try txn.drop(database, delete: false) }
            } catch { throw ProjectionError.storage("emptying \(name): \(error)") }
        }
    }

    /// Reads the live generation of `projection` in one snapshot.
    public func read<R>(_ projection: any Projection.Type, _ body: (RowReader) throws -> R) throws -> R {
        try readWithCheckpoint(projection, body).value
    }

    /// Reads the live generation of `projection` and the checkpoint its rows reflect, in one snapshot.
    public func readWithCheckpoint<R>(_ projection: any Projection.Type, _ body: (RowReader) throws -> R) throws
        -> (value: R, checkpoint: UInt64)
    {
        let (value, record) = try readLive(projection) { reader, _ in try body(reader) }
        return (value, record.checkpoint)
    }

    /// Reads the live generation of `projection` with its record (checkpoint, `contentIdentity`) in one
    /// snapshot.
    public func readLive<R>(_ projection: any Projection.Type, _ body: (RowReader, ProjectionRecord) throws -> R)
        throws -> (value: R, record: ProjectionRecord)
    {
        let notBuilt = ProjectionError.storage("\(projection.name) has not been built yet")
        // The snapshot uses kept handles only; a generation whose handles are not kept yet (the first read, or
        // just switched) has them opened apart (`openDatabases`), then the read starts again.
        for _ in 0..<3 {
            let attempt: (value: R?, record: ProjectionRecord) = try readWithKeptHandles { txn, kept in
                guard let record = try record(.live, projection.name, in: txn), record.version == projection.version
                else { throw notBuilt }
                guard let databases = kept.databases(of: projection, generation: record.generation) else {
                    return (nil, record)
                }
                return (try body(RowReader(transaction: txn, databases: databases), record), record)
            }
            if let value = attempt.value { return (value, attempt.record) }
            guard try openDatabases(of: projection, generation: attempt.record.generation) != nil else {
                throw notBuilt
            }
        }
        throw ProjectionError.storage("\(projection.name) switched generations while being read; retry")
    }
}
