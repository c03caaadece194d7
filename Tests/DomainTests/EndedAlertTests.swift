import Domain
import Foundation
import Testing

@Suite("Alerts on ends (domain.md §4.2, §4.3) and on plan length (L16)")
struct EndedAlertTests {
    let plan = PlanID(uuid: Fixture.uuid(41))
    let programme = ProgrammeID(uuid: Fixture.uuid(42))
    let provider = ProviderID(uuid: Fixture.uuid(43))
    let authorisation = AuthorisationID(uuid: Fixture.uuid(44))

    @Test("A plan running past its programme's last day is flagged; one ending with it is not")
    func endedProgramme() throws {
        let alert = try #require(
            ComplianceAlert.openPlanOfEndedProgramme(
                programme, endDate: Fixture.day("2025-06-30"), plan: plan, planEnd: Fixture.day("2025-07-01")))
        #expect(alert.kind == "endedProgrammeWithOpenPlans")
        #expect(alert.subject == "plan-\(plan)")
        #expect(alert.parameters["programmeId"] == programme.description)
        #expect(
            ComplianceAlert.openPlanOfEndedProgramme(
                programme, endDate: Fixture.day("2025-06-30"), plan: plan, planEnd: Fixture.day("2025-06-30")) == nil)
    }

    @Test("An authorisation overlapping the days a provider may not serve is flagged, and only then")
    func endedProvider() throws {
        let runs = Fixture.day("2025-04-01")...Fixture.day("2025-06-30")
        func alert(_ stop: ComplianceAlert.ProviderStop, from: String, through: String?) -> ComplianceAlert? {
            ComplianceAlert.openAuthorisationOfEndedProvider(
                stop, provider: provider, from: Fixture.day(from), through: through.map(Fixture.day),
                authorisation: authorisation, runs: runs)
        }
        let ended = try #require(alert(.engagementEnded, from: "2025-06-30", through: nil))
        #expect(ended.parameters["cause"] == "engagementEnded")
        #expect(ended.parameters["unavailableThrough"] == nil)
        #expect(alert(.engagementEnded, from: "2025-07-01", through: nil) == nil)
        #expect(alert(.suspended, from: "2025-03-01", through: "2025-03-31") == nil, "over before it starts")
        #expect(
            alert(.suspended, from: "2025-03-01", through: "2025-04-01")?.parameters["unavailableThrough"]
                == "2025-04-01")
    }

    @Test("L16: a length outside the allowed months is flagged with the bounds")
    func duration() throws {
        let alert = try #require(
            ComplianceAlert.durationOutOfRange(
                plan: plan, start: Fixture.day("2025-03-01"), end: Fixture.day("2025-04-30"), allowed: 3...12))
        #expect(alert.rule == "L16")
        #expect(alert.parameters["months"] == "2")
        #expect(
            ComplianceAlert.durationOutOfRange(
                plan: plan, start: Fixture.day("2025-03-01"), end: Fixture.day("2026-02-28"), allowed: 3...12) == nil)
        // Two months and a day are not three months.
        let partMonth = try #require(
            ComplianceAlert.durationOutOfRange(
                plan: plan, start: Fixture.day("2025-03-01"), end: Fixture.day("2025-05-01"), allowed: 3...12))
        #expect(partMonth.parameters["months"] == "2")
        #expect(Fixture.day("2025-01-31").wholeMonths(through: Fixture.day("2025-04-29")) == 3)
        #expect(Fixture.day("2025-01-31").wholeMonths(through: Fixture.day("2025-04-28")) == 2)
    }
}
