#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The checkpoint signing key file (ledger.md §3.3): `DIR.keys/signing.key` by default, mode 0400, never in
/// the data directory. Created (with `O_EXCL`) only while the ledger has no checkpoint; once one exists a
/// missing file is a start-up error, never a silently new key.
public enum SigningKeyFile {
    /// `DIR.keys/signing.key` for the data directory `DIR`.
    public static func defaultPath(dataDirectory: String) -> String {
        keysDirectory(dataDirectory: dataDirectory) + "/signing.key"
    }

    /// `DIR.keys` for the data directory `DIR` (trailing slashes ignored).
    public static func keysDirectory(dataDirectory: String) -> String {
        var directory = dataDirectory
        while directory.count > 1 && directory.hasSuffix("/") { directory.removeLast() }
        return directory + ".keys"
    }

    public static func load(path: String) throws(LedgerError) -> NoteSigner {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw LedgerError(.storage, "cannot read the signing key \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: 4096)
        let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { throw LedgerError(.storage, "the signing key \(path) is empty or unreadable") }
        do {
            return try NoteSigner(text: String(decoding: bytes[0..<count], as: UTF8.self))
        } catch {
            throw LedgerError(.invalidArgument, "the signing key \(path) is not usable: \(error)")
        }
    }

    /// Loads the key, or creates it when `mayCreate` and the file does not exist.
    public static func loadOrCreate(path: String, name: String, mayCreate: Bool) throws(LedgerError) -> NoteSigner {
        if access(path, F_OK) == 0 { return try load(path: path) }
        guard mayCreate else {
            throw LedgerError(
                .storage,
                "the signing key \(path) is missing but the ledger already has checkpoints; restore the "
                    + "key file or pass --signing-key")
        }
        let signer: NoteSigner
        do { signer = try NoteSigner.generate(name: name) } catch {
            throw LedgerError(.invalidArgument, "cannot make a signing key: \(error)")
        }
        try write(signer.text + "\n", to: path)
        return signer
    }

    /// Writes a new key file with `O_EXCL` and mode 0400, creating its directory with mode 0700.
    static func write(_ text: String, to path: String) throws(LedgerError) {
        if let slash = path.lastIndex(of: "/") {
            let directory = String(path[..<slash])
            if !directory.isEmpty && mkdir(directory, 0o700) != 0 && errno != EEXIST {
                throw LedgerError(.storage, "cannot create \(directory): \(String(cString: strerror(errno)))")
            }
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o400)
        guard descriptor >= 0 else {
            throw LedgerError(.storage, "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let written = Array(text.utf8).withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        guard written == text.utf8.count, fsync(descriptor) == 0 else {
            throw LedgerError(.storage, "cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}
