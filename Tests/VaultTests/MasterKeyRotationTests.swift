import Foundation
import Ledger
import Testing
import Vault

@Suite("Master-key rotation (ledger.md §4.5)")
struct MasterKeyRotationTests {
    let alice = UUID128(high: 0x71, low: 1)
    let bob = UUID128(high: 0x72, low: 2)
    let erased = UUID128(high: 0x73, low: 3)

    /// Seals a field for alice, bob and a third subject, then erases the third.
    func seeded(_ fixture: VaultFixture) throws -> (alice: SealedPart, bob: SealedPart) {
        try fixture.withVault { vault throws in
            let parts = (
                try vault.seal([1, 2, 3], for: alice, binding: try binding()),
                try vault.seal([4, 5], for: bob, binding: try binding())
            )
            _ = try vault.seal([6], for: erased, binding: try binding())
            _ = try vault.erase(subject: erased, receiptPosition: Position(9))
            return parts
        }
    }

    @Test("Every live data key is re-wrapped under a new master key; sealed fields still open; the old key retires")
    func rotationRewraps() throws {
        try VaultFixture.with { fixture throws in
            let parts = try seeded(fixture)
            let oldMaster = try fileBytes(fixture.masterKeyPath)
            let oldWrapped = try #require(try fixture.rawValue(database: "dataKeys", key: parts.alice.keyID.bytes))

            let rotation = try Vault.rotateMasterKey(fixture.options)
            #expect(rotation.fromEpoch == 1 && rotation.toEpoch == 2 && rotation.rewrappedKeys == 2)
            #expect(rotation.retiredKeyPath == fixture.masterKeyPath + ".epoch-1")
            #expect(try fileBytes(rotation.retiredKeyPath) == oldMaster)
            #expect(try fileBytes(fixture.masterKeyPath) != oldMaster)
            #expect(!FileManager.default.fileExists(atPath: fixture.masterKeyPath + ".next"))

            let newWrapped = try #require(try fixture.rawValue(database: "dataKeys", key: parts.alice.keyID.bytes))
            #expect(Array(newWrapped[0..<4]) == [0, 0, 0, 2])
            // The compacting copy leaves no page holding the key wrapped under the old master key.
            let envFile = try fileBytes(fixture.dataDirectory + "/keys/data.mdb")
            #expect(!envFile.contains(run: Array(oldWrapped[4..<64])))

            try fixture.withVault { vault throws in
                #expect(vault.masterKeyEpoch == 2)
                #expect(try vault.open(parts.alice, binding: try binding()) == .plaintext([1, 2, 3]))
                #expect(try vault.open(parts.bob, binding: try binding()) == .plaintext([4, 5]))
                let fresh = try vault.seal([7], for: UUID128(high: 0x74, low: 4), binding: try binding())
                #expect(try vault.open(fresh, binding: try binding()) == .plaintext([7]))
                #expect(expectVaultError(.subjectErased) { _ = try vault.dataKeyID(for: erased) })
            }
            var withOldKey = fixture.options
            withOldKey.masterKeyPath = rotation.retiredKeyPath
            #expect(expectVaultError(.masterKeyWrong) { _ = try Vault(withOldKey) })

            let second = try Vault.rotateMasterKey(fixture.options)
            #expect(second.fromEpoch == 2 && second.toEpoch == 3 && second.rewrappedKeys == 3)
            #expect(FileManager.default.fileExists(atPath: fixture.masterKeyPath + ".epoch-1"))
            #expect(FileManager.default.fileExists(atPath: fixture.masterKeyPath + ".epoch-2"))
            try fixture.withVault { vault throws in
                #expect(try vault.open(parts.alice, binding: try binding()) == .plaintext([1, 2, 3]))
            }
        }
    }

    @Test("A rotation stopped after its commit is finished at the next open; read-only opens use the new key")
    func crashAfterCommit() throws {
        try VaultFixture.with { fixture throws in
            let parts = try seeded(fixture)
            let oldMaster = try fileBytes(fixture.masterKeyPath)
            _ = try Vault.rotateMasterKey(fixture.options, stoppingAfter: .afterCommit)
            #expect(try fileBytes(fixture.masterKeyPath) == oldMaster)
            let pending = try fileBytes(fixture.masterKeyPath + ".next")

            var readOnly = fixture.options
            readOnly.readOnly = true
            try fixture.withVault(readOnly) { vault throws in
                #expect(vault.masterKeyEpoch == 2)
                #expect(try vault.open(parts.alice, binding: try binding()) == .plaintext([1, 2, 3]))
            }
            #expect(FileManager.default.fileExists(atPath: fixture.masterKeyPath + ".next"))

            try fixture.withVault { vault throws in
                #expect(try vault.open(parts.bob, binding: try binding()) == .plaintext([4, 5]))
            }
            #expect(try fileBytes(fixture.masterKeyPath) == pending)
            #expect(!FileManager.default.fileExists(atPath: fixture.masterKeyPath + ".next"))
        }
    }

    @Test("A rotation stopped before its commit changes nothing; the next rotation replaces its stale key file")
    func crashBeforeCommit() throws {
        try VaultFixture.with { fixture throws in
            let parts = try seeded(fixture)
            let oldMaster = try fileBytes(fixture.masterKeyPath)
            _ = try Vault.rotateMasterKey(fixture.options, stoppingAfter: .afterPendingKeyFile)
            let stale = try fileBytes(fixture.masterKeyPath + ".next")
            try fixture.withVault { vault throws in
                #expect(vault.masterKeyEpoch == 1)
                #expect(try vault.open(parts.alice, binding: try binding()) == .plaintext([1, 2, 3]))
            }
            #expect(try fileBytes(fixture.masterKeyPath) == oldMaster)

            let rotation = try Vault.rotateMasterKey(fixture.options)
            #expect(rotation.toEpoch == 2)
            #expect(try fileBytes(fixture.masterKeyPath) != stale)
            try fixture.withVault { vault throws in
                #expect(try vault.open(parts.alice, binding: try binding()) == .plaintext([1, 2, 3]))
            }
        }
    }

    @Test("A read-only keys env is never rotated")
    func readOnlyRefused() throws {
        try VaultFixture.with { fixture throws in
            _ = try seeded(fixture)
            var readOnly = fixture.options
            readOnly.readOnly = true
            #expect(expectVaultError(.invalidArgument) { _ = try Vault.rotateMasterKey(readOnly) })
        }
    }
}
