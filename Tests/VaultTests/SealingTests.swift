import Foundation
import Synchronization
import Ledger
import Testing
import Vault

@Suite("Sealing and opening personal fields")
struct SealingTests {
    let subject = UUID128(high: 0x1111, low: 0x2222)

    @Test("Sealed fields open to the same plaintext under the same binding")
    func roundTrip() throws {
        try VaultFixture.with { fixture throws in
            try fixture.withVault { vault throws in
                let plaintext = Array("{\"givenName\":\"Jan\"}".utf8)
                let sealed = try vault.seal(plaintext, for: subject, binding: try binding())
                #expect(sealed.algorithm == .chaChaPoly)
                #expect(sealed.nonce.count == 12)
                #expect(sealed.ciphertextAndTag.count == plaintext.count + 16)
                #expect(sealed.keyID == (try vault.dataKeyID(for: subject)))
                #expect(try vault.open(sealed, binding: try binding()) == .plaintext(plaintext))
            }
        }
    }

    @Test("A withheld key (its erasure being recorded) opens nothing until every hold on it is released")
    func withheldKeys() throws {
        try VaultFixture.with { fixture throws in
            try fixture.withVault { vault throws in
                let plaintext = Array("{\"givenName\":\"Jan\"}".utf8)
                let binding = try binding()
                let sealed = try vault.seal(plaintext, for: subject, binding: binding)
                // Two erasures of the subject at once: the one refused releases its hold only.
                vault.withhold([sealed.keyID])
                vault.withhold([sealed.keyID])
                vault.release([sealed.keyID])
                #expect(throws: VaultError.self) { _ = try vault.open(sealed, binding: binding) }
                do throws(VaultError) {
                    _ = try vault.open(sealed, binding: binding)
                } catch {
                    #expect(error.code == .subjectErased)
                }
                vault.release([sealed.keyID])
                #expect(try vault.open(sealed, binding: binding) == .plaintext(plaintext))
                // A hold left by an erasure whose destruction failed ends when another one destroys the keys.
                vault.withhold([sealed.keyID])
                try vault.erase(subject: subject, receiptPosition: Position(9))
                let erased = try vault.open(sealed, binding: binding)
                #expect(erased == .redacted(keyID: sealed.keyID, erasedAt: Position(9)))
            }
        }
    }

    @Test("New data keys get version-7 ids from the vault's clock, so later keys sort later")
    func timeOrderedKeyIDs() throws {
        try VaultFixture.with { fixture throws in
            let tick = Mutex<Int64>(1_764_000_000_000_000)
            var options = fixture.options
            options.clock = LedgerClock {
                tick.withLock { now in
                    defer { now += 1_000 }  // one millisecond per key
                    return Timestamp(microseconds: now)
                }
            }
            try fixture.withVault(options) { vault throws in
                let subjects = (1...50).map { UUID128(high: 0x5151, low: UInt64($0)) }
                var ids: [UUID128] = []
                for subject in subjects {
                    _ = try vault.seal([1], for: subject, binding: try binding())
                    ids.append(try vault.dataKeyID(for: subject))
                }
                #expect(ids == ids.sorted())
                #expect(Set(ids).count == ids.count)
                #expect(ids.allSatisfy { ($0.high >> 12) & 0xF == 7 && $0.low >> 62 == 0b10 })
                #expect(ids[0].timePrefix == 1_764_000_000_000 && ids[49].timePrefix == 1_764_000_000_049)
            }
        }
    }

    @Test("Two seals of the same fields use fresh nonces")
    func freshNonces() throws {
        try VaultFixture.with { fixture throws in
            try fixture.withVault { vault throws in
                let first = try vault.seal([1, 2, 3], for: subject, binding: try binding())
                let second = try vault.seal([1, 2, 3], for: subject, binding: try binding())
                #expect(first.nonce != second.nonce)
                #expect(first.ciphertextAndTag != second.ciphertextAndTag)
            }
        }
    }

