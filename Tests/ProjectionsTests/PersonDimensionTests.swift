import Commands
import Domain
import Foundation
import Ledger
import LedgerTesting
import Testing
import Vault

@testable import Projections

@Suite("Person dimension: statistical attributes through the Vault's system path, gone after erasure")
struct PersonDimensionTests {
    func registered(_ person: PersonRef) -> DomainEvent {
        .personRegistered(
            PersonRegistered(
                personRef: person, purposeTags: ["intake"],
                personal: .init(
                    givenName: "Zofia", familyName: "Grabowska", ageBand: "75plus", sex: .female, district: "d-02")))
    }

    func attributes(_ fixture: ProjectionsFixture, _ person: PersonRef) throws -> StatisticalAttributes? {
        try fixture.store.read(PersonDimensionProjection.self) { reader in
            try PersonDimensionProjection.attributes(of: person, in: reader)
        }
    }

    func projection(_ fixture: ProjectionsFixture) -> PersonDimensionProjection {
        PersonDimensionProjection(
            source: StatisticalAttributeSource(ledger: fixture.services.ledger, vault: fixture.services.vault))
    }

    @Test("Registration and rectification give the attributes; erasure clears them; a rebuild agrees byte for byte")
    func lifecycle() async throws {
        let fixture = try ProjectionsFixture()
        let projection = projection(fixture)
        let person = PersonRef(uuid: UUID())
        try await fixture.emit(registered(person))
        try fixture.catchUp(projection)
        #expect(
            try attributes(fixture, person) == StatisticalAttributes(sex: .female, ageBand: "75plus", district: "d-02"))
        try await fixture.emit(
            .personDataRectified(
                PersonDataRectified(
                    personRef: person, fieldNames: ["district"],
                    personal: .init(newValues: IdentityUpdate(district: "d-05"), reason: "Przeprowadzka"))))
        try fixture.catchUp(projection)
        #expect(try attributes(fixture, person)?.district == "d-05")
        #expect(try attributes(fixture, person)?.ageBand == "75plus")
        // Erasure destroys the key (crypto-shredding) and records the receipt.
        let receipt = try await fixture.shred(person)
        try fixture.catchUp(projection)
        let erased = try #require(try attributes(fixture, person))
        #expect(erased == StatisticalAttributes(erasedAt: receipt?.rawValue))
        let (live, rebuilt) = try fixture.liveAndRebuiltContents(projection)
        #expect(live == rebuilt)
    }

    @Test("A registration projected while its keys are withheld for an erasure does not stop the projection")
    func withheldKeysDoNotStopTheDimension() async throws {
        let fixture = try ProjectionsFixture()
        let projection = projection(fixture)
        let person = PersonRef(uuid: UUID())
        try await fixture.emit(registered(person))
        let keyIDs = try fixture.services.vault.keyIDs(of: UUID128(person.uuid))
        fixture.services.vault.withhold(keyIDs)
        let record = try fixture.catchUp(projection)
        #expect(record.failure == nil)
        #expect(try attributes(fixture, person) == StatisticalAttributes(), "nothing read; the receipt follows")
        fixture.services.vault.release(keyIDs)
    }

    @Test("Built as of a cutoff before a later erasure, the person reads as erased, never as attributes unknown")
    func asOfBeforeTheReceipt() async throws {
        let fixture = try ProjectionsFixture()
        let projection = projection(fixture)
        let person = PersonRef(uuid: UUID())
        try await fixture.emit(registered(person))
        let beforeReceipt = try fixture.treeSize()
        let receipt = try #require(try await fixture.shred(person))
        let build = try AsOfBuild.build(
            [projection], ledger: fixture.services.ledger, size: beforeReceipt, under: fixture.directory.path)
        defer { build.remove() }
        let asOf = try build.store.read(PersonDimensionProjection.self) { reader in
            try PersonDimensionProjection.attributes(of: person, in: reader)
        }
        // The key is gone, so R1's breakdowns put the person in the always-hidden "not available" bucket.
        #expect(asOf == StatisticalAttributes(erasedAt: receipt.rawValue))
    }
}
