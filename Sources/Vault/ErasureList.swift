public import Ledger
import LMDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The erasure list (ledger.md §4.3 step 5), `DIR/erasures.log`: append-only text, one line per erased key,
/// `<position> <keyId>\n` (decimal receipt position, canonical lowercase UUID). Kept with checkpoints and
/// exports, never with the keys env, so restoring an old keys backup can replay it (§4.5). Every append is
/// fsynced before it returns; a torn final line (a crash mid-append, never acknowledged) is ignored when read
/// and cut off before the next append.
public struct ErasureList: Sendable {
    public typealias Entry = (position: Position, keyID: UUID128)

    public let path: String
    /// A sanity bound on the file (about 17 million lines), so a wrong path cannot make us read a huge file.
    public static let fileBytesMax = 1 << 30

    public init(path: String) { self.path = path }

    /// `DIR/erasures.log`.
    public init(dataDirectory: String) { self.init(path: VaultOptions(dataDirectory: dataDirectory).erasureListPath) }

    /// Appends the pairs not already listed, then fsyncs.
    public func append(position: Position, keyIDs: [UUID128]) throws(VaultError) {
        try append([(position, keyIDs)])
    }

    /// `append` of several receipts' keys, reading the file and flushing it once (start-up re-applies every
    /// receipt of the ledger: one read of the whole list per receipt would grow with their square).
    public func append(_ receipts: [(position: Position, keyIDs: [UUID128])]) throws(VaultError) {
        guard receipts.contains(where: { !$0.keyIDs.isEmpty }) else { return }
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure("cannot open") }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX) == 0 else { throw failure("cannot lock") }
        let contents = try readAll(descriptor)
        let (listed, completeBytes) = try Self.parse(contents)
        if completeBytes < contents.count {
            guard ftruncate(descriptor, off_t(completeBytes)) == 0 else { throw failure("cannot cut the torn line of") }
        }
        let known = Set(listed.map { "\($0.position) \($0.keyID)" })
        var seen = Set<String>()
        let lines = receipts.flatMap { receipt in receipt.keyIDs.map { "\(receipt.position) \($0)" } }
            .filter { !known.contains($0) && seen.insert($0).inserted }
        guard !lines.isEmpty else { return }
        let bytes = Array(lines.map { $0 + "\n" }.joined().utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                pwrite(
                    descriptor, buffer.baseAddress.map { $0 + written }, buffer.count - written,
                    off_t(completeBytes + written))
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw failure("cannot append to") }
            written += count
        }
        guard fsync(descriptor) == 0 else { throw failure("cannot fsync") }
        if contents.isEmpty, let slash = path.lastIndex(of: "/") { FileSync.directory(String(path[..<slash])) }
    }

    /// Every listed pair in file order; empty when the file does not exist yet.
    public func entries() throws(VaultError) -> [Entry] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return [] }
            throw failure("cannot open")
        }
        defer { close(descriptor) }
        return try Self.parse(try readAll(descriptor)).entries
    }

    /// Parses complete lines; returns them and how many bytes they span (a torn final line is left out).
    static func parse(_ contents: [UInt8]) throws(VaultError) -> (entries: [Entry], completeBytes: Int) {
        var entries: [Entry] = []
        var lineStart = 0
        var lineNumber = 1
        for index in contents.indices where contents[index] == UInt8(ascii: "\n") {
            guard let entry = parseLine(contents[lineStart..<index]) else {
                throw VaultError(
                    .corrupted,
                    "erasure list line \(lineNumber) is not \"<position> <keyId>\"; repair the file from its "
                        + "backup before erasing or restoring")
            }
            entries.append(entry)
            lineStart = index + 1
            lineNumber += 1
        }
        return (entries, lineStart)
    }

    private static func parseLine(_ line: ArraySlice<UInt8>) -> Entry? {
        let fields = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard fields.count == 2, let digits = fields.first, let uuid = fields.last,
            (1...20).contains(digits.count), digits.allSatisfy({ (0x30...0x39).contains($0) }),
            digits.count == 1 || digits.first != 0x30,
            let raw = UInt64(String(decoding: digits, as: UTF8.self)),
            let keyID = UUID128(String(decoding: uuid, as: UTF8.self)),
            keyID.description.utf8.elementsEqual(uuid)
        else { return nil }
        return (Position(raw), keyID)
    }

    private func readAll(_ descriptor: Int32) throws(VaultError) -> [UInt8] {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw failure("cannot stat") }
        let length = Int(status.st_size)
        guard length <= Self.fileBytesMax else {
            throw VaultError(.invalidArgument, "the erasure list \(path) is over \(Self.fileBytesMax) bytes")
        }
        var bytes = [UInt8](repeating: 0, count: length)
        var done = 0
        while done < length {
            let count = bytes.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress.map { $0 + done }, length - done, off_t(done))
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw failure("cannot read") }
            done += count
        }
        return bytes
    }

    private func failure(_ what: String) -> VaultError {
        VaultError(.storage, "\(what) the erasure list \(path): \(String(cString: strerror(errno)))")
    }
}
