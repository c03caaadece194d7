import Domain
import Foundation
import Testing

@testable import Projections

@Suite("CoordinatorCaseload: plans and pending applications per coordinator")
struct CoordinatorCaseloadViewTests {
    func rows(_ fixture: ProjectionsFixture, today: String) throws -> [ViewRow] {
        try fixture.store.read(CoordinatorCaseloadProjection.self) { reader in
            try CoordinatorCaseloadView.rows(reader, coordinator: nil, context: ViewContext(today: .on(today)))
        }
    }

    @Test("Active and suspended plans, plans ending soon, overdue drafts, pending assessments and missing summaries")
    func caseload() async throws {
        let fixture = try ProjectionsFixture()
        let story = PlanStory()
        for event in story.opening { try await fixture.emit(event) }
        // A second application, assessed by the same coordinator and still undecided, with a draft overdue.
        let pending = ApplicationID(uuid: UUID())
        let other = PersonRef(uuid: UUID())
        try await fixture.emit(
            .applicationSubmitted(
                ApplicationSubmitted(
                    applicationId: pending, personRef: other, applicantRole: .self, channel: .inPerson,
                    programmeIds: [story.programme], requestedServiceIds: ["care"], filedAt: .on("2025-06-02"))))
        try await fixture.emit(
            .needsAssessmentConducted(
                NeedsAssessmentConducted(
                    applicationId: pending, personRef: other, assessmentId: AssessmentID(uuid: UUID()),
                    conductedOn: .on("2025-06-05"), place: .centre, assessorId: story.coordinator)))
        try await fixture.emit(
            .coordinatorAssigned(
                CoordinatorAssigned(
                    planId: PlanID(uuid: UUID()), applicationId: pending, personRef: other,
                    coordinatorId: story.coordinator, fromDate: .on("2025-06-06"))))
        try fixture.catchUp(CoordinatorCaseloadProjection())
        var row = try #require(try rows(fixture, today: "2025-08-10").first)
        #expect(row["coordinatorId"] == .id(story.coordinator))
        #expect(row["activePlans"] == .int(1))
        #expect(row["plansEndingIn30d"] == .int(1))
        #expect(row["draftsOverdue"] == .int(1), "filed 2025-06-02, unapproved after 30 days")
        #expect(row["pendingApplications"] == .int(1))
        #expect(row["summariesMissing"] == .int(0))
        #expect(try rows(fixture, today: "2025-06-20").first?["draftsOverdue"] == .int(0))
        // Suspended, the plan is no longer active (a suspended day is not, domain.md §6.1) but stays the
        // coordinator's, still ending soon; resumed, it is active again.
        try await fixture.emit(
            .planSuspended(PlanSuspended(planId: story.plan, personRef: story.person, from: .on("2025-07-01"))))
        try fixture.catchUp(CoordinatorCaseloadProjection())
        row = try #require(try rows(fixture, today: "2025-08-10").first)
        #expect(row["activePlans"] == .int(0) && row["suspendedPlans"] == .int(1))
        #expect(row["plansEndingIn30d"] == .int(1))
        try await fixture.emit(
            .planResumed(PlanResumed(planId: story.plan, personRef: story.person, resumedOn: .on("2025-07-08"))))
        try fixture.catchUp(CoordinatorCaseloadProjection())
        row = try #require(try rows(fixture, today: "2025-08-10").first)
        #expect(row["activePlans"] == .int(1) && row["suspendedPlans"] == .int(0))
        try await fixture.emit(
            .planSuspended(PlanSuspended(planId: story.plan, personRef: story.person, from: .on("2025-07-10"))))
        // The plan ends early; until its summary it counts as missing one. Erasure changes nothing.
        try await fixture.emit(
            .planTerminatedEarly(
                PlanTerminatedEarly(planId: story.plan, personRef: story.person, endDate: .on("2025-07-15"))))
        try await fixture.emit(
            .personalDataErased(
                PersonalDataErased(
                    personRef: story.person, keyIds: [UUID()], scope: "all", reason: .art17,
                    legalBasisRef: "RODO art. 17", requestId: RequestID(uuid: UUID()))),
            by: .system("retention"))
        try fixture.catchUp(CoordinatorCaseloadProjection())
        row = try #require(try rows(fixture, today: "2025-08-10").first)
        #expect(row["activePlans"] == .int(0) && row["suspendedPlans"] == .int(0), "ended while suspended")
        #expect(row["summariesMissing"] == .int(1))
        try await fixture.emit(
            .planSummaryRecorded(
                PlanSummaryRecorded(
                    planId: story.plan, personRef: story.person, recordedOn: .on("2025-07-20"), goalsSet: 2)))
        try fixture.catchUp(CoordinatorCaseloadProjection())
        #expect(try rows(fixture, today: "2025-08-10").first?["summariesMissing"] == .int(0))
        // The pending application is withdrawn: its unapproved plan stops counting (domain.md §4.5), and so does
        // the application.
        try await fixture.emit(
            .applicationWithdrawn(
                ApplicationWithdrawn(applicationId: pending, personRef: other, withdrawnOn: .on("2025-08-01"))))
        try fixture.catchUp(CoordinatorCaseloadProjection())
        row = try #require(try rows(fixture, today: "2025-08-10").first)
        #expect(row["draftsOverdue"] == .int(0))
        #expect(row["pendingApplications"] == .int(0))
        let (live, rebuilt) = try fixture.liveAndRebuiltContents(CoordinatorCaseloadProjection())
        #expect(live == rebuilt)
    }
}