    @Test("A sealed part opened under another event id, type or schema version is corrupted")
    func bindingMismatch() throws {
        try VaultFixture.with { fixture throws in
            try fixture.withVault { vault throws in
                let sealed = try vault.seal([9, 9, 9], for: subject, binding: try binding())
                let others = [
                    try binding(eventID: EventID(UUID128(high: 1, low: 3))),
                    try binding(type: "PersonUpdated"),
                    try binding(schemaVersion: 2),
                ]
                for other in others {
                    #expect(expectVaultError(.corrupted) { _ = try vault.open(sealed, binding: other) })
                }
                var flipped = sealed
                flipped.ciphertextAndTag[0] ^= 1
                #expect(expectVaultError(.corrupted) { _ = try vault.open(flipped, binding: try binding()) })
            }
        }
    }

    @Test("A sealed part under a key this env never held is corrupted, not redacted")
    func unknownKey() throws {
        try VaultFixture.with { fixture throws in
            try fixture.withVault { vault throws in
                var sealed = try vault.seal([1], for: subject, binding: try binding())
                sealed.keyID = UUID128(high: 42, low: 42)
                #expect(expectVaultError(.corrupted) { _ = try vault.open(sealed, binding: try binding()) })
            }
        }
    }

    @Test("Malformed sealed parts and oversized plaintext are refused with typed errors")
    func badInput() throws {
        try VaultFixture.with { fixture throws in
            try fixture.withVault { vault throws in
                var sealed = try vault.seal([1], for: subject, binding: try binding())
                sealed.nonce = [1, 2, 3]
                #expect(expectVaultError(.corrupted) { _ = try vault.open(sealed, binding: try binding()) })
                sealed.nonce = [UInt8](repeating: 0, count: 12)
                sealed.ciphertextAndTag = [1, 2]
                #expect(expectVaultError(.corrupted) { _ = try vault.open(sealed, binding: try binding()) })
                let huge = [UInt8](repeating: 0, count: Vault.sealedPlaintextBytesMax + 1)
                #expect(
                    expectVaultError(.invalidArgument) {
                        _ = try vault.seal(huge, for: subject, binding: try binding())
                    })
            }
        }
    }

    @Test("One data key per subject and scope, created once and kept across reopening")
    func keyPerSubjectAndScope() throws {
        try VaultFixture.with { fixture throws in
            let other = UUID128(high: 7, low: 7)
            let (first, scoped, otherKey): (UUID128, UUID128, UUID128) = try fixture.withVault { vault throws in
                #expect(vault.isEmpty)
                let first = try vault.dataKeyID(for: subject)
                #expect(!vault.isEmpty)
                #expect(try vault.dataKeyID(for: subject) == first)
                #expect(try vault.dataKeyID(for: subject, scope: 0) == first)
                let scoped = try vault.dataKeyID(for: subject, scope: 3)
                let otherKey = try vault.dataKeyID(for: other)
                #expect(Set([first, scoped, otherKey]).count == 3)
                #expect(Set(try vault.keyIDs(of: subject)) == [first, scoped])
                return (first, scoped, otherKey)
            }
            let sealed: SealedPart = try fixture.withVault { vault throws in
                #expect(try vault.dataKeyID(for: subject) == first)
                #expect(try vault.dataKeyID(for: subject, scope: 3) == scoped)
                #expect(try vault.dataKeyID(for: other) == otherKey)
                return try vault.seal([5, 6], for: subject, binding: try binding())
            }
            try fixture.withVault { vault throws in
                #expect(try vault.open(sealed, binding: try binding()) == .plaintext([5, 6]))
            }
        }
    }

    @Test("A read-only vault opens sealed parts but creates no key")
    func readOnly() throws {
        try VaultFixture.with { fixture throws in
            let sealed: SealedPart = try fixture.withVault { vault throws in
                try vault.seal([1, 2], for: subject, binding: try binding())
            }
            var options = fixture.options
            options.readOnly = true
            try fixture.withVault(options) { vault throws in
                #expect(try vault.open(sealed, binding: try binding()) == .plaintext([1, 2]))
                #expect(try vault.dataKeyID(for: subject) == sealed.keyID)
                #expect(expectVaultError(.invalidArgument) { _ = try vault.dataKeyID(for: UUID128(high: 9, low: 9)) })
            }
        }
    }
}
