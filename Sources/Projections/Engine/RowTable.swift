public import Domain
import LMDB

/// The rows of one table touched by the batch in progress, decoded once, changed in memory as events apply,
/// and written once when the batch commits (issue 7: row updates are coalesced within a batch).
public final class RowTable<Row: PayloadCodable> {
    let name: String
    let database: Database
    let transaction: Transaction
    /// Rows read or written in this batch: nil for a row known to be absent (or deleted); `dirty` when the
    /// batch changed it.
    private var cache: [RowKey: (row: Row?, dirty: Bool)] = [:]

    init(name: String, database: Database, transaction: Transaction) {
        self.name = name
        self.database = database
        self.transaction = transaction
    }

    public func get(_ key: RowKey) throws(ProjectionError) -> Row? {
        if let cached = cache[key] { return cached.row }
        let stored = try RowCoding.read(Row.self, key: key, table: name, database: database, in: transaction)
        cache[key] = (stored, false)
        return stored
    }

    public func put(_ key: RowKey, _ row: Row) { cache[key] = (row, true) }

    public func delete(_ key: RowKey) { cache[key] = (nil, true) }

    /// Changes the row in place; `body` sees nil for a missing row and may create or delete it.
    public func update(_ key: RowKey, _ body: (inout Row?) throws(ProjectionError) -> Void) throws(ProjectionError) {
        if cache[key] == nil { _ = try get(key) }
        // Mutate the cached row where it lives, so arrays inside rows are not copied on every event.
        var entry = cache.removeValue(forKey: key) ?? (nil, false)
        defer { cache[key] = entry }
        try body(&entry.row)
        entry.dirty = true
    }

    /// Changes an existing row, or a new one made by `make`.
    public func update(
        _ key: RowKey, orInsert make: () -> Row, _ body: (inout Row) throws(ProjectionError) -> Void
    ) throws(ProjectionError) {
        try update(key) { (row: inout Row?) throws(ProjectionError) in
            var current = row ?? make()
            row = nil
            defer { row = current }
            try body(&current)
        }
    }

    func flush() throws(ProjectionError) {
        for key in cache.keys.sorted() {
            guard let entry = cache[key], entry.dirty else { continue }
            do {
                if let row = entry.row {
                    var writer = PayloadWriter()
                    row.encode(to: &writer)
                    try transaction.put(writer.bytes, key: key.bytes, in: database)
                } else {
                    try transaction.delete(key: key.bytes, in: database)
                }
            } catch { throw ProjectionError.storage("writing \(name): \(error)") }
        }
        cache.removeAll()
    }
}

/// Every table a projection writes in one batch, opened lazily by name and type.
public final class RowBatch {
    let transaction: Transaction
    let databases: [String: Database]
    private var tables: [String: AnyObject] = [:]
    private var flushes: [() throws(ProjectionError) -> Void] = []

    init(transaction: Transaction, databases: [String: Database]) {
        self.transaction = transaction
        self.databases = databases
    }

    public func table<Row: PayloadCodable>(_ name: String, of type: Row.Type = Row.self) throws(ProjectionError)
        -> RowTable<Row>
    {
        if let open = tables[name] {
            guard let typed = open as? RowTable<Row> else {
                throw ProjectionError.storage("table \(name) opened with two row types")
            }
            return typed
        }
        guard let database = databases[name] else { throw ProjectionError.storage("no table named \(name)") }
        let table = RowTable<Row>(name: name, database: database, transaction: transaction)
        tables[name] = table
        flushes.append(table.flush)
        return table
    }

    func flush() throws(ProjectionError) {
        for flush in flushes { try flush() }
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
                    rows.append((key, try RowCoding.decode(Row.self, Array(current.value), table: table)))
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
        let bytes: [UInt8]?
        do { bytes = try transaction.value(in: database, key: key.bytes).map { Array($0) } } catch {
            throw ProjectionError.storage("reading \(table): \(error)")
        }
        guard let bytes else { return nil }
        return try decode(Row.self, bytes, table: table)
    }

    static func decode<Row: PayloadCodable>(_ type: Row.Type, _ bytes: [UInt8], table: String)
        throws(ProjectionError) -> Row
    {
        var reader = PayloadReader(bytes)
        do {
            let row = try Row(from: &reader)
            try reader.finish()
            return row
        } catch { throw ProjectionError.corruptRow(table: table, "\(error)") }
    }
}
