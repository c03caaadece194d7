import Foundation
import Ledger
import Testing
import Vault

@Suite("Keys backups in their own set (ledger.md §4.5)")
struct KeysBackupsTests {
    let alice = UUID128(high: 0x81, low: 1)
    let erased = UUID128(high: 0x82, low: 2)
    let now = Date(timeIntervalSince1970: 1_795_000_000)

    @Test("A backup is a compacted copy with the erasure list and a manifest; it opens with its epoch's key")
    func backupRoundTrip() throws {
        try VaultFixture.with { fixture throws in
            let part = try fixture.withVault { vault throws in
                let part = try vault.seal([1, 2], for: alice, binding: try binding())
                _ = try vault.seal([3], for: erased, binding: try binding())
                let keys = try vault.erase(subject: erased, receiptPosition: Position(5))
                try ErasureList(dataDirectory: fixture.dataDirectory).append(position: Position(5), keyIDs: keys)
                return part
            }
            let backups = KeysBackups(directory: fixture.root + "/keys-backups")
            let manifest = try backups.create(from: fixture.options, now: now)
            #expect(manifest.masterKeyEpoch == 1 && manifest.dataKeys == 1 && manifest.erasedKeys == 1)
            #expect(manifest.erasureListEntries == 1)
            #expect(try backups.list() == [manifest])
            let copy = backups.directory + "/" + manifest.name
            #expect(try ErasureList(path: copy + "/erasures.log").entries().count == 1)
            #expect(!FileManager.default.fileExists(atPath: copy + ".partial"))

            // Rotate, then restore the backup into a fresh data directory: it needs the retired epoch-1 key.
            let rotation = try Vault.rotateMasterKey(fixture.options)
            let restored = fixture.root + "/restored"
            try FileManager.default.createDirectory(atPath: restored + "/keys", withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: copy + "/data.mdb", toPath: restored + "/keys/data.mdb")
            var current = VaultOptions(
                dataDirectory: restored, masterKeyPath: fixture.masterKeyPath, lookupKeyPath: fixture.lookupKeyPath)
            #expect(expectVaultError(.masterKeyWrong) { _ = try Vault(current) })
            current.masterKeyPath = rotation.retiredKeyPath
            let vault = try Vault(current)
            defer { vault.close() }
            #expect(vault.masterKeyEpoch == 1)
            #expect(try vault.open(part, binding: try binding()) == .plaintext([1, 2]))
        }
    }

