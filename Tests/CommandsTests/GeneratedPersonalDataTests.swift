import Commands
import Domain
import Foundation
import Ledger
import LedgerTesting
import Testing
import Vault

/// The sealed half of "a generated ledger validates against every schema": the clear parts are checked by
/// `Tools/validate-generated-ledger` with a JSON Schema validator; the personal parts need the keys, so here
/// every sealed part is opened through the Vault, decoded, and held to the field constraints the sealed
/// schemas state (the same catalogue generates both).
@Suite("cus generate: sealed personal parts")
struct GeneratedPersonalDataTests {
    @Test("Every sealed part of a generated ledger opens, decodes and meets its sealed schema's constraints")
    func sealedPartsAreValid() async throws {
        let fixture = try CommandsFixture()
        defer { fixture.directory.remove() }
        let services = try fixture.open()
        defer { services.close() }
        let generator = CUSDataGenerator(
            services: services,
            options: .init(
                residents: 80, months: 4, seed: 11, firstDay: try #require(LocalDate("2025-01-01")), lanes: 8))
        _ = try await generator.run()
        var opened = 0
        var redacted = 0
        var typesWithPersonalData: Set<String> = []
        var sealedRecords: [RecordedEvent] = []
        try StreamLoader.forEachRecord(from: .zero, read: services.ledger.readAll) { record in
            if record.sealed != nil { sealedRecords.append(record) }
        }
        for record in sealedRecords {
            let sealed = try #require(record.sealed)
            let (_, event) = try StreamLoader.decode(record)
            switch try services.vault.open(sealed, binding: SealBinding(record)) {
            case .plaintext(let plaintext):
                let whole = try EventCodec.attachPersonal(plaintext, to: event)
                let violations = Self.personalViolations(whole.payload)
                #expect(violations.isEmpty, "\(record.type) at \(record.position.rawValue): \(violations)")
                let hasPersonal = Self.hasPersonal(whole.payload)
                #expect(hasPersonal, "\(record.type) at \(record.position.rawValue)")
                typesWithPersonalData.insert(record.type.description)
                opened += 1
            case .redacted:
                redacted += 1
            }
        }
        #expect(opened > 300)
        #expect(redacted > 0, "the run erases some residents")
        #expect(typesWithPersonalData.count >= 12, "\(typesWithPersonalData.sorted())")
    }

    static func personalViolations<Payload: DomainEventPayload>(_ payload: Payload) -> [FieldViolation] {
        payload.personal?.violations ?? []
    }

    static func hasPersonal<Payload: DomainEventPayload>(_ payload: Payload) -> Bool { payload.personal != nil }
}
