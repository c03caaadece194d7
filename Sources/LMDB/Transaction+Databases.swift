internal import CLMDB

extension Transaction {
    /// Opens (with `.create`, creates) a named database inside this transaction. The handle outlives the
    /// transaction only if it commits (lmdb.h `mdb_dbi_open`); a name that does not exist without `.create`
    /// answers nil.
    public func openDatabase(named name: String, flags: DatabaseFlags = []) throws(LMDBError) -> Database? {
        var dbi: MDB_dbi = 0
        let code = mdb_dbi_open(handle, name, flags.rawValue, &dbi)
        if code == MDB_NOTFOUND { return nil }
        try check(code, "mdb_dbi_open(\(name))")
        return Database(name: name, handle: dbi)
    }

    /// Empties a named database (`mdb_drop(…, 0)`), or with `delete` also removes it and closes its handle,
    /// which no other transaction may then be using (lmdb.h). Only the rebuildable projections environment
    /// does this: a projection generation replaced by a newer one.
    public func drop(_ database: Database, delete: Bool) throws(LMDBError) {
        try check(mdb_drop(handle, database.handle, delete ? 1 : 0), "mdb_drop(\(database.name))")
    }
}
