public import Foundation

/// Row keys: bytes whose order is the order rows are listed in. Fixed-width parts (UUIDs, big-endian
/// integers) concatenate directly; a string part is length-prefixed so no key is a prefix of another's part.
/// LMDB refuses empty keys: a table with a single row uses `RowKey.single`.
public struct RowKey: Hashable, Sendable, Comparable {
    public private(set) var bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }
    public init() { bytes = [] }

    /// Byte order, as LMDB's default comparison (`memcmp`, then the shorter key first).
    public static func < (a: RowKey, b: RowKey) -> Bool {
        let common = min(a.bytes.count, b.bytes.count)
        let order = a.bytes.withUnsafeBytes { left in
            b.bytes.withUnsafeBytes { right in
                guard common > 0, let left = left.baseAddress, let right = right.baseAddress else { return Int32(0) }
                return memcmp(left, right, common)
            }
        }
        return order != 0 ? order < 0 : a.bytes.count < b.bytes.count
    }

    /// The bytes hashed at once (the synthesized hash combines them one by one, which dominated rebuilds).
    public func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    /// The indices of `keys` in the keys' byte order. A big-endian word of each key's first eight bytes
    /// (zero-padded) orders keys as their bytes do wherever the words differ, and keys mostly start with a random
    /// id, so whole keys are rarely compared and the sort moves plain integers.
    static func byteOrder(of keys: [RowKey]) -> [Int] {
        var order = keys.indices.map { (word: keys[$0].leadingWord, index: $0) }
        order.sort { $0.word != $1.word ? $0.word < $1.word : keys[$0.index] < keys[$1.index] }
        return order.map { $0.index }
    }

    private var leadingWord: UInt64 {
        var word: UInt64 = 0
        for (index, byte) in bytes.prefix(8).enumerated() { word |= UInt64(byte) << (56 - 8 * index) }
        return word
    }

    public func appending(_ uuid: UUID) -> RowKey {
        var copy = self
        withUnsafeBytes(of: uuid.uuid) { copy.bytes.append(contentsOf: $0) }
        return copy
    }

    public func appending(_ value: UInt64) -> RowKey {
        var copy = self
        withUnsafeBytes(of: value.bigEndian) { copy.bytes.append(contentsOf: $0) }
        return copy
    }

    public func appending(_ text: String) -> RowKey {
        var copy = self
        let length = min(text.utf8.count, 255)
        copy.bytes.reserveCapacity(bytes.count + 1 + length)
        copy.bytes.append(UInt8(length))
        copy.bytes.append(contentsOf: text.utf8.prefix(length))
        return copy
    }

    public static func uuid(_ uuid: UUID) -> RowKey { RowKey().appending(uuid) }

    /// The key of a table's only row.
    public static let single = RowKey(bytes: [0])
}
