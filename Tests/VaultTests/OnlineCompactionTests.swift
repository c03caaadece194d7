import Foundation
import LMDB
import Ledger
import LedgerTesting
import Testing
import Vault

@Suite("Online compaction of the keys env (ledger.md §4.5)")
struct OnlineCompactionTests {
    static let subjects = 120
    static let erasedEvery = 4

    static func subject(_ index: Int) -> UUID128 { UUID128(high: 0xC0, low: UInt64(index)) }

    static func plaintext(_ index: Int) -> [UInt8] { Array("field \(index)".utf8) }

    @Test("Compacting while many tasks seal, open and erase: every call succeeds, results are the same as without")
    func compactionUnderLoad() async throws {
        let directory = try TemporaryDirectory(prefix: "cusvault-online")
        defer { directory.remove() }
        let fixture = VaultFixture(directory: directory)
        let vault = try Vault(fixture.options)
        defer { vault.close() }
        let sealed = try (0..<Self.subjects).map { index in
            try vault.seal(Self.plaintext(index), for: Self.subject(index), binding: try binding())
        }
        let erasedIndices = Array(stride(from: 0, to: Self.subjects, by: Self.erasedEvery))
        var wrapped: [[UInt8]] = []
        for index in erasedIndices {
            wrapped.append(Array(try #require(try vault.wrappedRecord(of: sealed[index].keyID))[16..<64]))
        }
        let file = fixture.dataDirectory + "/keys/data.mdb"
        #expect(wrapped.allSatisfy { (try? fileBytes(file).contains(run: $0)) == true })
        let kept = Array(try #require(try vault.wrappedRecord(of: sealed[1].keyID))[16..<64])

        // Half the erasures before the load, half during it, while compactions run.
        let (before, during) = (
            erasedIndices.prefix(erasedIndices.count / 2), erasedIndices.dropFirst(erasedIndices.count / 2)
        )
        for index in before { try vault.erase(subject: Self.subject(index), receiptPosition: Position(UInt64(index))) }
        let reports = try await withThrowingTaskGroup(of: [KeysCompactionReport].self) { group in
            group.addTask {
                var reports: [KeysCompactionReport] = []
                for _ in 0..<5 { reports.append(try vault.compactOnline()) }
                return reports
            }
            for index in during {
                group.addTask {
                    try vault.erase(subject: Self.subject(index), receiptPosition: Position(UInt64(index)))
                    return []
                }
            }
            for worker in 0..<8 {
                group.addTask {
                    for round in 0..<40 {
                        let fresh = UUID128(high: 0xD0 + UInt64(worker), low: UInt64(round))
                        let part = try vault.seal([UInt8(round)], for: fresh, binding: try binding())
                        #expect(try vault.open(part, binding: try binding()) == .plaintext([UInt8(round)]))
                        let index = (worker * 40 + round) % Self.subjects
                        if index % Self.erasedEvery != 0 {
                            #expect(
                                try vault.open(sealed[index], binding: try binding())
                                    == .plaintext(Self.plaintext(index)))
                        }
                    }
                    return []
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(reports.count == 5)
        let last = try vault.compactOnline()
        #expect(last.dataKeys == Self.subjects - erasedIndices.count + 8 * 40)

        for (index, part) in sealed.enumerated() {
            let opened = try vault.open(part, binding: try binding())
            if index % Self.erasedEvery == 0 {
                #expect(opened == .redacted(keyID: part.keyID, erasedAt: Position(UInt64(index))))
            } else {
                #expect(opened == .plaintext(Self.plaintext(index)))
            }
        }
        let bytes = try fileBytes(file)
        #expect(bytes.contains(run: kept))
        #expect(wrapped.filter { bytes.contains(run: $0) }.count == 0, "erased keys with residue in data.mdb")
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(!FileManager.default.fileExists(atPath: fixture.dataDirectory + "/keys.compacting"))
    }

    @Test("A staging copy left by an interrupted compaction is replaced; the keys env opens after the swap")
    func staleStagingReplaced() throws {
        try VaultFixture.with { fixture throws in
            let staging = fixture.dataDirectory + "/keys.compacting"
            let part: SealedPart = try fixture.withVault { vault throws in
                let part = try vault.seal([9], for: Self.subject(1), binding: try binding())
                try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
                try Data("not an LMDB file".utf8).write(to: URL(fileURLWithPath: staging + "/data.mdb"))
                let report = try vault.compactOnline()
                #expect(report.dataKeys == 1)
                #expect(try vault.open(part, binding: try binding()) == .plaintext([9]))
                return part
            }
            #expect(!FileManager.default.fileExists(atPath: staging))
            try fixture.withVault { vault throws in
                #expect(try vault.open(part, binding: try binding()) == .plaintext([9]))
            }
        }
    }

    @Test("While another process has the keys env open, compaction swaps nothing and the vault keeps working")
    func otherProcessRefused() throws {
        try VaultFixture.with { fixture throws in
            let file = fixture.dataDirectory + "/keys/data.mdb"
            try fixture.withVault { vault throws in
                let part = try vault.seal([5], for: Self.subject(2), binding: try binding())
                let before = try fileBytes(file)
                try withAnotherProcessHolding(fixture.dataDirectory + "/keys/lock.mdb") {
                    do throws(VaultError) {
                        try vault.compactOnline()
                        Issue.record("compaction swapped the file under another process")
                    } catch { expectInUseElsewhere(error) }
                    #expect(try fileBytes(file) == before)
                    #expect(try vault.open(part, binding: try binding()) == .plaintext([5]))
                    let fresh = try vault.seal([6], for: Self.subject(3), binding: try binding())
                    #expect(try vault.open(fresh, binding: try binding()) == .plaintext([6]))
                }
            }
            #expect(!FileManager.default.fileExists(atPath: fixture.dataDirectory + "/keys.compacting"))
        }
    }

    @Test("While another process has the keys env open, offline compaction and master-key rotation change nothing")
    func offlineRefusedWhileOpenElsewhere() throws {
        try VaultFixture.with { fixture throws in
            let part = try fixture.withVault { vault throws in
                try vault.seal([7], for: Self.subject(4), binding: try binding())
            }
            let file = fixture.dataDirectory + "/keys/data.mdb"
            let (before, key) = (try fileBytes(file), try fileBytes(fixture.masterKeyPath))
            try withAnotherProcessHolding(fixture.dataDirectory + "/keys/lock.mdb") {
                do throws(VaultError) {
                    try Vault.compactInPlace(fixture.options)
                    Issue.record("offline compaction swapped the file under another process")
                } catch { expectInUseElsewhere(error) }
                do throws(VaultError) {
                    _ = try Vault.rotateMasterKey(fixture.options)
                    Issue.record("the master key was rotated under another process")
                } catch { expectInUseElsewhere(error) }
            }
            #expect(try fileBytes(file) == before)
            #expect(try fileBytes(fixture.masterKeyPath) == key)
            let besideKey = try FileManager.default.contentsOfDirectory(atPath: fixture.keysDirectory)
            #expect(!besideKey.contains { $0.hasSuffix(".next") || $0.contains(".epoch-") }, "\(besideKey)")
            #expect(!FileManager.default.fileExists(atPath: fixture.dataDirectory + "/keys.compacting"))
            try fixture.withVault { vault throws in
                #expect(vault.masterKeyEpoch == 1)
                #expect(try vault.open(part, binding: try binding()) == .plaintext([7]))
            }
            // Once the other process is gone, both go ahead.
            try Vault.compactInPlace(fixture.options)
            #expect(try Vault.rotateMasterKey(fixture.options).toEpoch == 2)
        }
    }

    @Test("A read-only vault refuses to compact")
    func readOnlyRefused() throws {
        try VaultFixture.with { fixture throws in
            try fixture.withVault { _ in }
            var options = fixture.options
            options.readOnly = true
            try fixture.withVault(options) { vault throws in
                #expect(expectVaultError(.invalidArgument) { try vault.compactOnline() })
            }
        }
    }
}

/// Runs `body` while a child process holds the shared lock liblmdb keeps on byte 0 of `lockFile` while a process
/// has the env open.
func withAnotherProcessHolding(_ lockFile: String, _ body: () throws -> Void) throws {
    let holder = ChildProcess()
    holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    holder.arguments = [
        "python3", "-c",
        "import fcntl, sys; f = open(sys.argv[1], 'r+b'); fcntl.lockf(f, fcntl.LOCK_SH, 1, 0); "
            + "print('held', flush=True); sys.stdin.read()",
        lockFile,
    ]
    let (output, input) = (Pipe(), Pipe())
    (holder.standardOutput, holder.standardInput) = (output, input)
    try holder.run()
    defer {
        try? input.fileHandleForWriting.close()
        holder.waitUntilExit()
    }
    let said = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
    try #require(said.hasPrefix("held"), "the lock holder did not start: \(said)")
    try body()
}

/// A refusal because another process has the keys env open.
func expectInUseElsewhere(_ error: VaultError, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(error.code == .storage, sourceLocation: sourceLocation)
    #expect(
        error.underlying.map { LMDBError.inUseElsewhere ~= $0 } == true, "\(error)", sourceLocation: sourceLocation)
}
