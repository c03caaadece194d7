public import Domain
import LMDB

/// The rows of one table touched by the batches of one build, decoded once, changed in memory as events apply,
/// and written when each batch commits (issue 7: row updates are coalesced within a batch). After a commit the
/// rows stay cached, clean, for the build's next batch (up to `cachedRowsMax`), so a row that every batch
/// changes is decoded once per build instead of once per batch.
public final class RowTable<Row: PayloadCodable>: BatchTable {
    /// Beyond this many cached rows (or twice as many slots, evicted ones included) the table forgets the clean
    /// ones after a commit: P5 bounds memory.
    static var cachedRowsMax: Int { 50_000 }

    /// The cached rows and the batch's changes. One stored value rather than a property each, so that each step
    /// below (a look-up, a borrow, a return) is one access to the table's state: every access to a class's stored
    /// property is checked for exclusivity at run time, and a property per field cost one check per field touched,
    /// about 2 % of a PlanStatusView rebuild.
    private var cache = RowCache<Row>()
    /// `flush` for this table's row type. An overriding method of a generic class runs unspecialized, copying
    /// and encoding rows through `Row`'s witness tables; this closure is made with the table, where `Row` is a
    /// known type, so the loop over the changed rows runs specialized.
    private let flushChangedRows: (RowTable<Row>) throws(ProjectionError) -> Bool

    override init(name: String, database: Database, transaction: Transaction) {
        flushChangedRows = { table throws(ProjectionError) in try table.writeChangedRows() }
        super.init(name: name, database: database, transaction: transaction)
    }

    /// The place of `key`'s slot, reading the row from the table when it is not cached (or was evicted).
    private func place(_ key: RowKey) throws(ProjectionError) -> Int {
        switch cache.lookup(key, table: name) {
        case .cached(let place): return place
        case .evicted(let place):
            cache.revive(place, row: try read(key))
            return place
        case .missing: return cache.append(key, row: try read(key))
        }
    }

    private func read(_ key: RowKey) throws(ProjectionError) -> Row? {
        try RowCoding.read(Row.self, key: key, table: name, database: database, in: transaction)
    }

    override var rowsPending: Int { cache.changedCount }

    public func get(_ key: RowKey) throws(ProjectionError) -> Row? {
        cache.read(try place(key))
    }

    public func put(_ key: RowKey, _ row: Row) { cache.store(key, row, table: name) }

    public func delete(_ key: RowKey) { cache.store(key, nil, table: name) }

    /// Changes the row in place; `body` sees nil for a missing row and may create or delete it. `body` must not
    /// use the same row through this table: it is moved out of the cache while `body` runs (so it changes in place,
    /// uncopied), and back after.
    public func update(_ key: RowKey, _ body: (inout Row?) throws(ProjectionError) -> Void) throws(ProjectionError) {
        let place = try place(key)
        var row = cache.borrow(place)
        do throws(ProjectionError) { try body(&row) } catch {
            cache.giveBack(place, row)
            throw error
        }
        cache.giveBack(place, row)
    }

    /// Changes an existing row, or a new one made by `make`.
    public func update(
        _ key: RowKey, orInsert make: () -> Row, _ body: (inout Row) throws(ProjectionError) -> Void
    ) throws(ProjectionError) {
        try update(key) { (row: inout Row?) throws(ProjectionError) in
            // Bound, not `row.take() ?? make()`: `??` borrows its optional and returns a copy of the row (a retain of
            // each of its arrays and strings, and a release of the original), on every update.
            var current: Row
            if let existing = row.take() { current = existing } else { current = make() }
            do throws(ProjectionError) { try body(&current) } catch {
                row = consume current
                throw error
            }
            row = consume current
        }
    }

    /// Writes the changed rows in key order (LMDB inserts faster in order) through one cursor, encoding each into
    /// one reused buffer; keeps those an event read, clean, and evicts those only put. Returns whether it wrote
    /// any.
    override func flush() throws(ProjectionError) -> Bool { try flushChangedRows(self) }

