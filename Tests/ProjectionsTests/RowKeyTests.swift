import Foundation
import Testing

@testable import Projections

@Suite("Row keys")
struct RowKeyTests {
    /// Keys of many lengths (ids, an id and a position, two ids, text parts), built in parts and in one go.
    static func keys() -> [RowKey] {
        var generator = SystemRandomNumberGenerator()
        var keys: [RowKey] = [RowKey(), .single, RowKey(bytes: [0, 0]), RowKey(bytes: [255])]
        for length in [1, 7, 8, 9, 16, 24, 31, 32, 33, 40, 64, 300] {
            for _ in 0..<4 {
                keys.append(RowKey(bytes: (0..<length).map { _ in UInt8.random(in: 0...3, using: &generator) }))
            }
        }
        let id = UUID()
        keys += [
            .uuid(id), RowKey.uuid(id).appending(UInt64(7)), RowKey.uuid(id).appending(id),
            RowKey.uuid(id).appending(id).appending(UInt64(1)), RowKey.uuid(id).appending("kolo seniora"),
            RowKey.uuid(id).appending(id).appending(UInt64(1)).appending("a"),
            RowKey().appending(String(repeating: "ż", count: 200)),
        ]
        return keys
    }

    @Test("Keys made in parts equal the same bytes made at once")
    func partsEqualWhole() {
        let id = UUID()
        let idBytes = withUnsafeBytes(of: id.uuid) { Array($0) }
        let position: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 9]
        #expect(RowKey.uuid(id).bytes == idBytes)
        #expect(RowKey.uuid(id).appending(UInt64(9)) == RowKey(bytes: idBytes + position))
        #expect(RowKey.uuid(id).appending(id) == RowKey(bytes: idBytes + idBytes))
        let long = RowKey.uuid(id).appending(id).appending(UInt64(9))
        #expect(long == RowKey(bytes: idBytes + idBytes + position))
        #expect(long.bytes.count == 40)
        let spilled = long.appending("x")  // past the inline capacity: the same key as the same bytes at once
        #expect(spilled == RowKey(bytes: idBytes + idBytes + position + [1, 120]))
        #expect(spilled.hashValue == RowKey(bytes: idBytes + idBytes + position + [1, 120]).hashValue)
        #expect(spilled.count == 42 && long < spilled)
        #expect(RowKey().appending("ab").bytes == [2, 97, 98])
        #expect(RowKey(bytes: []).bytes.isEmpty)
    }

    @Test("Equality, hashing and order follow the bytes, as LMDB's memcmp order does")
    func orderAndHashFollowBytes() {
        let keys = Self.keys()
        for a in keys {
            for b in keys {
                #expect((a == b) == (a.bytes == b.bytes))
                if a == b { #expect(a.hashValue == b.hashValue) }
                #expect((a < b) == a.bytes.lexicographicallyPrecedes(b.bytes))
            }
        }
        let order = RowKey.byteOrder(of: keys).map { keys[$0].bytes }
        #expect(order == keys.map(\.bytes).sorted { $0.lexicographicallyPrecedes($1) })
        #expect(Set(keys).count == Set(keys.map(\.bytes)).count)
    }
}
