import Commands
import Domain
import Foundation
import Ledger
import LedgerTesting
import Testing

@Suite("cus generate: synthetic CUS data through the command handlers")
struct GeneratorTests {
    @Test("A small generated CUS verifies, has the intake event types, and no generated name is in any file in clear")
    func smallRun() async throws {
        let fixture = try CommandsFixture()
        defer { fixture.directory.remove() }
        let services = try fixture.open()
        let generator = CUSDataGenerator(
            services: services,
            options: .init(
                residents: 60, months: 3, seed: 42, firstDay: try #require(LocalDate("2025-01-01")), lanes: 8))
        let summary = try await generator.run()
        #expect(summary.eventsWritten > 200)
        let stats = try services.ledger.statistics()
        for type in [
            "PersonRegistered", "ApplicationSubmitted", "NeedsAssessmentConducted", "QualificationGranted",
            "ProgrammeAdopted", "ProgrammeServiceDefined", "ProviderRegistered", "ProviderEngaged", "StaffQualified",
            "AuthorityDelegated", "RuleSetPublished", "ServiceAuthorised", "ServiceDelivered",
            "CoordinatorAssigned", "PlanDrafted", "PlanAgreed", "PlanApproved", "FeeAssessed", "PaymentReceived",
        ] {
            #expect((stats.byType[type] ?? 0) > 0, "no \(type)")
        }
        #expect(try LedgerVerifier(ledger: services.ledger).verify().ok)
        services.close()
        // Surnames in their stored form: none of them may appear in any file of the data directory.
        for surname in PolishNamesProbe.surnames {
            #expect(
                try ErasureAndAccessLogTests.filesContaining(surname, under: fixture.dataDirectory).isEmpty,
                "\(surname)")
        }
    }
}

/// Names the generator draws from (kept apart from the generator so the test states what it looks for).
enum PolishNamesProbe {
    static let surnames = ["Kowalska", "Wiśniewski", "Lewandowska", "Zieliński", "Dąbrowska", "Kwiatkowski"]
}
