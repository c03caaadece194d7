public import Foundation

/// Row keys: bytes whose order is the order rows are listed in. Fixed-width parts (UUIDs, big-endian
/// integers) concatenate directly; a string part is length-prefixed so no key is a prefix of another's part.
/// LMDB refuses empty keys: a table with a single row uses `RowKey.single`.
public struct RowKey: Hashable, Sendable, Comparable {
    /// Keys of up to this many bytes (an id, two ids, two ids and a number) are held in the value itself: a
    /// dictionary of cached rows then hashes and compares them without following a pointer to a heap array,
    /// and copying one retains nothing. Longer keys spill into an array. Each length has one representation,
    /// so equal bytes are equal keys.
    static let inlineCapacity = 40

    private enum Storage: Hashable, Sendable {
        case inline(InlineBytes)
        case spilled([UInt8])
    }

    /// Up to `inlineCapacity` bytes in memory order; the bytes past `count` stay zero.
    private struct InlineBytes: Hashable, Sendable {
        var word0: UInt64 = 0
        var word1: UInt64 = 0
        var word2: UInt64 = 0
        var word3: UInt64 = 0
        var word4: UInt64 = 0
        var count: UInt8 = 0
    }

    private var storage: Storage

    public init(bytes: [UInt8]) {
        storage = .inline(InlineBytes())
        bytes.withUnsafeBytes { append($0) }
    }

    public init() { storage = .inline(InlineBytes()) }

    /// The key's bytes as an array (a copy: hot paths use `withUnsafeBytes`).
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    public var count: Int {
        switch storage {
        case .inline(let inline): Int(inline.count)
        case .spilled(let bytes): bytes.count
        }
    }

    /// Calls `body` with the key's bytes, valid only inside it.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        switch storage {
        case .inline(var inline):
            let count = Int(inline.count)
            return try Swift.withUnsafeBytes(of: &inline) { (all: UnsafeRawBufferPointer) throws(E) -> R in
                try body(UnsafeRawBufferPointer(rebasing: all[0..<count]))
            }
        case .spilled(let bytes):
            return try bytes.withUnsafeBufferPointer { (buffer: UnsafeBufferPointer<UInt8>) throws(E) -> R in
                try body(UnsafeRawBufferPointer(buffer))
            }
        }
    }

    /// Appends `tail`, spilling into an array once the key outgrows `inlineCapacity`.
    private mutating func append(_ tail: UnsafeRawBufferPointer) {
        guard !tail.isEmpty else { return }
        switch storage {
        case .inline(var inline):
            let count = Int(inline.count)
            if count + tail.count <= Self.inlineCapacity {
                Swift.withUnsafeMutableBytes(of: &inline) { all in
                    UnsafeMutableRawBufferPointer(rebasing: all[count..<(count + tail.count)]).copyMemory(from: tail)
                }
                inline.count = UInt8(count + tail.count)
                storage = .inline(inline)
            } else {
                var spilled = bytes
                spilled.append(contentsOf: tail)
                storage = .spilled(spilled)
            }
        case .spilled(var spilled):
            storage = .inline(InlineBytes())  // the array uniquely referenced while it grows
            spilled.append(contentsOf: tail)
            storage = .spilled(spilled)
        }
    }

    /// An inline key hashed by its length and the words its bytes reach (the rest are zero: an id's key hashes
    /// three integers, not six), a spilled one by its bytes at once.
    public func hash(into hasher: inout Hasher) {
        switch storage {
        case .inline(let inline):
            hasher.combine(inline.count)
            hasher.combine(inline.word0)
            guard inline.count > 8 else { return }
            hasher.combine(inline.word1)
            guard inline.count > 16 else { return }
            hasher.combine(inline.word2)
            guard inline.count > 24 else { return }
            hasher.combine(inline.word3)
            guard inline.count > 32 else { return }
            hasher.combine(inline.word4)
        case .spilled(let bytes):
            bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
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

    /// The indices of `keys` in the keys' byte order. Big-endian words of each key's first 24 bytes (zero-padded)
    /// order keys as their bytes do wherever the words differ, and most keys (an id, an id and a number) differ
    /// there, so whole keys are rarely compared and the sort moves plain integers instead of reading keys scattered
    /// over memory.
    static func byteOrder(of keys: [RowKey]) -> [Int] {
        var order = keys.indices.map { (words: keys[$0].leadingWords, index: $0) }
        order.sort { left, right in
            if left.words.0 != right.words.0 { return left.words.0 < right.words.0 }
            if left.words.1 != right.words.1 { return left.words.1 < right.words.1 }
            if left.words.2 != right.words.2 { return left.words.2 < right.words.2 }
            return keys[left.index] < keys[right.index]
        }
        return order.map { $0.index }
    }

    private var leadingWords: (UInt64, UInt64, UInt64) {
        if case .inline(let inline) = storage {  // zero past the bytes
            return (UInt64(bigEndian: inline.word0), UInt64(bigEndian: inline.word1), UInt64(bigEndian: inline.word2))
        }
        return withUnsafeBytes { key in
            func word(_ index: Int) -> UInt64 {
                var word: UInt64 = 0
                for (offset, byte) in key.dropFirst(8 * index).prefix(8).enumerated() {
                    word |= UInt64(byte) << (56 - 8 * offset)
                }
                return word
            }
            return (word(0), word(1), word(2))
        }
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
        var text = text
        text.withUTF8 { utf8 in
            let length = min(utf8.count, 255)
            Swift.withUnsafeBytes(of: UInt8(length)) { copy.append($0) }
            copy.append(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(utf8)[0..<length]))
        }
        return copy
    }

    public static func uuid(_ uuid: UUID) -> RowKey { RowKey().appending(uuid) }

    /// The key of a table's only row.
    public static let single = RowKey(bytes: [0])
}
