internal import CLMDB

/// Sizes and reader use of an environment (`mdb_env_info` and `mdb_env_stat`).
public struct EnvironmentInfo: Sendable, Equatable {
    public var mapSizeBytes: Int
    public var pageSizeBytes: Int
    /// Bytes up to the last used page: `(me_last_pgno + 1) · psize` (ledger.md §2.4).
    public var usedBytes: Int
    public var maxReaders: Int
    public var readersInUse: Int
    public var lastTransactionID: Int
}

/// Entry count and shape of one database (`mdb_stat`).
public struct DatabaseStatistics: Sendable, Equatable {
    public var entries: Int
    public var depth: Int
    public var leafPages: Int
    public var branchPages: Int
    public var overflowPages: Int
}

extension Environment {
    public func info() throws(LMDBError) -> EnvironmentInfo {
        var info = MDB_envinfo()
        var stat = MDB_stat()
        try whileOpen { () throws(LMDBError) in
            try check(mdb_env_info(handle, &info), "mdb_env_info")
            try check(mdb_env_stat(handle, &stat), "mdb_env_stat")
        }
        let pageSize = Int(stat.ms_psize)
        return EnvironmentInfo(
            mapSizeBytes: info.me_mapsize, pageSizeBytes: pageSize,
            usedBytes: (info.me_last_pgno + 1) * pageSize, maxReaders: Int(info.me_maxreaders),
            readersInUse: Int(info.me_numreaders), lastTransactionID: info.me_last_txnid)
    }

    /// The flags the environment actually runs with.
    public func flags() throws(LMDBError) -> EnvironmentFlags {
        var flags: UInt32 = 0
        try whileOpen { () throws(LMDBError) in try check(mdb_env_get_flags(handle, &flags), "mdb_env_get_flags") }
        return EnvironmentFlags(rawValue: flags)
    }
}

extension MDB_stat {
    var statistics: DatabaseStatistics {
        DatabaseStatistics(
            entries: ms_entries, depth: Int(ms_depth), leafPages: ms_leaf_pages, branchPages: ms_branch_pages,
            overflowPages: ms_overflow_pages)
    }
}

extension Environment {
    /// liblmdb's version string (`mdb_version`), e.g. "LMDB 0.9.24: (July 24, 2019)".
    public static var libraryVersion: String { String(cString: mdb_version(nil, nil, nil)) }
}
