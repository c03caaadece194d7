import Commands
import Domain
import Foundation
import Ledger
import LedgerTesting
import Testing
import Vault

@Suite("Erasure (ledger.md §4.3) and the access log (domain.md §4.4)")
struct ErasureAndAccessLogTests {
    @Test("Revealing personal fields logs the view durably first, then decrypts")
    func revealLogsBeforeDecrypting() async throws {
        let fixture = try CommandsFixture()
        defer { fixture.directory.remove() }
        let services = try fixture.open()
        defer { services.close() }
        let person = PersonRef(uuid: UUID())
        try await CommandsFixture.register(person, givenName: "Anna", in: services)
        let sizeBefore = try services.ledger.treeSize()
        let revealed = try await CommandsFixture.reveal(person, in: services, viewerID: "staff:c-3")
        #expect(revealed.count == 1)
        #expect(revealed.first?.personalData == .revealed)
        guard case .personRegistered(let registered) = revealed.first?.event else {
            Issue.record("expected PersonRegistered")
            return
        }
        #expect(registered.personal?.givenName == "Anna")
        let log = try services.ledger.read(
            stream: try LedgerNames.accessLog(viewerID: "staff:c-3"), from: nil, direction: .forward, limit: 10)
        #expect(log.count == 1)
        #expect(log.first?.position.rawValue == sizeBefore)
        guard case .personalDataViewed(let viewed) = try StreamLoader.decode(try #require(log.first)).event else {
            Issue.record("expected PersonalDataViewed")
            return
        }
        #expect(viewed.personRef == person)
        #expect(viewed.fieldNames.contains("PersonRegistered.givenName"))
        #expect(viewed.purpose == "case review")
    }