    private func writeChangedRows() throws(ProjectionError) -> Bool {
        let transaction = transaction
        let database = database
        return try cache.writeChanged(table: name, maxRows: Self.cachedRowsMax) { rows throws(ProjectionError) in
            var writer = PayloadWriter(capacity: 1024)
            do {
                // One cursor for the sorted run: LMDB then finds most keys on the page of the previous one.
                try transaction.withCursor(database) { cursor in
                    for (key, row) in rows {
                        guard let row else {
                            _ = try key.withUnsafeBytes { key throws(LMDBError) in try cursor.delete(key: key) }
                            continue
                        }
                        writer.removeAll()
                        row.encode(to: &writer)
                        try writer.bytes.withBytes { value throws(LMDBError) in
                            try key.withUnsafeBytes { key throws(LMDBError) in try cursor.put(value, key: key) }
                        }
                    }
                }
            } catch { throw ProjectionError.storage("writing \(name): \(error)") }
        }
    }
}

/// The rows a `RowTable` holds: each key's slot, in the order first touched, and the places of the slots the
/// batch changed. Slots are only appended while a batch applies, so a place stays valid; they are all dropped at
/// once past the table's bound. Structs in one array rather than an object per row: no allocation, reference
/// count or deallocation per cached row.
struct RowCache<Row> {
    /// One cached row: nil for a row known to be absent (or deleted); `dirty` when the batch changed it; `read`
    /// when an event read it. A row only ever put (an alert raised, a queue entry filed) is `evicted` after the
    /// commit: its row is dropped, and a later look-up reads it from the table again.
    private struct Slot {
        let key: RowKey
        var row: Row?
        var dirty = false
        var read = false
        var evicted = false
        /// Moved out to an `update` body: the same row must not be used through the table until it returns.
        var borrowed = false
    }

    enum Lookup {
        case cached(Int)
        /// Cached once, its row dropped after a commit: read it again and `revive` it.
        case evicted(Int)
        case missing
    }

    private var slots: [Slot] = []
    private var places: [RowKey: Int] = [:]
    /// The slots whose row was evicted: they do not count against the bound.
    private var evictedCount = 0
    /// The places of the rows the batch changed, each once, for `writeChanged`.
    private var changed: [Int] = []

    var changedCount: Int { changed.count }

    /// Where `key`'s slot is, if cached; a row borrowed by an `update` in progress may not be used.
    func lookup(_ key: RowKey, table: String) -> Lookup {
        guard let place = places[key] else { return .missing }
        precondition(!slots[place].borrowed, "\(table): a row used inside its own update")
        return slots[place].evicted ? .evicted(place) : .cached(place)
    }

    /// A new slot for `key` holding `row` (nil: known absent); returns its place.
    mutating func append(_ key: RowKey, row: Row?) -> Int {
        slots.append(Slot(key: key, row: row))
        places[key] = slots.count - 1
        return slots.count - 1
    }

    /// Gives an evicted slot its row again (read back, or replaced by a put).
    mutating func revive(_ place: Int, row: Row?) {
        slots[place].row = row
        slots[place].evicted = false
        evictedCount -= 1
    }

    /// The row at `place`, noted as read (it stays cached after the commit).
    mutating func read(_ place: Int) -> Row? {
        slots[place].read = true
        return slots[place].row
    }

    /// Replaces `key`'s row without reading it first.
    mutating func store(_ key: RowKey, _ row: Row?, table: String) {
        switch lookup(key, table: table) {
        case .missing: markChanged(append(key, row: row))
        case .evicted(let place):
            revive(place, row: row)
            markChanged(place)
        case .cached(let place):
            slots[place].row = row
            markChanged(place)
        }
    }

    /// Moves the row at `place` out for an update, noting it read and changed; `giveBack` returns it.
    mutating func borrow(_ place: Int) -> Row? {
        slots[place].read = true
        markChanged(place)
        slots[place].borrowed = true
        return slots[place].row.take()
    }

    mutating func giveBack(_ place: Int, _ row: consuming Row?) {
        slots[place].borrowed = false
        slots[place].row = row
    }

    private mutating func markChanged(_ place: Int) {
        guard !slots[place].dirty else { return }
        slots[place].dirty = true
        changed.append(place)
    }

