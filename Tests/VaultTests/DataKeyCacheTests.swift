import Crypto
import Ledger
import Testing

@testable import Vault

@Suite("Data-key cache: bounded, oldest out first, erased keys barred")
struct DataKeyCacheTests {
    static func id(_ n: UInt64) -> UUID128 { UUID128(high: 0x7000, low: n) }

    static func cached(_ cache: DataKeyCache, _ ids: ClosedRange<UInt64>) -> [UInt64] {
        ids.filter { cache.key(id($0)) != nil }
    }

    @Test("When full, the key cached longest ago leaves first; caching a key again does not move it")
    func oldestLeavesFirst() {
        let cache = DataKeyCache(entriesMax: 3)
        for n: UInt64 in 1...4 { cache.insert(SymmetricKey(size: .bits256), for: Self.id(n)) }
        #expect(Self.cached(cache, 1...5) == [2, 3, 4])
        cache.insert(SymmetricKey(size: .bits256), for: Self.id(2))
        cache.insert(SymmetricKey(size: .bits256), for: Self.id(5))
        #expect(Self.cached(cache, 1...5) == [3, 4, 5])
        #expect(cache.count == 3)
    }

    @Test("An erased key is gone for good and frees its place; the next keys evict the oldest left")
    func erasedKeysAreSkipped() {
        let cache = DataKeyCache(entriesMax: 3)
        for n: UInt64 in 1...3 { cache.insert(SymmetricKey(size: .bits256), for: Self.id(n)) }
        cache.evict([Self.id(2)])
        cache.insert(SymmetricKey(size: .bits256), for: Self.id(2))
        #expect(Self.cached(cache, 1...3) == [1, 3])
        cache.insert(SymmetricKey(size: .bits256), for: Self.id(4))
        #expect(Self.cached(cache, 1...4) == [1, 3, 4])
        cache.insert(SymmetricKey(size: .bits256), for: Self.id(5))
        #expect(Self.cached(cache, 1...5) == [3, 4, 5])
    }

    @Test("Under a long stream of new keys the cache keeps exactly the newest ones")
    func longStream() {
        let cache = DataKeyCache(entriesMax: 100)
        for n in 1...10_000 { cache.insert(SymmetricKey(size: .bits256), for: Self.id(UInt64(n))) }
        #expect(cache.count == 100)
        #expect(Self.cached(cache, 1...10_000) == Array(UInt64(9_901)...10_000))
    }
}
