import Foundation
import Ledger
import Testing
import Vault

@Suite("Erasure by key destruction")
struct ErasureTests {
    let subject = UUID128(high: 0x51, low: 0x1)
    let other = UUID128(high: 0x52, low: 0x2)
    let receipt = Position(41)

    @Test("After erasure the subject's fields read as redacted with the receipt position; others are unaffected")
    func eraseRedacts() throws {
        try VaultFixture.with { fixture throws in
            try fixture.withVault { vault throws in
                let mine = try vault.seal([1, 2, 3], for: subject, binding: try binding())
                let scoped = try vault.seal([4], for: subject, scope: 2, binding: try binding())
                let theirs = try vault.seal([5, 6], for: other, binding: try binding())
                try vault.recordNationalID("44051401359", for: subject)
                try vault.recordNationalID("02070803628", for: other)
                #expect(try vault.open(mine, binding: try binding()) == .plaintext([1, 2, 3]))

                let erased = try vault.erase(subject: subject, receiptPosition: receipt)
                #expect(Set(erased) == [mine.keyID, scoped.keyID])
                #expect(try vault.open(mine, binding: try binding()) == .redacted(keyID: mine.keyID, erasedAt: receipt))
                #expect(
                    try vault.open(scoped, binding: try binding()) == .redacted(keyID: scoped.keyID, erasedAt: receipt))
                #expect(try vault.erasedAt(keyID: mine.keyID) == receipt)
                #expect(try vault.erasedAt(keyID: theirs.keyID) == nil)
                #expect(try vault.keyIDs(of: subject).isEmpty)
                #expect(try vault.subject(forNationalID: "44051401359") == nil)
                #expect(try vault.open(theirs, binding: try binding()) == .plaintext([5, 6]))
                #expect(try vault.subject(forNationalID: "02070803628") == other)
            }
            try fixture.withVault { vault throws in
                #expect(try vault.keyIDs(of: subject).isEmpty)
                #expect(try vault.subject(forNationalID: "44051401359") == nil)
            }
        }
    }

    @Test("Erasing again changes nothing and returns the same key ids; the subject gets no new key")
    func eraseIsIdempotent() throws {
        try VaultFixture.with { fixture throws in
            try fixture.withVault { vault throws in
                let keyID = try vault.dataKeyID(for: subject)
                #expect(try vault.erase(subject: subject, receiptPosition: receipt) == [keyID])
                #expect(try vault.erase(subject: subject, receiptPosition: Position(99)) == [keyID])
                #expect(try vault.erasedAt(keyID: keyID) == receipt)
                #expect(expectVaultError(.subjectErased) { _ = try vault.dataKeyID(for: subject) })
                #expect(expectVaultError(.subjectErased) { _ = try vault.dataKeyID(for: subject, scope: 5) })
                #expect(
                    expectVaultError(.subjectErased) { _ = try vault.seal([1], for: subject, binding: try binding()) })
                #expect(expectVaultError(.subjectErased) { try vault.recordNationalID("44051401359", for: subject) })
            }
            try fixture.withVault { vault throws in
                #expect(expectVaultError(.subjectErased) { _ = try vault.dataKeyID(for: subject) })
                #expect(try vault.erase(subject: subject, receiptPosition: receipt).count == 1)
            }
        }
    }

    @Test("A subject erased before it had a key is barred too")
    func eraseWithoutKeys() throws {
        try VaultFixture.with { fixture throws in
            try fixture.withVault { vault throws in
                #expect(try vault.erase(subject: subject, receiptPosition: receipt).isEmpty)
                #expect(expectVaultError(.subjectErased) { _ = try vault.dataKeyID(for: subject) })
            }
        }
    }

    @Test("Replaying the erasure list erases by key id, also keys this env never held")
    func replayErasureList() throws {
        try VaultFixture.with { fixture throws in
            let list = ErasureList(dataDirectory: fixture.dataDirectory)
            let stranger = UUID128(high: 0xDEAD, low: 0xBEEF)
            try fixture.withVault { vault throws in
                let sealed = try vault.seal([1], for: subject, binding: try binding())
                let untouched = try vault.seal([2], for: other, binding: try binding())
                try list.append(position: receipt, keyIDs: [sealed.keyID, stranger])
                #expect(try vault.apply(list) == 1)
                #expect(try vault.apply(list) == 0)
                #expect(
                    try vault.open(sealed, binding: try binding()) == .redacted(keyID: sealed.keyID, erasedAt: receipt))
                #expect(try vault.erasedAt(keyID: stranger) == receipt)
                #expect(expectVaultError(.subjectErased) { _ = try vault.dataKeyID(for: subject) })
                #expect(try vault.open(untouched, binding: try binding()) == .plaintext([2]))
            }
        }
    }

    @Test("A compacting copy holds no byte of an erased wrapped key, and compacting in place clears the live file")
    func compactCopyDropsErasedKeys() throws {
        try VaultFixture.with { fixture throws in
            let (keyID, keptID): (UUID128, UUID128) = try fixture.withVault { vault throws in
                for index in 0..<50 { _ = try vault.dataKeyID(for: UUID128(high: 0x900, low: UInt64(index))) }
                return (try vault.dataKeyID(for: subject), try vault.dataKeyID(for: other))
            }
            let record = try #require(try fixture.rawValue(database: "dataKeys", key: keyID.bytes))
            let kept = try #require(try fixture.rawValue(database: "dataKeys", key: keptID.bytes))
            let wrapped = Array(record[16..<64])
            #expect(try fileBytes(fixture.dataDirectory + "/keys/data.mdb").contains(run: wrapped))

            let backup = fixture.root + "/backup"
            try fixture.withVault { vault throws in
                try vault.erase(subject: subject, receiptPosition: receipt)
                try vault.compactCopy(to: backup)
            }
            let copied = try fileBytes(backup + "/data.mdb")
            #expect(!copied.contains(run: wrapped))
            #expect(copied.contains(run: Array(kept[16..<64])))

            try Vault.compactInPlace(fixture.options)
            #expect(!(try fileBytes(fixture.dataDirectory + "/keys/data.mdb").contains(run: wrapped)))
            try fixture.withVault { vault throws in
                #expect(try vault.dataKeyID(for: other) == keptID)
                #expect(try vault.erasedAt(keyID: keyID) == receipt)
                let sealed = try vault.seal([3], for: other, binding: try binding())
                #expect(try vault.open(sealed, binding: try binding()) == .plaintext([3]))
            }
        }
    }
}