    /// Hands `write` the changed rows in key order (nil: delete), then marks them clean, evicts those only put, and
    /// forgets every clean row once the slots outgrow `maxRows` (live) or twice as many (evicted ones included).
    /// Returns whether there were any.
    mutating func writeChanged(
        table: String, maxRows: Int,
        _ write: (_ rows: LazyMapSequence<[Int], (key: RowKey, row: Row?)>) throws(ProjectionError) -> Void
    ) throws(ProjectionError) -> Bool {
        guard !changed.isEmpty else { return false }
        let order = RowKey.byteOrder(of: changed.map { slots[$0].key }).map { changed[$0] }
        try write(order.lazy.map { [slots] place in (slots[place].key, slots[place].row) })
        for place in changed {
            slots[place].dirty = false
            if !slots[place].read {
                slots[place].row = nil
                slots[place].evicted = true
                evictedCount += 1
            }
        }
        changed.removeAll(keepingCapacity: true)
        if slots.count - evictedCount > maxRows || slots.count > 2 * maxRows {
            slots.removeAll()
            places.removeAll()
            evictedCount = 0
        }
        return true
    }
}

/// A table of one projection generation as a build writes it: its name, and the database and transaction of the
/// batch in progress, which `rebind` moves to the next batch's (the subclasses keep their rows across batches).
public class BatchTable {
    final let name: String
    final private(set) var database: Database
    final private(set) var transaction: Transaction

    init(name: String, database: Database, transaction: Transaction) {
        self.name = name
        self.database = database
        self.transaction = transaction
    }

    final func rebind(_ transaction: Transaction, database: Database) {
        self.transaction = transaction
        self.database = database
    }

    /// The changed rows waiting for `flush` (its clean cached rows are bounded apart).
    var rowsPending: Int { 0 }

    /// Refuses the batch's rows before any is written, when they cannot be written as they are.
    func checkBeforeFlush() throws(ProjectionError) {}

    /// Writes the batch's rows into the batch's transaction; returns whether it wrote any.
    func flush() throws(ProjectionError) -> Bool { false }
}

/// Every table a projection writes in one build, opened lazily by name and type.
public final class RowBatch {
    private(set) var transaction: Transaction
    /// Its tables' handles, kept by the store (`ProjectionsStore.keptDatabases`).
    private(set) var databases: [String: Database]
    /// The ledger's events before the one being applied, by id (a correction's original).
    public let earlierEvents = EarlierEvents()
    /// A projection has a handful of tables, so a list compared by name beats hashing the name on every event.
    private var tables: [(name: String, tableType: ObjectIdentifier, table: BatchTable)] = []

    init(transaction: Transaction, databases: [String: Database]) {
        self.transaction = transaction
        self.databases = databases
    }

    /// Continues in the next batch's transaction with every table's cached rows (clean after the last commit).
    func rebind(_ transaction: Transaction, databases: [String: Database]) {
        self.transaction = transaction
        self.databases = databases
        for open in tables {
            if let database = databases[open.name] { open.table.rebind(transaction, database: database) }
        }
    }

    public func table<Row: PayloadCodable>(_ name: String, of type: Row.Type = Row.self) throws(ProjectionError)
        -> RowTable<Row>
    {
        try open(name) { database in RowTable<Row>(name: name, database: database, transaction: transaction) }
    }

    /// The table `name` for rows that are only added, each under a key used once (`InsertOnlyTable`).
    public func insertOnlyTable<Row: PayloadCodable>(_ name: String, of type: Row.Type = Row.self)
        throws(ProjectionError) -> InsertOnlyTable<Row>
    {
        try open(name) { database in InsertOnlyTable<Row>(name: name, database: database, transaction: transaction) }
    }

    /// The table opened earlier under `name`, or a new one from `make`; one name is one kind of table with one
    /// row type for the whole build.
    private func open<Table: BatchTable>(_ name: String, _ make: (Database) -> Table) throws(ProjectionError)
        -> Table
    {
        // Through the buffer: one access to `tables` (each is checked for exclusivity at run time) and no copy of
        // an entry (which would retain and release its table), on every event.
        let opened = try tables.withUnsafeBufferPointer { tables throws(ProjectionError) -> Table? in
            for index in tables.indices where tables[index].name == name {
                guard tables[index].tableType == ObjectIdentifier(Table.self) else {
                    throw ProjectionError.storage("table \(name) opened as two kinds of table or with two row types")
                }
                // The table's type was checked just above.
                return unsafeDowncast(tables[index].table, to: Table.self)
            }
            return nil
        }
        if let opened { return opened }
        guard let database = databases[name] else { throw ProjectionError.storage("no table named \(name)") }
        let table = make(database)
        tables.append((name, ObjectIdentifier(Table.self), table))
        return table
    }

