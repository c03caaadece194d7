public import Foundation

/// Row keys: bytes whose order is the order rows are listed in. Fixed-width parts (UUIDs, big-endian
/// integers) concatenate directly; a string part is length-prefixed so no key is a prefix of another's part.
/// LMDB refuses empty keys: a table with a single row uses `RowKey.single`.
///
/// Keys of up to 32 bytes (an id, an id and a position, two ids: nearly every key a view makes) are kept in the
/// value itself, so making, hashing and comparing one allocates nothing; longer keys spill to an array. Each
/// length has one representation (inline up to 32 bytes, spilled beyond), so equality and hashing can compare
/// the stored fields.
public struct RowKey: Hashable, Sendable, Comparable {
    private static let inlineCapacity = 32

    /// The first `inlineCount` bytes of these words, in memory order; the rest stay zero.
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var inlineCount: UInt8 = 0
    /// The whole key, when it is longer than `inlineCapacity`.
    private var spilled: [UInt8]?

    public init() {}

    public init(bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    public var count: Int { spilled?.count ?? Int(inlineCount) }

    /// The key's bytes, copied (reading rows back, tests); the write path borrows them with `withUnsafeBytes`.
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// Lends the key's bytes to `body`.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        if let spilled {
            let result = spilled.withUnsafeBytes { bytes in Result { () throws(E) in try body(bytes) } }
            return try result.get()
        }
        var words = self.words
        let count = Int(inlineCount)
        let result = Swift.withUnsafeBytes(of: &words) { storage in
            Result { () throws(E) in try body(UnsafeRawBufferPointer(rebasing: storage[..<count])) }
        }
        return try result.get()
    }

    private mutating func append(_ part: UnsafeRawBufferPointer) {
        guard !part.isEmpty else { return }
        let newCount = count + part.count
        if spilled == nil, newCount <= Self.inlineCapacity {
            let offset = Int(inlineCount)
            Swift.withUnsafeMutableBytes(of: &words) { storage in
                UnsafeMutableRawBufferPointer(rebasing: storage[offset...]).copyMemory(from: part)
            }
            inlineCount = UInt8(newCount)
        } else {
            var whole = bytes
            whole.append(contentsOf: part)
            spilled = whole
            words = (0, 0, 0, 0)
            inlineCount = 0
        }
    }

    public static func == (a: RowKey, b: RowKey) -> Bool {
        a.inlineCount == b.inlineCount && a.words == b.words && a.spilled == b.spilled
    }

    public func hash(into hasher: inout Hasher) {
        if let spilled {
            spilled.withUnsafeBytes { hasher.combine(bytes: $0) }
        } else {
            hasher.combine(words.0)
            hasher.combine(words.1)
            hasher.combine(words.2)
            hasher.combine(words.3)
            hasher.combine(inlineCount)
        }
    }

    /// Byte order, as LMDB's default comparison (`memcmp`, then the shorter key first).
    public static func < (a: RowKey, b: RowKey) -> Bool {
        a.withUnsafeBytes { left in
            b.withUnsafeBytes { right in
                let common = min(left.count, right.count)
                guard common > 0, let leftBase = left.baseAddress, let rightBase = right.baseAddress else {
                    return left.count < right.count
                }
                let order = memcmp(leftBase, rightBase, common)
                return order != 0 ? order < 0 : left.count < right.count
            }
        }
    }

    /// The indices of `keys` in the keys' byte order. A big-endian word of each key's first eight bytes
    /// (zero-padded) orders keys as their bytes do wherever the words differ, and keys mostly start with a random
    /// id, so whole keys are rarely compared and the sort moves plain integers.
    static func byteOrder(of keys: [RowKey]) -> [Int] {
        var order = keys.indices.map { (word: keys[$0].leadingWord, index: $0) }
        order.sort { $0.word != $1.word ? $0.word < $1.word : keys[$0.index] < keys[$1.index] }
        return order.map(\.index)
    }

    private var leadingWord: UInt64 {
        guard let spilled else { return UInt64(bigEndian: words.0) }
        var word: UInt64 = 0
        for (index, byte) in spilled.prefix(8).enumerated() { word |= UInt64(byte) << (56 - 8 * index) }
        return word
    }

    public func appending(_ uuid: UUID) -> RowKey {
        var copy = self
        Swift.withUnsafeBytes(of: uuid.uuid) { copy.append($0) }
        return copy
    }

    public func appending(_ value: UInt64) -> RowKey {
        var copy = self
        Swift.withUnsafeBytes(of: value.bigEndian) { copy.append($0) }
        return copy
    }

    public func appending(_ text: String) -> RowKey {
        var copy = self
        var utf8 = Array(text.utf8.prefix(255))
        utf8.insert(UInt8(utf8.count), at: 0)
        utf8.withUnsafeBytes { copy.append($0) }
        return copy
    }

    public static func uuid(_ uuid: UUID) -> RowKey { RowKey().appending(uuid) }

    /// The key of a table's only row.
    public static let single = RowKey(bytes: [0])
}
