import Ledger
import LedgerTesting
import Testing
import Vault

/// The keys env's group commit (`KeysGroupCommit`): concurrent commands share one flush, and each still gets its
/// own answer — a rule refusal fails one write, not the batch.
@Suite("Keys env group commit")
struct KeysGroupCommitTests {
    static let plaintext = Array("Anna Kowalska".utf8)

    static func subject(_ index: Int) -> UUID128 { UUID128(high: 7, low: UInt64(index)) }

    /// A fresh vault in a temporary directory for the body, closed and removed afterwards.
    static func withVault(_ body: (Vault) async throws -> Void) async throws {
        let directory = try TemporaryDirectory(prefix: "cusvault")
        defer { directory.remove() }
        let vault = try Vault(VaultOptions(dataDirectory: directory.path + "/data"))
        defer { vault.close() }
        try await body(vault)
    }

    @Test("200 concurrent first keys commit in fewer transactions than writes, and every sealed part opens")
    func concurrentFirstKeysShareCommits() async throws {
        try await Self.withVault { vault in
            let sealBinding = try binding()
            let sealed = try await withThrowingTaskGroup(of: (Int, SealedPart).self) { group in
                for index in 0..<200 {
                    group.addTask {
                        (
                            index,
                            try await vault.sealGroupCommittingNewKey(
                                Self.plaintext, for: Self.subject(index), binding: sealBinding)
                        )
                    }
                }
                return try await group.reduce(into: [Int: SealedPart]()) { $0[$1.0] = $1.1 }
            }
            #expect(Set(sealed.values.map { (part: SealedPart) in part.keyID }).count == 200)
            for (index, part) in sealed {
                #expect(try vault.dataKeyID(for: Self.subject(index)) == part.keyID)
                #expect(try vault.open(part, binding: sealBinding) == .plaintext(Self.plaintext))
            }
            let statistics = vault.groupCommitStatistics
            #expect(statistics.writes == 200)
            #expect(statistics.commits < statistics.writes)
        }
    }

    @Test("Concurrent seals for one new subject all use the one key that committed")
    func oneKeyPerSubject() async throws {
        try await Self.withVault { vault in
            let sealBinding = try binding()
            let keyIDs = try await withThrowingTaskGroup(of: UUID128.self) { group in
                for _ in 0..<40 {
                    group.addTask {
                        try await vault.sealGroupCommittingNewKey(
                            Self.plaintext, for: Self.subject(1), binding: sealBinding
                        ).keyID
                    }
                }
                return try await group.reduce(into: Set<UUID128>()) { $0.insert($1) }
            }
            #expect(keyIDs == [try vault.dataKeyID(for: Self.subject(1))])
        }
    }

    @Test("An erased subject's write fails alone; the others of the same moment commit")
    func refusalFailsAlone() async throws {
        try await Self.withVault { vault in
            let sealBinding = try binding()
            let erased = Set(stride(from: 0, to: 60, by: 10))
            for index in erased {
                _ = try vault.dataKeyID(for: Self.subject(index))
                _ = try vault.erase(subject: Self.subject(index), receiptPosition: Position(UInt64(index + 1)))
            }
            let outcomes = await withTaskGroup(of: (Int, VaultError.Code?).self) { group in
                for index in 0..<60 {
                    group.addTask {
                        do throws(VaultError) {
                            _ = try await vault.sealGroupCommittingNewKey(
                                Self.plaintext, for: Self.subject(index), binding: sealBinding)
                            return (index, nil)
                        } catch {
                            return (index, error.code)
                        }
                    }
                }
                return await group.reduce(into: [Int: VaultError.Code?]()) { $0[$1.0] = $1.1 }
            }
            for index in 0..<60 {
                let expected: VaultError.Code? = erased.contains(index) ? .subjectErased : nil
                #expect(outcomes[index] == expected, "subject \(index)")
            }
        }
    }

    @Test("Twenty subjects claiming one PESEL at once: exactly one gets it")
    func nationalIDClaimedOnce() async throws {
        try await Self.withVault { vault in
            let outcomes = await withTaskGroup(of: (Int, VaultError.Code?).self) { group in
                for index in 0..<20 {
                    group.addTask {
                        do throws(VaultError) {
                            try await vault.recordNationalIDGroupCommitted("44051401359", for: Self.subject(index))
                            return (index, nil)
                        } catch {
                            return (index, error.code)
                        }
                    }
                }
                return await group.reduce(into: [Int: VaultError.Code?]()) { $0[$1.0] = $1.1 }
            }
            let winners = outcomes.filter { (_, code) in code == nil }.map { (index, _) in index }
            #expect(winners.count == 1)
            #expect(outcomes.values.filter { (code: VaultError.Code?) in code == .duplicateNationalID }.count == 19)
            let owner = try vault.subject(forNationalID: "44051401359")
            #expect(owner != nil && owner == winners.first.map { Self.subject($0) })
        }
    }

    @Test("After the keys env closed, queued writes fail with a storage error instead of waiting for ever")
    func closedEnvFailsEveryWrite() async throws {
        let directory = try TemporaryDirectory(prefix: "cusvault")
        defer { directory.remove() }
        let vault = try Vault(VaultOptions(dataDirectory: directory.path + "/data"))
        vault.close()
        let codes = await withTaskGroup(of: VaultError.Code?.self) { group in
            for index in 0..<10 {
                group.addTask {
                    do throws(VaultError) {
                        try await vault.recordNationalIDGroupCommitted("4405140135\(index)", for: Self.subject(index))
                        return nil
                    } catch {
                        return error.code
                    }
                }
            }
            return await group.reduce(into: [VaultError.Code?]()) { $0.append($1) }
        }
        #expect(codes == Array(repeating: VaultError.Code.storage, count: 10))
    }
}
