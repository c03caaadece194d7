import Domain
import Foundation
import Testing

@Suite("L14: coordination without a plan (❓ proposed alert)")
struct CoordinationAlertTests {
    let person = PersonRef(uuid: Fixture.uuid(40))

    func authorised(_ service: String, from start: String, to end: String, plan: PlanID? = nil) -> ServiceAuthorised {
        ServiceAuthorised(
            authorisationId: AuthorisationID(uuid: UUID()), planId: plan, planItemId: plan.map { _ in "i1" },
            qualificationId: QualificationID(uuid: UUID()), personRef: person, programmeId: ProgrammeID(uuid: UUID()),
            serviceId: service, providerId: ProviderID(uuid: UUID()), engagementId: EngagementID(uuid: UUID()),
            unitsAuthorised: 8, monthlyAllocation: [], rate: 4_000, start: Fixture.day(start), end: Fixture.day(end))
    }

    @Test("Two services without a plan over three months raise it, with the span and the threshold")
    func raised() throws {
        let alert = try #require(
            ComplianceAlert.coordinationWithoutPlan(
                person: person,
                authorisations: [
                    authorised("senior-club", from: "2025-04-01", to: "2025-05-31"),
                    authorised("neighbourly-help", from: "2025-05-01", to: "2025-06-30"),
                ], thresholdMonths: 3))
        #expect(alert.rule == "L14")
        #expect(alert.parameters["months"] == "3")
        #expect(alert.parameters["services"] == "neighbourly-help,senior-club")
    }

    @Test("One service, a shorter span, or services inside a plan raise nothing")
    func notRaised() {
        let oneService = [
            authorised("senior-club", from: "2025-01-01", to: "2025-03-31"),
            authorised("senior-club", from: "2025-04-01", to: "2025-06-30"),
        ]
        let short = [
            authorised("senior-club", from: "2025-04-01", to: "2025-04-30"),
            authorised("neighbourly-help", from: "2025-05-01", to: "2025-05-31"),
        ]
        let planned = [
            authorised("care", from: "2025-01-01", to: "2025-06-30", plan: PlanID(uuid: UUID())),
            authorised("senior-club", from: "2025-01-01", to: "2025-06-30"),
        ]
        for authorisations in [oneService, short, planned] {
            #expect(
                ComplianceAlert.coordinationWithoutPlan(
                    person: person, authorisations: authorisations, thresholdMonths: 3)
                    == nil)
        }
    }
}
