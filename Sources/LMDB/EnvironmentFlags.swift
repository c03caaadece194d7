internal import CLMDB

/// `mdb_env_open` flags. The ledger and keys environments forbid the ones that weaken durability
/// (ledger.md §2.3), checked after open with `mdb_env_get_flags`.
public struct EnvironmentFlags: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let noSubdirectory = EnvironmentFlags(rawValue: UInt32(MDB_NOSUBDIR))
    public static let readOnly = EnvironmentFlags(rawValue: UInt32(MDB_RDONLY))
    public static let noTLS = EnvironmentFlags(rawValue: UInt32(MDB_NOTLS))
    public static let noSync = EnvironmentFlags(rawValue: UInt32(MDB_NOSYNC))
    public static let noMetaSync = EnvironmentFlags(rawValue: UInt32(MDB_NOMETASYNC))
    public static let writeMap = EnvironmentFlags(rawValue: UInt32(MDB_WRITEMAP))
    public static let mapAsync = EnvironmentFlags(rawValue: UInt32(MDB_MAPASYNC))
    public static let noMemInit = EnvironmentFlags(rawValue: UInt32(MDB_NOMEMINIT))
    public static let noLock = EnvironmentFlags(rawValue: UInt32(MDB_NOLOCK))
    public static let noReadAhead = EnvironmentFlags(rawValue: UInt32(MDB_NORDAHEAD))

    /// Flags that can lose or corrupt acknowledged commits, or leave freed secrets in the file.
    public static let weakeningDurability: EnvironmentFlags = [
        .noSync, .noMetaSync, .writeMap, .mapAsync, .noMemInit, .noLock,
    ]

    static let names: [(EnvironmentFlags, String)] = [
        (.noSubdirectory, "MDB_NOSUBDIR"), (.readOnly, "MDB_RDONLY"), (.noTLS, "MDB_NOTLS"),
        (.noSync, "MDB_NOSYNC"), (.noMetaSync, "MDB_NOMETASYNC"), (.writeMap, "MDB_WRITEMAP"),
        (.mapAsync, "MDB_MAPASYNC"), (.noMemInit, "MDB_NOMEMINIT"), (.noLock, "MDB_NOLOCK"),
        (.noReadAhead, "MDB_NORDAHEAD"),
    ]

    public var description: String {
        Self.names.filter { contains($0.0) }.map(\.1).joined(separator: "|")
    }
}

/// `mdb_dbi_open` flags for named databases.
public struct DatabaseFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let create = DatabaseFlags(rawValue: UInt32(MDB_CREATE))
}

/// `mdb_put` flags.
public struct PutFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// The key must sort after every existing key; LMDB answers `MDB_KEYEXIST` otherwise.
    public static let append = PutFlags(rawValue: UInt32(MDB_APPEND))
    /// Refuse to replace an existing value (`MDB_KEYEXIST`).
    public static let noOverwrite = PutFlags(rawValue: UInt32(MDB_NOOVERWRITE))
}
