import Crypto
import LMDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A 32-byte secret key file (the master key or the lookup key, ledger.md §4.1): raw random bytes, mode 0400,
/// created with `O_EXCL` in a 0700 directory, and only while the keys env is brand new, so a lost file is a
/// start-up error and never a silently new key.
struct KeyFile {
    static let keyBytes = 32

    let path: String
    /// `master` or `lookup`, for messages.
    let role: String
    let missingCode: VaultError.Code
    let wrongCode: VaultError.Code
    /// The command-line flag that overrides the path, for the fix-it message.
    let flag: String

    static func master(path: String) -> KeyFile {
        KeyFile(
            path: path, role: "master", missingCode: .masterKeyMissing, wrongCode: .masterKeyWrong,
            flag: "--master-key-file")
    }

    static func lookup(path: String) -> KeyFile {
        KeyFile(
            path: path, role: "lookup", missingCode: .lookupKeyMissing, wrongCode: .lookupKeyWrong,
            flag: "--lookup-key-file")
    }

    /// Reads the key; creates it first when it is absent and `mayCreate`.
    func loadOrCreate(mayCreate: Bool) throws(VaultError) -> SymmetricKey {
        if let key = try load() { return key }
        guard mayCreate else {
            throw VaultError(
                missingCode,
                "the \(role) key file \(path) is missing but the keys env is already in use; restore the file "
                    + "or pass \(flag)")
        }
        try create()
        return SymmetricKey(data: try loadExisting())
    }

    /// The key, or `nil` when the file does not exist.
    func load() throws(VaultError) -> SymmetricKey? {
        guard access(path, F_OK) == 0 else {
            if errno == ENOENT { return nil }
            throw failure("cannot reach")
        }
        return SymmetricKey(data: try loadExisting())
    }

    private func loadExisting() throws(VaultError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("cannot read") }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: Self.keyBytes + 1)
        var count = 0
        while count < bytes.count {
            let got = bytes.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress.map { $0 + count }, buffer.count - count)
            }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { throw failure("cannot read") }
            if got == 0 { break }
            count += got
        }
        guard count == Self.keyBytes else {
            throw VaultError(wrongCode, "the \(role) key file \(path) must hold exactly 32 bytes")
        }
        return Array(bytes[0..<Self.keyBytes])
    }

    /// Writes 32 random bytes with `O_EXCL` and mode 0400; leaves a file another process created first alone.
    func create() throws(VaultError) {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        do { try FileChecks.makeDirectory(directory) } catch {
            throw VaultError(.storage, "cannot create the key directory \(directory)", underlying: error)
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o400)
        guard descriptor >= 0 else {
            if errno == EEXIST { return }
            throw failure("cannot create")
        }
        defer { close(descriptor) }
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        let written = key.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == key.count, fsync(descriptor) == 0 else { throw failure("cannot write") }
        FileSync.directory(directory)
    }

    private func failure(_ what: String) -> VaultError {
        VaultError(.storage, "\(what) the \(role) key file \(path): \(String(cString: strerror(errno)))")
    }
}