    /// Refuses the batch's rows, before any is written, when a table cannot write its own (an insert-only table
    /// got a key twice).
    func checkBeforeFlush() throws(ProjectionError) {
        for open in tables { try open.table.checkBeforeFlush() }
    }

    /// The changed rows its tables hold for `flush`.
    var rowsPending: Int { tables.reduce(0) { $0 + $1.table.rowsPending } }

    /// Writes every table's changed rows; returns whether any row was written.
    func flush() throws(ProjectionError) -> Bool {
        var wrote = false
        for open in tables where try open.table.flush() { wrote = true }
        return wrote
    }
}

/// Reads committed rows of one projection generation, in key order.
public struct RowReader {
    let transaction: Transaction
    let databases: [String: Database]

    public func get<Row: PayloadCodable>(_ table: String, _ key: RowKey, as type: Row.Type = Row.self)
        throws(ProjectionError) -> Row?
    {
        try RowCoding.read(Row.self, key: key, table: table, database: try database(table), in: transaction)
    }

    /// Every row of `table` whose key starts with `prefix`, in key order.
    public func rows<Row: PayloadCodable>(_ table: String, prefix: RowKey = RowKey(), as type: Row.Type = Row.self)
        throws(ProjectionError) -> [(key: RowKey, row: Row)]
    {
        let database = try database(table)
        do {
            return try transaction.withCursor(database) { cursor in
                var rows: [(key: RowKey, row: Row)] = []
                var entry = prefix.bytes.isEmpty ? try cursor.first() : try cursor.seek(atLeast: prefix.bytes)
                while let current = entry, current.key.starts(with: prefix.bytes) {
                    let key = RowKey(bytes: Array(current.key))
                    rows.append(
                        (
                            key,
                            try RowCoding.decode(
                                Row.self, reader: PayloadReader(borrowing: current.value), table: table)
                        ))
                    entry = try cursor.next()
                }
                return rows
            }
        } catch let error as ProjectionError {
            throw error
        } catch {
            throw ProjectionError.storage("reading \(table): \(error)")
        }
    }

    /// Every stored (key, value) pair of every table, in table then key order: what "byte-identical" compares.
    public func rawContents() throws(ProjectionError) -> [(table: String, key: [UInt8], value: [UInt8])] {
        var contents: [(table: String, key: [UInt8], value: [UInt8])] = []
        for table in databases.keys.sorted() {
            let database = try database(table)
            do {
                try transaction.withCursor(database) { cursor in
                    var entry = try cursor.first()
                    while let current = entry {
                        contents.append((table, Array(current.key), Array(current.value)))
                        entry = try cursor.next()
                    }
                }
            } catch { throw ProjectionError.storage("reading \(table): \(error)") }
        }
        return contents
    }

    private func database(_ table: String) throws(ProjectionError) -> Database {
        guard let database = databases[table] else { throw ProjectionError.storage("no table named \(table)") }
        return database
    }
}

enum RowCoding {
    static func read<Row: PayloadCodable>(
        _ type: Row.Type, key: RowKey, table: String, database: Database, in transaction: Transaction
    ) throws(ProjectionError) -> Row? {
        let bytes: UnsafeRawBufferPointer?
        do {
            bytes = try key.withUnsafeBytes { key throws(LMDBError) in try transaction.value(in: database, key: key) }
        } catch {
            throw ProjectionError.storage("reading \(table): \(error)")
        }
        guard let bytes else { return nil }
        // Decoded before any further write in the transaction, while LMDB's buffer is valid.
        return try decode(Row.self, reader: PayloadReader(borrowing: bytes), table: table)
    }

    static func decode<Row: PayloadCodable>(_ type: Row.Type, _ bytes: [UInt8], table: String)
        throws(ProjectionError) -> Row
    {
        try decode(Row.self, reader: PayloadReader(bytes), table: table)
    }

    static func decode<Row: PayloadCodable>(_ type: Row.Type, reader: consuming PayloadReader, table: String)
        throws(ProjectionError) -> Row
    {
        do {
            let row = try Row(from: &reader)
            try reader.finish()
            return row
        } catch { throw ProjectionError.corruptRow(table: table, "\(error)") }
    }
}
