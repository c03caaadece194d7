import Domain
import Foundation
import Ledger
import Testing

@testable import Projections

/// A plan filed on 2025-02-03 that is approved late (2025-03-10, day 35), ends on 2025-08-31 and gets its summary on
/// 2025-09-05: the deadline and summary clocks, and the late approval.
struct LatePlanStory {
    let base = PlanStory()

    var drafted: [DomainEvent] { Array(base.opening.prefix(4)) }

    var lateApproval: DomainEvent {
        .planApproved(
            PlanApproved(
                planId: base.plan, personRef: base.person, planVersion: 1, approverId: base.director,
                approverRole: .director, approvedOn: .on("2025-03-10"), start: .on("2025-03-01"),
                end: .on("2025-08-31"),
                applicationFiledAt: .on("2025-02-03"), daysToPlan: 35, late: true))
    }

    var completed: DomainEvent {
        .planCompleted(PlanCompleted(planId: base.plan, personRef: base.person, endDate: .on("2025-08-31")))
    }

    var summary: DomainEvent {
        .planSummaryRecorded(
            PlanSummaryRecorded(planId: base.plan, personRef: base.person, recordedOn: .on("2025-09-05"), goalsSet: 2))
    }
}

extension ProjectionsFixture {
    func alertRows(today: String = "2025-03-25", key: String? = nil) throws -> [ViewRow] {
        try store.read(ComplianceAlertsProjection.self) { reader in
            try ComplianceAlertsView.rows(reader, key: key, context: ViewContext(today: .on(today)))
        }
    }

    /// The alerts of one kind, as of `today`.
    func alerts(_ kind: String, today: String = "2025-03-25") throws -> [ViewRow] {
        try catchUp(ComplianceAlertsProjection())
        return try alertRows(today: today).filter { $0["kind"] == .string(kind) }
    }
}

extension ViewRow {
    /// A parameter of an alert row.
    func parameter(_ name: String) -> ViewValue? {
        guard case .rows(let parameters) = self["parameters"] else { return nil }
        return parameters.first?[name]
    }
}

@Suite("ComplianceAlerts: flagged facts, raised by events or by the clock, and what resolved them")
struct ComplianceAlertsViewTests {
    @Test("Day 30 passes without approval: open from day 31 for --today, resolved by the late approval")
    func deadlineAlert() async throws {
        let fixture = try ProjectionsFixture()
        let story = LatePlanStory()
        for event in story.drafted { try await fixture.emit(event) }
        #expect(try fixture.alerts("unapprovedAfterDeadline", today: "2025-03-05").isEmpty)
        let open = try #require(try fixture.alerts("unapprovedAfterDeadline", today: "2025-03-06").first)
        #expect(open["alertId"] == .string("unapprovedAfterDeadline/plan-\(story.base.plan)"))
        #expect(open["subjectRef"] == .string("plan-\(story.base.plan)"))
        #expect(open["raisedAt"] == .string("2025-03-06"))
        #expect(open["rule"] == .string("L15"))
        #expect(open["ruleSetVersion"] == .string("cus-act/2020-01-01.1"))
        #expect(open["status"] == .string("open"))
        #expect(open.parameter("deadlineDays") == .string("30"))
        #expect(open.parameter("daysSinceFiling") == .string("31"))

        let approval = try fixture.eventID(at: try await fixture.emit(story.lateApproval))
        let resolved = try #require(try fixture.alerts("unapprovedAfterDeadline").first)
        #expect(resolved["status"] == .string("resolved"))
        #expect(resolved["resolvingEventId"] == .string(approval.uuidString.lowercased()))
        #expect(resolved["resolvedAt"] == .string("2025-03-10"))
        #expect(resolved.parameter("daysSinceFiling") == .string("35"), "counted up to the approval")
        #expect(
            try fixture.alerts("unapprovedAfterDeadline", today: "2025-03-08").first?["status"] == .string("open"),
            "before the approval's day the clock still runs")

