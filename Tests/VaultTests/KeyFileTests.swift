import Foundation
import Ledger
import Testing
import Vault

@Suite("Master and lookup key files")
struct KeyFileTests {
    let subject = UUID128(high: 0xAA, low: 0xBB)

    static func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? Int)
    }

    /// Replaces a 0400 key file (if any) with other bytes.
    static func replace(_ path: String, with bytes: [UInt8]) throws {
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    @Test("A new keys env creates 32-byte key files with mode 0400 in a 0700 DIR.keys")
    func keyFilesAreCreatedPrivate() throws {
        try VaultFixture.with { fixture throws in
            try fixture.withVault { _ throws in }
            #expect(try Self.mode(fixture.masterKeyPath) == 0o400)
            #expect(try Self.mode(fixture.lookupKeyPath) == 0o400)
            #expect(try Self.mode(fixture.keysDirectory) == 0o700)
            #expect(try fileBytes(fixture.masterKeyPath).count == 32)
            #expect(try fileBytes(fixture.lookupKeyPath).count == 32)
            #expect(try fileBytes(fixture.masterKeyPath) != (try fileBytes(fixture.lookupKeyPath)))
            #expect(!FileManager.default.fileExists(atPath: fixture.dataDirectory + "/master.key"))
        }
    }

    @Test("A wrong master key file is refused at open")
    func wrongMasterKey() throws {
        try VaultFixture.with { fixture throws in
            try fixture.withVault { vault throws in _ = try vault.dataKeyID(for: subject) }
            try Self.replace(fixture.masterKeyPath, with: [UInt8](repeating: 7, count: 32))
            #expect(expectVaultError(.masterKeyWrong) { _ = try Vault(fixture.options) })
            try Self.replace(fixture.masterKeyPath, with: [1, 2, 3])
            #expect(expectVaultError(.masterKeyWrong) { _ = try Vault(fixture.options) })
        }
    }

    @Test("A missing master key file for a keys env in use is an error, never a new key")
    func missingMasterKey() throws {
        try VaultFixture.with { fixture throws in
            try fixture.withVault { vault throws in _ = try vault.dataKeyID(for: subject) }
            try FileManager.default.removeItem(atPath: fixture.masterKeyPath)
            #expect(expectVaultError(.masterKeyMissing) { _ = try Vault(fixture.options) })
            #expect(!FileManager.default.fileExists(atPath: fixture.masterKeyPath))
        }
    }

    @Test("A missing or wrong lookup key file is refused at open")
    func lookupKeyChecks() throws {
        try VaultFixture.with { fixture throws in
            try fixture.withVault { vault throws in try vault.recordNationalID("00000000000", for: subject) }
            let original = try fileBytes(fixture.lookupKeyPath)
            try Self.replace(fixture.lookupKeyPath, with: [UInt8](repeating: 9, count: 32))
            #expect(expectVaultError(.lookupKeyWrong) { _ = try Vault(fixture.options) })
            try FileManager.default.removeItem(atPath: fixture.lookupKeyPath)
            #expect(expectVaultError(.lookupKeyMissing) { _ = try Vault(fixture.options) })
            try Self.replace(fixture.lookupKeyPath, with: original)
            try fixture.withVault { vault throws in #expect(try vault.subject(forNationalID: "00000000000") == subject)
            }
        }
    }

    @Test("Key file paths can be given explicitly")
    func explicitPaths() throws {
        try VaultFixture.with { fixture throws in
            let options = VaultOptions(
                dataDirectory: fixture.dataDirectory, masterKeyPath: fixture.root + "/elsewhere/m.key",
                lookupKeyPath: fixture.root + "/elsewhere/l.key")
            let sealed: SealedPart = try fixture.withVault(options) { vault throws in
                try vault.seal([1], for: subject, binding: try binding())
            }
            #expect(try Self.mode(fixture.root + "/elsewhere/m.key") == 0o400)
            #expect(!FileManager.default.fileExists(atPath: fixture.masterKeyPath))
            try fixture.withVault(options) { vault throws in
                #expect(try vault.open(sealed, binding: try binding()) == .plaintext([1]))
            }
            #expect(expectVaultError(.masterKeyMissing) { _ = try Vault(fixture.options) })
        }
    }

    @Test("The keys env opens once per process")
    func openOnce() throws {
        try VaultFixture.with { fixture throws in
            try fixture.withVault { _ in
                #expect(expectVaultError(.storage) { _ = try Vault(fixture.options) })
            }
        }
    }
}
