import Ledger
import Testing
import Vault

@Suite("PESEL blind index")
struct NationalIDTests {
    let subject = UUID128(high: 1, low: 1)
    let other = UUID128(high: 2, low: 2)

    @Test("A recorded national ID finds its subject, also after reopening; recording it again is a no-op")
    func recordAndFind() throws {
        try VaultFixture.with { fixture throws in
            try fixture.withVault { vault throws in
                #expect(try vault.subject(forNationalID: "44051401359") == nil)
                try vault.recordNationalID("44051401359", for: subject)
                try vault.recordNationalID("44051401359", for: subject)
                #expect(try vault.subject(forNationalID: "44051401359") == subject)
                #expect(try vault.subject(forNationalID: "44051401358") == nil)
            }
            try fixture.withVault { vault throws in
                #expect(try vault.subject(forNationalID: "44051401359") == subject)
            }
        }
    }

    @Test("A national ID held by another subject is refused")
    func duplicate() throws {
        try VaultFixture.with { fixture throws in
            try fixture.withVault { vault throws in
                try vault.recordNationalID("44051401359", for: subject)
                #expect(
                    expectVaultError(.duplicateNationalID) { try vault.recordNationalID("44051401359", for: other) })
                #expect(try vault.subject(forNationalID: "44051401359") == subject)
            }
        }
    }

    @Test("Malformed national IDs are refused without echoing them")
    func malformed() throws {
        try VaultFixture.with { fixture throws in
            try fixture.withVault { vault throws in
                for bad in ["", "4405 1401359", "ąę", String(repeating: "1", count: 33)] {
                    do throws(VaultError) {
                        try vault.recordNationalID(bad, for: subject)
                        Issue.record("accepted a malformed national ID")
                    } catch {
                        #expect(error.code == .invalidArgument)
                        #expect(bad.isEmpty || !error.description.contains(bad))
                    }
                }
            }
        }
    }

    @Test("The keys env holds no national ID in clear")
    func noClearText() throws {
        try VaultFixture.with { fixture throws in
            try fixture.withVault { vault throws in try vault.recordNationalID("44051401359", for: subject) }
            let file = try fileBytes(fixture.dataDirectory + "/keys/data.mdb")
            #expect(!file.contains(run: Array("44051401359".utf8)))
        }
    }
}
