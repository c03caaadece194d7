import HTTPTypes
import Ledger
import Crypto
public import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Bearer tokens in `DIR/tokens/tokens.json` (mode 0600): only each token's SHA-256 is stored, never the token, so
/// a copy of the data directory lets nobody in. A token reads `cus_<id>_<secret>`: the id finds the entry, the
/// hash of the whole text must match. `cus tokens create|list|revoke` write the file under `DIR/tokens/lock`
/// (an flock) by replacing it atomically; a running server rereads it when it changes, so a revocation holds
/// from the next request.
public final class TokenStore: Sendable {
    public struct Entry: Sendable, Hashable, Codable {
        public var id: String
        public var role: APIRole
        public var subject: UUID
        public var label: String?
        /// Lowercase hex SHA-256 of the whole token text.
        public var sha256: String
        public var createdAt: Date
        public var revokedAt: Date?
    }

    public struct TokenError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Longest `--label`; labels are for humans and must not hold personal data.
    public static let labelLengthMax = 80
    public static let entriesMax = 10_000

    public let directory: String
    /// `DIR/tokens/tokens.json`.
    let path: String
    private let cache = Mutex<(stamp: FileStamp?, entries: [String: Entry])>((nil, [:]))

    public init(dataDirectory: String) {
        directory = dataDirectory + "/tokens"
        path = directory + "/tokens.json"
    }

    /// Creates a token and returns its text, shown once.
    public func create(role: APIRole, subject: UUID, label: String?, now: Date = Date()) throws(TokenError) -> (
        entry: Entry, token: String
    ) {
        if let label, label.count > Self.labelLengthMax {
            throw TokenError(description: "--label is over \(Self.labelLengthMax) characters")
        }
        let id = Self.hex(SecureRandom.bytes(6))
        let token = "cus_\(id)_" + Self.hex(SecureRandom.bytes(32))
        let entry = Entry(
            id: id, role: role, subject: subject, label: label, sha256: Self.digest(token), createdAt: now,
            revokedAt: nil)
        try update { entries throws(TokenError) in
            guard entries.count < Self.entriesMax else {
                throw TokenError(description: "the token store holds \(Self.entriesMax) tokens; revoke some first")
            }
            entries.append(entry)
        }
        return (entry, token)
    }

    /// Revokes the token `id`; true when it was active.
    @discardableResult
    public func revoke(id: String, now: Date = Date()) throws(TokenError) -> Bool {
        var revoked = false
        try update { entries throws(TokenError) in
            guard let index = entries.firstIndex(where: { $0.id == id }) else {
                throw TokenError(description: "no token \(id)")
            }
            if entries[index].revokedAt == nil {
                entries[index].revokedAt = now
                revoked = true
            }
        }
        return revoked
    }

    /// Revokes every active token with `label` (the demo's tokens on a new start).
    public func revokeAll(label: String, now: Date = Date()) throws(TokenError) {
        try update { entries throws(TokenError) in
            for index in entries.indices where entries[index].label == label && entries[index].revokedAt == nil {
                entries[index].revokedAt = now
            }
        }
    }

    public func list() throws(TokenError) -> [Entry] { try load().sorted { $0.createdAt < $1.createdAt } }

    /// The principal of an active token, or nil for anything else (unknown, revoked, malformed).
    public func authenticate(_ token: String) -> Principal? {
        guard let id = Self.tokenID(token), let entry = current()[id], entry.revokedAt == nil else { return nil }
        guard Self.constantTimeEqual(Self.digest(token), entry.sha256) else { return nil }
        return Principal(tokenID: entry.id, role: entry.role, subject: entry.subject)
    }

    /// The id part of `cus_<id>_<secret>` (at most 128 bytes, exactly two underscores), read on the UTF-8 bytes:
    /// every request comes through here, and splitting the text into an array showed in profiles.
    static func tokenID(_ token: String) -> String? {
        let underscore = UInt8(ascii: "_")
        let utf8 = token.utf8
        guard utf8.count <= 128, utf8.starts(with: "cus_".utf8) else { return nil }
        let idStart = utf8.index(utf8.startIndex, offsetBy: 4)
        guard let idEnd = utf8[idStart...].firstIndex(of: underscore),
            !utf8[utf8.index(after: idEnd)...].contains(underscore)
        else { return nil }
        return String(token[idStart..<idEnd])
    }

    /// The principal of the token `id` while it is active: a dashboard session checks this on every request, so a
    /// revocation ends the session too.
    func activePrincipal(tokenID id: String) -> Principal? {
        guard let entry = current()[id], entry.revokedAt == nil else { return nil }
        return Principal(tokenID: entry.id, role: entry.role, subject: entry.subject)
    }

    /// The entries by id, reread when the file's modification time, size or inode changed (one `stat` per
    /// request; Foundation's attribute dictionary cost more than the token's hash).
    private func current() -> [String: Entry] {
        let stamp = FileStamp(path: path)
        if let stamp, let cached = cache.withLock({ $0.stamp == stamp ? $0.entries : nil }) { return cached }
        let entries = (try? load()) ?? []
        let byID = Dictionary(entries.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        cache.withLock { $0 = (stamp, byID) }
        return byID
    }

    /// What `stat` says of the tokens file, enough to see that it was rewritten.
    struct FileStamp: Equatable {
        var inode: UInt64
        var size: Int64
        var modifiedSeconds: Int
        var modifiedNanoseconds: Int

        init?(path: String) {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            inode = UInt64(info.st_ino)
            size = Int64(info.st_size)
            modifiedSeconds = info.st_mtim.tv_sec
            modifiedNanoseconds = info.st_mtim.tv_nsec
        }
    }

    func load() throws(TokenError) -> [Entry] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return try decoder.decode([Entry].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch { throw TokenError(description: "\(path) cannot be read: \(error.localizedDescription)") }
    }

    /// Read, change and atomically replace the file under the store's flock.
    private func update(_ change: (inout [Entry]) throws(TokenError) -> Void) throws(TokenError) {
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch { throw TokenError(description: "cannot create \(directory): \(error.localizedDescription)") }
        let lock = open(directory + "/lock", O_CREAT | O_RDWR, 0o600)
        guard lock >= 0 else { throw TokenError(description: "cannot open \(directory)/lock") }
        defer { close(lock) }
        guard flock(lock, LOCK_EX) == 0 else { throw TokenError(description: "cannot lock \(directory)/lock") }
        var entries = try load()
        try change(&entries)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let temporary = path + ".new"
        do {
            let data = try encoder.encode(entries)
            guard
                FileManager.default.createFile(
                    atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600])
            else { throw TokenError(description: "cannot write \(temporary)") }
            let descriptor = open(temporary, O_RDWR)
            if descriptor >= 0 {
                fsync(descriptor)
                close(descriptor)
            }
            guard rename(temporary, path) == 0 else { throw TokenError(description: "cannot replace \(path)") }
        } catch let error as TokenError {
            throw error
        } catch { throw TokenError(description: "cannot write \(path): \(error.localizedDescription)") }
    }

    static func digest(_ token: String) -> String { hex(Array(SHA256.hash(data: Array(token.utf8)))) }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