        let late = try #require(try fixture.alerts("planLate").first)
        #expect(late["status"] == .string("open"))
        #expect(late["raisedAt"] == .string("2025-03-03"), "the business date of the approving command")
        #expect(late.parameter("daysToPlan") == .string("35"))
        #expect(late.parameter("lateReasonRecorded") == .string("false"))
    }

    @Test("Withdrawing the application stops the deadline clock and resolves its alert")
    func withdrawalStopsTheClock() async throws {
        let fixture = try ProjectionsFixture()
        let story = LatePlanStory()
        for event in story.drafted { try await fixture.emit(event) }
        let withdrawal = try fixture.eventID(
            at: try await fixture.emit(
                .applicationWithdrawn(
                    ApplicationWithdrawn(
                        applicationId: story.base.application, personRef: story.base.person,
                        withdrawnOn: .on("2025-03-12")))))
        let alert = try #require(try fixture.alerts("unapprovedAfterDeadline", today: "2025-06-01").first)
        #expect(alert["resolvingEventId"] == .string(withdrawal.uuidString.lowercased()))
        #expect(alert.parameter("daysSinceFiling") == .string("37"))
    }

    @Test("An ended plan without a summary is flagged from the next day; the summary resolves it")
    func summaryMissing() async throws {
        let fixture = try ProjectionsFixture()
        let story = LatePlanStory()
        for event in story.drafted + [story.lateApproval, story.completed] { try await fixture.emit(event) }
        #expect(try fixture.alerts("summaryMissing", today: "2025-08-31").isEmpty)
        let open = try #require(try fixture.alerts("summaryMissing", today: "2025-09-03").first)
        #expect(open["raisedAt"] == .string("2025-09-01"))
        #expect(open["status"] == .string("open"))
        #expect(open["rule"] == .string("L19"))
        let summary = try fixture.eventID(at: try await fixture.emit(story.summary))
        let resolved = try #require(try fixture.alerts("summaryMissing", today: "2025-09-10").first)
        #expect(resolved["status"] == .string("resolved"))
        #expect(resolved["resolvingEventId"] == .string(summary.uuidString.lowercased()))
        #expect(resolved.parameter("daysSinceEnd") == .string("5"))
        #expect(try fixture.alerts("summaryMissing", today: "2025-09-03").first?["status"] == .string("open"))
    }

    @Test(
        "Over-delivery: a correction still over keeps it open, one within the total resolves it; so do a reversal and a change"
    )
    func overDelivery() async throws {
        let fixture = try ProjectionsFixture()
        let story = PlanStory()  // 50 units authorised
        for event in story.opening { try await fixture.emit(event) }
        try await fixture.emit(story.delivered("d1", on: "2025-03-03", units: 46))
        let over = try await fixture.emit(story.overDelivered("d2", units: 8))  // 54 > 50
        let first = try #require(try fixture.alerts("overDelivery").first)
        #expect(first["alertId"] == .string("overDelivery/authorisation-\(story.authorisation)/\(over.rawValue)"))
        #expect(first["rule"] == .string("4.7"))
        #expect(first.parameter("deliveryId") == .string("d2"))
        let stillOver = try await fixture.emit(
            story.corrected(try fixture.eventID(at: over), on: "2025-03-10", units: 6))
        #expect(try fixture.alerts("overDelivery").first?["status"] == .string("open"), "52 > 50")
        let within = try fixture.eventID(
            at: try await fixture.emit(story.corrected(try fixture.eventID(at: stillOver), on: "2025-03-10", units: 4)))
        var alert = try #require(try fixture.alerts("overDelivery").first)
        #expect(alert["status"] == .string("resolved"))
        #expect(alert["resolvingEventId"] == .string(within.uuidString.lowercased()))

        let again = try await fixture.emit(story.overDelivered("d3", units: 3))  // 53 > 50
        let reversal = try fixture.eventID(at: try await fixture.emit(story.reversed(try fixture.eventID(at: again))))
        alert = try #require(try fixture.alerts("overDelivery").last)
        #expect(alert["resolvingEventId"] == .string(reversal.uuidString.lowercased()))

        try await fixture.emit(story.overDelivered("d4", units: 5))  // 55 > 50
        let change = try fixture.eventID(
            at: try await fixture.emit(story.changed(units: 55, on: "2025-03-20", reason: "Aneks")))
        let alerts = try fixture.alerts("overDelivery")
        #expect(alerts.count == 3)
        #expect(alerts.last?["resolvingEventId"] == .string(change.uuidString.lowercased()))
        #expect(alerts.allSatisfy { $0["status"] == .string("resolved") })
    }

    @Test("A correction that takes the deliveries past the total raises over-delivery; one back within resolves it")
    func overDeliveryByCorrection() async throws {
        let fixture = try ProjectionsFixture()
        let story = PlanStory()  // 50 units authorised
        for event in story.opening { try await fixture.emit(event) }
        let report = try fixture.eventID(at: try await fixture.emit(story.delivered("d1", on: "2025-03-04", units: 46)))
        #expect(try fixture.alerts("overDelivery").isEmpty)
        let correction = try await fixture.emit(story.corrected(report, on: "2025-03-04", units: 52))  // 52 > 50
        let raised = try #require(try fixture.alerts("overDelivery").first)
        #expect(
            raised["alertId"] == .string("overDelivery/authorisation-\(story.authorisation)/\(correction.rawValue)"))
        #expect(raised["status"] == .string("open"))
        #expect(
            raised.parameter("unitsDelivered") == .string("52") && raised.parameter("unitsAuthorised") == .string("50"))
        // Corrected again while still over: the same alert follows the correction in force.
        try await fixture.emit(story.corrected(report, on: "2025-03-04", units: 51))  // 51 > 50
        #expect(try fixture.alerts("overDelivery").count == 1)
        let within = try fixture.eventID(
            at: try await fixture.emit(story.corrected(report, on: "2025-03-04", units: 49)))
        let resolved = try #require(try fixture.alerts("overDelivery").first)
        #expect(resolved["status"] == .string("resolved"))
        #expect(resolved["resolvingEventId"] == .string(within.uuidString.lowercased()))
        let (live, rebuilt) = try fixture.liveAndRebuiltContents(ComplianceAlertsProjection())
        #expect(live == rebuilt)
    }

    @Test("Over-delivery corrected, then reversed by its original's id: the correction goes, resolving it")
    func overDeliveryReversedByItsOriginal() async throws {
        let fixture = try ProjectionsFixture()
        let story = PlanStory()  // 50 units authorised
        for event in story.opening { try await fixture.emit(event) }
        try await fixture.emit(story.delivered("d1", on: "2025-03-03", units: 46))
        let over = try fixture.eventID(at: try await fixture.emit(story.overDelivered("d2", units: 8)))  // 54 > 50
        try await fixture.emit(story.corrected(over, on: "2025-03-10", units: 9))  // 55 > 50
        #expect(try fixture.alerts("overDelivery").first?["status"] == .string("open"))
        // The decider accepts a reversal naming any report of the delivery: it takes back the correction in force.
        let reversal = try fixture.eventID(at: try await fixture.emit(story.reversed(over)))
        let alert = try #require(try fixture.alerts("overDelivery").first)
        #expect(alert["status"] == .string("resolved"), "46 <= 50")
        #expect(alert["resolvingEventId"] == .string(reversal.uuidString.lowercased()))
    }

    @Test("An ended programme flags the plan running past it; an update within the programme resolves it")
    func endedProgramme() async throws {
        let fixture = try ProjectionsFixture()
        let story = PlanStory()
        for event in story.opening { try await fixture.emit(event) }
        try await fixture.emit(
            .programmeEnded(ProgrammeEnded(programmeId: story.programme, endDate: .on("2025-06-30"), reason: "Uchwała"))
        )
        let open = try #require(try fixture.alerts("endedProgrammeWithOpenPlans").first)
        #expect(open["subjectRef"] == .string("plan-\(story.plan)"))
        #expect(open.parameter("planEnd") == .string("2025-08-31"))
        #expect(open.parameter("programmeEndDate") == .string("2025-06-30"))
        let update = try fixture.eventID(at: try await fixture.emit(updated(story, end: "2025-06-30")))
        let resolved = try #require(try fixture.alerts("endedProgrammeWithOpenPlans").first)
        #expect(resolved["resolvingEventId"] == .string(update.uuidString.lowercased()))
    }

    @Test("A suspended provider flags the authorisation running into the suspension; a cancellation resolves it")
    func suspendedProvider() async throws {
        let fixture = try ProjectionsFixture()
        let story = PlanStory()
        for event in story.opening { try await fixture.emit(event) }
        try await fixture.emit(
            .providerSuspended(
                ProviderSuspended(
                    providerId: story.provider, reason: "Kontrola", effectiveFrom: .on("2025-07-01"),
                    until: .on("2025-07-31"))))
        let open = try #require(try fixture.alerts("endedProviderWithOpenAuthorisations").first)
        #expect(open["subjectRef"] == .string("authorisation-\(story.authorisation)"))
        #expect(open.parameter("cause") == .string("suspended"))
        #expect(open.parameter("unavailableThrough") == .string("2025-07-31"))
        let cancellation = try fixture.eventID(
            at: try await fixture.emit(story.cancelled(from: "2025-07-01", reason: "Zmiana usługodawcy")))
        let resolved = try #require(try fixture.alerts("endedProviderWithOpenAuthorisations").first)
        #expect(resolved["resolvingEventId"] == .string(cancellation.uuidString.lowercased()))
    }

    @Test("An ended engagement flags only its own authorisations; shortening one resolves it")
    func endedEngagement() async throws {
        let fixture = try ProjectionsFixture()
        let story = WorkloadStory()
        for event in story.engagements + story.authorisations { try await fixture.emit(event) }
        try await fixture.emit(
            .providerEngagementEnded(
                ProviderEngagementEnded(
                    providerId: story.ngo, engagementId: story.care, reason: "Koniec umowy",
                    effectiveFrom: .on("2025-06-01"))))
        let flagged = try fixture.alerts("endedProviderWithOpenAuthorisations")
        #expect(flagged.map { $0["subjectRef"] } == [.string("authorisation-\(story.au01)")])
        #expect(flagged.first?.parameter("cause") == .string("engagementEnded"))
        try await fixture.emit(
            .serviceAuthorisationChanged(
                ServiceAuthorisationChanged(
                    authorisationId: story.au01, personRef: story.anna, unitsAuthorised: 16, monthlyAllocation: [],
                    start: .on("2025-04-01"), end: .on("2025-05-31"), reason: "Koniec umowy",
                    changedOn: .on("2025-05-20"))))
        #expect(try fixture.alerts("endedProviderWithOpenAuthorisations").first?["status"] == .string("resolved"))
    }

    @Test("Two services for four months without a plan raise L14; a cancellation clears it")
    func coordinationWithoutPlan() async throws {
        let fixture = try ProjectionsFixture()
        let story = WorkloadStory()
        try await fixture.emit(
            story.authorised(
                story.au01, story.anna, service: "care", provider: story.ngo, engagement: story.care, units: 20,
                from: "2025-04-01", to: "2025-07-31"))
        #expect(try fixture.alerts("coordinationWithoutPlan").isEmpty, "one service needs no plan")
        try await fixture.emit(
            story.authorised(
                story.au02, story.anna, service: "psych", provider: story.cusOwn, engagement: story.psych, units: 6,
                from: "2025-04-01", to: "2025-06-30"))
        let open = try #require(try fixture.alerts("coordinationWithoutPlan").first)
        #expect(open["subjectRef"] == .string("person-\(story.anna)"))
        #expect(open["rule"] == .string("L14"))
        #expect(open.parameter("months") == .string("4"))
        #expect(open.parameter("thresholdMonths") == .string("3"))
        try await fixture.emit(
            .serviceAuthorisationCancelled(
                ServiceAuthorisationCancelled(
                    authorisationId: story.au02, personRef: story.anna, effectiveFrom: .on("2025-04-01"),
                    reason: "Rezygnacja")))
        #expect(try fixture.alerts("coordinationWithoutPlan").first?["status"] == .string("resolved"))
    }

    @Test("A plan approved outside L16 (imported data) is flagged; an update back in range resolves it")
    func durationOutOfRange() async throws {
        let fixture = try ProjectionsFixture()
        let story = PlanStory()
        for event in story.opening.prefix(4) { try await fixture.emit(event) }
        try await fixture.emit(
            .planApproved(
                PlanApproved(
                    planId: story.plan, personRef: story.person, planVersion: 1, approverId: story.director,
                    approverRole: .director, approvedOn: .on("2025-02-24"), start: .on("2025-03-01"),
                    end: .on("2026-05-31"), applicationFiledAt: .on("2025-02-03"), daysToPlan: 21, late: false)))
        let open = try #require(try fixture.alerts("durationOutOfRange").first)
        #expect(open.parameter("months") == .string("15"))
        #expect(open.parameter("maxMonths") == .string("12"))
        try await fixture.emit(updated(story, end: "2026-02-28"))
        #expect(try fixture.alerts("durationOutOfRange").first?["status"] == .string("resolved"))
    }

    @Test("A backdated application is flagged with the gap; --key selects by alertId or subjectRef")
    func backdatedApplicationAndKeys() async throws {
        let fixture = try ProjectionsFixture()
        let story = PlanStory()
        try await fixture.emit(story.opening[0])  // filed 2025-02-03, recorded 2025-03-03
        let alert = try #require(try fixture.alerts("backdatedApplication").first)
        #expect(alert.parameter("daysBackdated") == .string("28"))
        #expect(alert["subjectRef"] == .string("application-\(story.application)"))
        guard case .string(let alertId) = alert["alertId"] else { throw ProjectionError.storage("no alertId") }
        #expect(try fixture.alertRows(key: alertId).count == 1)
        #expect(try fixture.alertRows(key: "application-\(story.application)").count == 1)
        #expect(try fixture.alertRows(key: "plan-\(story.plan)").isEmpty)
    }

    @Test("Erasing the resident changes no alert; live equals a rebuild from zero, byte for byte")
    func erasureAndRebuild() async throws {
        let fixture = try ProjectionsFixture()
        fixture.batchEvents = 3
        let late = LatePlanStory()
        for event in late.drafted + [late.lateApproval, late.completed] { try await fixture.emit(event) }
        let story = PlanStory()
        for event in story.opening { try await fixture.emit(event) }
        try await fixture.emit(story.delivered("d1", on: "2025-03-03", units: 46))
        let over = try await fixture.emit(story.overDelivered("d2", units: 8))
        try await fixture.emit(story.corrected(try fixture.eventID(at: over), on: "2025-03-10", units: 2))
        try await fixture.emit(
            .programmeEnded(ProgrammeEnded(programmeId: story.programme, endDate: .on("2025-06-30"), reason: "Uchwała"))
        )
        try fixture.catchUp(ComplianceAlertsProjection())
        let before = try fixture.contents(ComplianceAlertsProjection.self)
        let rowsBefore = try fixture.alertRows(today: "2025-09-10")
        try await fixture.erase(story.person)
        try await fixture.erase(late.base.person)
        try fixture.catchUp(ComplianceAlertsProjection())
        #expect(try fixture.contents(ComplianceAlertsProjection.self) == before)
        #expect(try fixture.alertRows(today: "2025-09-10") == rowsBefore)
        #expect(rowsBefore.count == 7)
        let (live, rebuilt) = try fixture.liveAndRebuiltContents(ComplianceAlertsProjection())
        #expect(live == rebuilt)
    }

    func updated(_ story: PlanStory, end: String) -> DomainEvent {
        .planUpdated(
            PlanUpdated(
                planId: story.plan, personRef: story.person, planVersion: 2, items: story.items,
                start: .on("2025-03-01"),
                end: .on(end), changes: "Skrócenie planu", updatedOn: .on("2025-05-20")))
    }
}
