import LMDB
import Ledger

/// The keys env and its named databases (Schemas/keys-env.md).
struct KeysStore: Sendable {
    let environment: Environment
    let dataKeys: Database
    let personKeys: Database
    let lookup: Database
    let subjectLookups: Database
    let erased: Database
    let erasedSubjects: Database
    let meta: Database

    static let names = ["dataKeys", "personKeys", "lookup", "subjectLookups", "erased", "erasedSubjects", "meta"]

    init(environment: Environment, create: Bool) throws {
        self.environment = environment
        let flags: DatabaseFlags = create ? [.create] : []
        var opened: [Database] = []
        for name in Self.names { opened.append(try environment.openDatabase(named: name, flags: flags)) }
        (dataKeys, personKeys, lookup, subjectLookups) = (opened[0], opened[1], opened[2], opened[3])
        (erased, erasedSubjects, meta) = (opened[4], opened[5], opened[6])
    }

    func read<R>(_ context: @autoclosure () -> String, _ body: (Transaction) throws -> R) throws(VaultError) -> R {
        do { return try environment.read(body) } catch { throw VaultError.storage(error, context()) }
    }

    func write<R>(_ context: @autoclosure () -> String, _ body: (Transaction) throws -> R) throws(VaultError) -> R {
        do { return try environment.write(body) } catch { throw VaultError.storage(error, context()) }
    }

    /// The keys of `database` that start with `prefix`, at most `limit` of them, copied out.
    func keys(in database: Database, prefix: [UInt8], limit: Int, _ txn: Transaction) throws -> [[UInt8]] {
        try txn.withCursor(database) { cursor in
            var found: [[UInt8]] = []
            var entry = try cursor.seek(atLeast: prefix)
            while let current = entry, current.key.starts(with: prefix) {
                guard found.count < limit else {
                    throw VaultError(.corrupted, "more than \(limit) entries in \(database.name) under one subject")
                }
                found.append(Array(current.key))
                entry = try cursor.next()
            }
            return found
        }
    }
}

/// Byte encodings of the keys env's keys and values (Schemas/keys-env.md).
enum KeysLayout {
    static let formatVersion: UInt16 = 1
    /// The master-key epoch of a new keys env; `cus keys rotate-master` moves it on by one (ledger.md §4.5).
    static let firstMasterKeyEpoch: UInt32 = 1
    static let hmacBytes = 32
    /// At most one key per scope byte.
    static let scopesMax = 256
    /// Lookup entries one subject may hold (a corrected PESEL adds one).
    static let nationalIDsPerSubjectMax = 16

    enum MetaKey {
        static let formatVersion = Array("formatVersion".utf8)
        static let masterKeyCheck = Array("masterKeyCheck".utf8)
        static let lookupKeyCheck = Array("lookupKeyCheck".utf8)
        static let masterKeyEpoch = Array("masterKeyEpoch".utf8)
    }

    static func personKey(_ subject: UUID128, scope: UInt8) -> [UInt8] { subject.bytes + [scope] }

    static func subjectLookup(_ subject: UUID128, hmac: [UInt8]) -> [UInt8] { subject.bytes + hmac }

    static func bigEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian, Array.init)
    }

    static func integer<T: FixedWidthInteger>(_ bytes: some Collection<UInt8>, as: T.Type) -> T? {
        guard bytes.count == MemoryLayout<T>.size else { return nil }
        return bytes.reduce(T.zero) { $0 << 8 | T($1) }
    }

    static func position(_ bytes: UnsafeRawBufferPointer, _ what: String) throws(VaultError) -> Position {
        guard let raw = integer(bytes, as: UInt64.self) else {
            throw VaultError(.corrupted, "\(what) must be an 8-byte position, found \(bytes.count) bytes")
        }
        return Position(raw)
    }

    static func uuid(_ bytes: some Collection<UInt8>, _ what: String) throws(VaultError) -> UUID128 {
        guard let id = UUID128(bytes: Array(bytes)) else {
            throw VaultError(.corrupted, "\(what) must be 16 bytes, found \(bytes.count)")
        }
        return id
    }

    /// `erasedSubjects` value: receipt position u64 ‖ keyId[16] × n.
    static func erasedSubjectValue(position: Position, keyIDs: [UUID128]) -> [UInt8] {
        bigEndian(position.rawValue) + keyIDs.flatMap(\.bytes)
    }

    static func erasedSubject(_ bytes: UnsafeRawBufferPointer) throws(VaultError) -> (Position, [UUID128]) {
        guard bytes.count >= 8, (bytes.count - 8) % 16 == 0 else {
            throw VaultError(.corrupted, "an erasedSubjects value has \(bytes.count) bytes, not 8 + 16·n")
        }
        let position = try KeysLayout.position(UnsafeRawBufferPointer(rebasing: bytes[0..<8]), "erasedSubjects")
        var keyIDs: [UUID128] = []
        for offset in stride(from: 8, to: bytes.count, by: 16) {
            keyIDs.append(UUID128(bytes: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + 16)])))
        }
        return (position, keyIDs)
    }
}
