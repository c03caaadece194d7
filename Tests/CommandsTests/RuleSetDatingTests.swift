import Commands
import Domain
import Foundation
import Ledger
import LedgerTesting
import Testing

@Suite("Rule sets by effective date (domain.md §3.1)")
struct RuleSetDatingTests {
    static func amendedBook() throws -> RuleBook {
        var amended = try RuleBook.defaults.ruleSet(inForceOn: LocalDate(daysSinceEpoch: 20_000))
        amended.version = "2027-01-01.1"
        amended.effectiveFrom = try #require(LocalDate("2027-01-01"))
        amended.source = "test: a hypothetical amendment raising the coordinator's experience to 3 years"
        amended.parameters.coordinator.minExperienceYears = 3
        return try RuleBook.defaults.adding([amended])
    }

    func qualify(years: UInt64, on date: String, in services: CommandServices) async throws -> CommandResult {
        let staff = StaffID(uuid: UUID())
        let day = try #require(LocalDate(date))
        return try await services.pipeline.execute(
            StaffDecider.self, stream: try LedgerNames.stream("staff", staff),
            command: .qualify(
                QualifyStaff(
                    staffId: staff, role: .coordinator, validFrom: day,
                    evidence: .init(
                        qualification: "praca socjalna", experienceYears: years, trainingRef: "IPUS-1",
                        criminalRecordStatementRef: "KRK-1"))),
            envelope: CommandEnvelope(
                commandID: CommandsFixture.newCommandID(), actor: .staff(StaffID(uuid: UUID()), role: .director),
                occurredAt: Instant(startOf: day), fingerprint: "qualify \(years) \(date)"))
    }

    @Test("A later rule set changes outcomes only from its effective date, and each decision records its version")
    func laterRuleSetAppliesFromItsDate() async throws {
        let fixture = try CommandsFixture()
        defer { fixture.directory.remove() }
        let services = try fixture.open(ruleBook: try Self.amendedBook())
        defer { services.close() }
        let before = try await qualify(years: 2, on: "2026-12-31", in: services)
        await #expect {
            _ = try await qualify(years: 2, on: "2027-01-01", in: services)
        } throws: { ($0 as? CommandError)?.rule == "L21" }
        let after = try await qualify(years: 3, on: "2027-01-01", in: services)

        func recordedVersion(_ result: CommandResult) throws -> String {
            let position = try #require(result.firstPosition)
            let record = try #require(try services.ledger.readAll(from: position, limit: 1).first)
            return try StreamLoader.decode(record).context.ruleSetVersion
        }
        #expect(try recordedVersion(before) == "cus-act/2020-01-01.1")
        #expect(try recordedVersion(after) == "cus-act/2027-01-01.1")
        let published = try services.ledger.read(
            type: try LedgerNames.eventType("RuleSetPublished"), from: Position(rawValue: 0), limit: 10)
        #expect(published.count == 2)
    }
}