    @Test("Backups inside the data directory or beside the key files are refused")
    func refusesInsideDataDirectory() throws {
        try VaultFixture.with { fixture throws in
            try fixture.withVault { vault throws in _ = try vault.dataKeyID(for: alice) }
            for place in [fixture.dataDirectory + "/backups", fixture.keysDirectory + "/b"] {
                #expect(
                    expectVaultError(.invalidArgument) {
                        _ = try KeysBackups(directory: place).create(from: fixture.options, now: now)
                    })
            }
        }
    }

    @Test("Pruning removes expired backups (never the newest) and destroys retired keys no kept backup needs")
    func pruning() throws {
        try VaultFixture.with { fixture throws in
            try fixture.withVault { vault throws in _ = try vault.dataKeyID(for: alice) }
            let backups = KeysBackups(directory: fixture.root + "/keys-backups")
            let old = try backups.create(from: fixture.options, now: now.addingTimeInterval(-40 * 86_400))
            let rotation = try Vault.rotateMasterKey(fixture.options)
            let kept = try backups.create(from: fixture.options, now: now)
            #expect(old.masterKeyEpoch == 1 && kept.masterKeyEpoch == 2)

            let nothing = try backups.prune(retentionDays: 60, now: now, options: fixture.options)
            #expect(nothing.removedBackups.isEmpty && nothing.destroyedMasterKeys.isEmpty)
            #expect(FileManager.default.fileExists(atPath: rotation.retiredKeyPath))

            let pruned = try backups.prune(retentionDays: 30, now: now, options: fixture.options)
            #expect(pruned.removedBackups == [backups.directory + "/" + old.name])
            #expect(pruned.destroyedMasterKeys == [rotation.retiredKeyPath])
            #expect(!FileManager.default.fileExists(atPath: rotation.retiredKeyPath))
            #expect(try backups.list() == [kept])

            let newestStays = try backups.prune(
                retentionDays: 0, now: now.addingTimeInterval(86_400), options: fixture.options)
            #expect(newestStays.removedBackups.isEmpty)
            try fixture.withVault { vault throws in _ = try vault.dataKeyID(for: alice) }
        }
    }

    @Test("A retired name still linked to the live master key (a rotation stopped before its commit) is only unlinked")
    func pruningKeepsLinkedMasterKey() throws {
        try VaultFixture.with { fixture throws in
            let part = try fixture.withVault { vault throws in try vault.seal([4], for: alice, binding: try binding()) }
            let backups = KeysBackups(directory: fixture.root + "/keys-backups")
            _ = try backups.create(from: fixture.options, now: now)
            let rotation = try Vault.rotateMasterKey(fixture.options)
            let key = try fileBytes(fixture.masterKeyPath)
            // What `retire` leaves when a second rotation's re-wrap transaction fails: epoch 2's name on the live key.
            let retired = fixture.masterKeyPath + ".epoch-2"
            try FileManager.default.linkItem(atPath: fixture.masterKeyPath, toPath: retired)
            let pruned = try backups.prune(retentionDays: 0, now: now, options: fixture.options)
            #expect(pruned.destroyedMasterKeys == [retired])
            #expect(FileManager.default.fileExists(atPath: rotation.retiredKeyPath))
            #expect(!FileManager.default.fileExists(atPath: retired))
            #expect(try fileBytes(fixture.masterKeyPath) == key)
            try fixture.withVault { vault throws in
                #expect(try vault.open(part, binding: try binding()) == .plaintext([4]))
            }
        }
    }

    @Test("Pruning a directory that does not exist or holds no backup is refused, destroying no retired key")
    func pruningRefusesEmptyDirectory() throws {
        try VaultFixture.with { fixture throws in
            try fixture.withVault { vault throws in _ = try vault.dataKeyID(for: alice) }
            let rotation = try Vault.rotateMasterKey(fixture.options)
            let (missing, empty) = (fixture.root + "/keys-backupz", fixture.root + "/keys-backups")
            try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: false)
            for place in [missing, empty] {
                #expect(
                    expectVaultError(.invalidArgument) {
                        _ = try KeysBackups(directory: place).prune(
                            retentionDays: 30, now: now, options: fixture.options)
                    })
            }
            #expect(FileManager.default.fileExists(atPath: rotation.retiredKeyPath))
        }
    }

    @Test("A backup that fails leaves no copy behind, and pruning removes an unfinished one abandoned by a crash")
    func failedAndAbandonedCopies() throws {
        try VaultFixture.with { fixture throws in
            try fixture.withVault { vault throws in _ = try vault.dataKeyID(for: alice) }
            let backups = KeysBackups(directory: fixture.root + "/keys-backups")
            let list = fixture.options.erasureListPath
            try Data("not an entry\n".utf8).write(to: URL(fileURLWithPath: list))
            #expect(expectVaultError(.corrupted) { _ = try backups.create(from: fixture.options, now: now) })
            #expect(try FileManager.default.contentsOfDirectory(atPath: backups.directory).isEmpty)

            try FileManager.default.removeItem(atPath: list)
            let kept = try backups.create(from: fixture.options, now: now)
            let abandoned = backups.directory + "/keys-20260101T000000Z.partial"
            let fresh = backups.directory + "/keys-20260102T000000Z.partial"
            for partial in [abandoned, fresh] {
                try FileManager.default.createDirectory(atPath: partial, withIntermediateDirectories: false)
                try Data([1, 2, 3]).write(to: URL(fileURLWithPath: partial + "/data.mdb"))
            }
            let old = Date().addingTimeInterval(-2 * KeysBackups.partialAbandonedAfter)
            for path in [abandoned, abandoned + "/data.mdb"] {
                try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: path)
            }
            let pruned = try backups.prune(retentionDays: 30, now: now, options: fixture.options)
            #expect(pruned.removedBackups == [abandoned])
            #expect(!FileManager.default.fileExists(atPath: abandoned))
            #expect(FileManager.default.fileExists(atPath: fresh))
            #expect(try backups.list() == [kept])
        }
    }
}
