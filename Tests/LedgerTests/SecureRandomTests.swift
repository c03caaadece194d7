import Ledger
import Testing

@Suite("SecureRandom: the system CSPRNG in one call per request")
struct SecureRandomTests {
    @Test("Any length fills, past getentropy's 256 bytes a call too; two draws differ")
    func lengths() {
        for count in [0, 1, 12, 32, 255, 256, 257, 1_000] {
            let first = SecureRandom.bytes(count)
            #expect(first.count == count)
            if count >= 12 { #expect(first != SecureRandom.bytes(count)) }
        }
        // 1,000 bytes all zero would mean a chunk was never filled.
        #expect(SecureRandom.bytes(1_000)[744...].contains { $0 != 0 })
    }

    @Test("UUID128.random is a version-4, variant-1 id, and 10,000 of them are distinct")
    func randomIDs() {
        let ids = (0..<10_000).map { _ in UUID128.random() }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            #expect(id.high & 0xF000 == 0x4000)
            #expect(id.low >> 62 == 0b10)
        }
    }
}
