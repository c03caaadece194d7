#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// File-system checks made before `mdb_env_open` touches the map.
package enum FileChecks {
    /// `mkdir -p` with mode 0700, for the data directory and its environments.
    package static func makeDirectory(_ path: String) throws(LMDBError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o700) != 0 && errno != EEXIST {
                throw LMDBError(code: errno, call: "mkdir(\(prefix))", message: String(cString: strerror(errno)))
            }
            prefix += "/"
        }
    }

    static func canonicalPath(_ path: String) throws(LMDBError) -> String {
        guard let resolved = realpath(path, nil) else {
            throw LMDBError(code: errno, call: "realpath(\(path))", message: String(cString: strerror(errno)))
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Refuses a `data.mdb` shorter than `(last page + 1) · page size` per its newest meta page: pages past the
    /// end of the file would raise SIGBUS when touched through the map (ledger.md §6).
    static func checkDataFileLength(directory: String) throws(LMDBError) {
        let file = directory + "/data.mdb"
        let descriptor = open(file, O_RDONLY)
        if descriptor < 0 {
            if errno == ENOENT { return }
            throw LMDBError(code: errno, call: "open(\(file))", message: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw LMDBError(code: errno, call: "fstat(\(file))", message: String(cString: strerror(errno)))
        }
        let length = Int(status.st_size)
        if length == 0 { return }
        guard let first = MetaPage.read(descriptor, offset: 0) else {
            throw truncated(file, "its first meta page is unreadable (\(length) bytes)")
        }
        let second = MetaPage.read(descriptor, offset: first.pageSize)
        let newest = [first, second].compactMap { $0 }.max { $0.transactionID < $1.transactionID } ?? first
        let needed = (newest.lastPage + 1) * first.pageSize
        if length < needed {
            throw truncated(file, "the file has \(length) bytes but its meta page needs \(needed)")
        }
    }

    private static func truncated(_ file: String, _ reason: String) -> LMDBError {
        LMDBError(
            code: LMDBError.truncated.rawValue, call: "open(\(file))",
            message: "data file is truncated or not an LMDB file: \(reason)")
    }
}

/// The fields of an LMDB 0.9 meta page needed for the length check (lmdb.h `MDB_meta` after the 16-byte page
/// header: magic, version, address, mapsize, two `MDB_db`s of 48 bytes, last page, transaction id).
struct MetaPage {
    static let magic: UInt32 = 0xBEEF_C0DE
    static let headerBytes = 16
    var pageSize: Int
    var lastPage: Int
    var transactionID: Int

    static func read(_ descriptor: Int32, offset: Int) -> MetaPage? {
        var buffer = [UInt8](repeating: 0, count: 160)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(offset)) }
        guard count == buffer.count else { return nil }
        func word<T: FixedWidthInteger>(_ at: Int, _: T.Type) -> T {
            buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: headerBytes + at, as: T.self) }
        }
        guard word(0, UInt32.self) == magic else { return nil }
        let pageSize = Int(word(24, UInt32.self))  // mm_dbs[0].md_pad holds the page size
        let lastPage = Int(word(120, UInt64.self))
        guard pageSize >= 512, pageSize <= 1 << 16, lastPage >= 1 else { return nil }
        return MetaPage(pageSize: pageSize, lastPage: lastPage, transactionID: Int(word(128, UInt64.self)))
    }
}