    @Test("When the access-log append fails nothing is decrypted")
    func failedLogRefusesReveal() async throws {
        let fixture = try CommandsFixture()
        defer { fixture.directory.remove() }
        let services = try fixture.open()
        let person = PersonRef(uuid: UUID())
        try await CommandsFixture.register(person, givenName: "Anna", in: services)
        let records = try services.ledger.read(
            stream: try CommandsFixture.stream(person), from: nil, direction: .forward, limit: 10)
        services.ledger.close()
        await #expect(throws: CommandError.self) {
            _ = try await services.reader.reveal(
                records, of: person, viewer: CommandsFixture.clerk, viewerID: "staff:x", purpose: "check",
                channel: .api, envelope: CommandsFixture.envelope())
        }
        services.vault.close()
    }

    @Test("After erasure the person reads as redacted, others are unaffected, and the root is unchanged")
    func erasureRedactsOnlyThatPerson() async throws {
        let fixture = try CommandsFixture()
        defer { fixture.directory.remove() }
        let services = try fixture.open()
        let erased = PersonRef(uuid: UUID())
        let kept = PersonRef(uuid: UUID())
        try await CommandsFixture.register(erased, givenName: "Anna", in: services)
        try await CommandsFixture.register(kept, givenName: "Ewa", in: services)
        let sizeBefore = try services.ledger.treeSize()
        let rootBefore = try services.ledger.merkleRoot()
        let receipt = try await CommandsFixture.erase(erased, in: services)
        let receiptPosition = try #require(receipt.lastPosition)
        let redacted = try await CommandsFixture.reveal(erased, in: services)
        #expect(redacted.first?.personalData == .redacted(erasedAt: receiptPosition))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let marker = try #require(try redacted.first?.personalJSON(encoder: encoder))
        #expect(
            String(decoding: marker, as: UTF8.self) == "{\"erasedAt\":\(receiptPosition.rawValue),\"redacted\":true}")
        #expect(try await CommandsFixture.reveal(kept, in: services).first?.personalData == .revealed)
        #expect(try services.ledger.root(atSize: sizeBefore) == rootBefore)
        #expect(try ErasureList(dataDirectory: fixture.dataDirectory).entries().map(\.position) == [receiptPosition])
        services.close()

        let reopened = try fixture.open()
        defer { reopened.close() }
        #expect(
            try await CommandsFixture.reveal(erased, in: reopened).first?.personalData
                == .redacted(erasedAt: receiptPosition))
        #expect(try await CommandsFixture.reveal(kept, in: reopened).first?.personalData == .revealed)
        #expect(try LedgerVerifier(ledger: reopened.ledger).verify().ok)
        await #expect(throws: CommandError.self) {
            // The decider refuses a second erasure.
            _ = try await CommandsFixture.erase(erased, in: reopened)
        }
    }

    /// Registers a person, then appends only step 2 of an erasure, the receipt: the keys are still there, as
    /// after a crash or a failed keys-env transaction. Returns the person, the keys and the receipt's position.
    static func receiptOnly(in services: CommandServices) async throws
        -> (person: PersonRef, keyIDs: [UUID128], receipt: Position)
    {
        let person = PersonRef(uuid: UUID())
        try await CommandsFixture.register(person, givenName: "Anna", in: services)
        let keyIDs = try services.vault.keyIDs(of: UUID128(person.uuid))
        let receipt = try await services.pipeline.execute(
            TestPersonDecider.self, stream: try CommandsFixture.stream(person),
            command: .erase(
                PersonalDataErased(
                    personRef: person, keyIds: keyIDs.map(\.foundationUUID), scope: "all", reason: .retentionExpired,
                    legalBasisRef: "retention policy", requestId: RequestID(uuid: UUID()))),
            envelope: CommandsFixture.envelope(.system("retention")))
        #expect(try services.vault.erasedAt(keyID: try #require(keyIDs.first)) == nil)
        return (person, keyIDs, try #require(receipt.lastPosition))
    }

    /// The keys are destroyed at `position`, the person reads as redacted, the erasure list names the keys.
    static func expectErased(
        _ person: PersonRef, keyIDs: [UUID128], at position: Position, in services: CommandServices,
        _ fixture: CommandsFixture
    ) async throws {
        #expect(try services.vault.erasedAt(keyID: try #require(keyIDs.first)) == position)
        #expect(
            try await CommandsFixture.reveal(person, in: services).first?.personalData == .redacted(erasedAt: position))
        #expect(try ErasureList(dataDirectory: fixture.dataDirectory).entries().map(\.keyID) == keyIDs)
    }

    @Test("A crash between the receipt and the key deletion is repaired at start-up")
    func crashAfterReceiptIsRepaired() async throws {
        let fixture = try CommandsFixture()
        defer { fixture.directory.remove() }
        let services = try fixture.open()
        let (person, keyIDs, receipt) = try await Self.receiptOnly(in: services)
        services.close()

        let reopened = try fixture.open()
        defer { reopened.close() }
        #expect(reopened.recovery.receipts == 1)
        try await Self.expectErased(person, keyIDs: keyIDs, at: receipt, in: reopened, fixture)
    }

    @Test("A refused second erasure destroys the keys a recorded receipt left behind, without waiting for a restart")
    func refusedErasureRepairsLeftKeys() async throws {
        let fixture = try CommandsFixture()
        defer { fixture.directory.remove() }
        let services = try fixture.open()
        defer { services.close() }
        // As when the keys-env transaction failed after the append (a full disk): the caller got an error.
        let (person, keyIDs, receipt) = try await Self.receiptOnly(in: services)
        await #expect(throws: CommandError.self) { _ = try await CommandsFixture.erase(person, in: services) }
        try await Self.expectErased(person, keyIDs: keyIDs, at: receipt, in: services, fixture)
    }

    @Test("An erasure refused before its receipt releases the keys it withheld: the person reads as before")
    func refusedErasureReleasesKeys() async throws {
        let fixture = try CommandsFixture()
        defer { fixture.directory.remove() }
        let services = try fixture.open()
        defer { services.close() }
        let person = PersonRef(uuid: UUID())
        try await CommandsFixture.register(person, givenName: "Anna", in: services)
        // An intake clerk may not erase: the decider refuses, nothing is recorded.
        await #expect(throws: CommandError.self) {
            _ = try await CommandsFixture.erase(person, in: services, by: CommandsFixture.clerk)
        }
        #expect(try await CommandsFixture.reveal(person, in: services).first?.personalData == .revealed)
    }

    @Test("A marker planted in a name appears in no file of the data directory, before or after erasure")
    func markerNeverInClear() async throws {
        let fixture = try CommandsFixture()
        defer { fixture.directory.remove() }
        let marker = "Marker\(UInt32.random(in: 100_000...999_999))Xq"
        let services = try fixture.open()
        let person = PersonRef(uuid: UUID())
        let other = PersonRef(uuid: UUID())
        try await CommandsFixture.register(person, givenName: marker, in: services)
        try await CommandsFixture.register(other, givenName: "Ewa", in: services)
        _ = try await CommandsFixture.reveal(person, in: services)
        #expect(try Self.filesContaining(marker, under: fixture.dataDirectory).isEmpty)
        _ = try await CommandsFixture.erase(person, in: services)
        services.close()
        #expect(try Self.filesContaining(marker, under: fixture.dataDirectory).isEmpty)
        #expect(try Self.filesContaining(marker, under: fixture.dataDirectory + ".keys").isEmpty)
    }

    static func filesContaining(_ marker: String, under directory: String) throws -> [String] {
        let needle = Data(marker.utf8)
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            let path = directory + "/" + relative
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue
            else { continue }
            if let data = FileManager.default.contents(atPath: path), data.range(of: needle) != nil {
                found.append(relative)
            }
        }
        return found
    }
}
