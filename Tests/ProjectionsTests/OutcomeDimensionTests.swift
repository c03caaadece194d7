import Commands
import Domain
import Foundation
import Ledger
import Testing

@testable import Projections

/// Two residents' plans in one programme: Anna's ends early (moved away) with a summary, Jan's completes with
/// one; Jan's personal data is erased afterwards.
struct OutcomeStory {
    let programme = ProgrammeID(uuid: UUID())
    let anna = PersonRef(uuid: UUID())
    let jan = PersonRef(uuid: UUID())
    let annaPlan = PlanID(uuid: UUID())
    let janPlan = PlanID(uuid: UUID())

    func opened(_ plan: PlanID, _ person: PersonRef) -> [DomainEvent] {
        [
            .planDrafted(
                PlanDrafted(
                    planId: plan, planVersion: 1, applicationId: ApplicationID(uuid: UUID()), personRef: person,
                    programmeId: programme, items: [], start: .on("2025-03-01"), end: .on("2025-08-31"))),
            .planApproved(
                PlanApproved(
                    planId: plan, personRef: person, planVersion: 1, approverId: StaffID(uuid: UUID()),
                    approverRole: .director, approvedOn: .on("2025-02-24"), start: .on("2025-03-01"),
                    end: .on("2025-08-31"), applicationFiledAt: .on("2025-02-03"), daysToPlan: 21, late: false)),
        ]
    }

    func summary(
        _ plan: PlanID, _ person: PersonRef, _ results: [GoalResult], scales: [Int64?], self rating: UInt64,
        satisfaction: UInt64
    ) -> DomainEvent {
        .planSummaryRecorded(
            PlanSummaryRecorded(
                planId: plan, personRef: person, recordedOn: .on("2025-06-10"), goalsSet: UInt64(results.count),
                personal: .init(
                    goalAttainment: zip(results, scales).enumerated().map { index, goal in
                        GoalAttainment(goalId: "G\(index + 1)", result: goal.0, attainmentScale: goal.1)
                    },
                    selfAssessment: rating, satisfaction: satisfaction, narrativeRef: "doc-\(plan)")))
    }

    func feed(_ fixture: ProjectionsFixture) async throws {
        for event in opened(annaPlan, anna) + opened(janPlan, jan) { try await fixture.emit(event) }
        try await fixture.emit(
            .planTerminatedEarly(
                PlanTerminatedEarly(
                    planId: annaPlan, personRef: anna, endDate: .on("2025-06-05"),
                    personal: .init(reason: .movedAway, details: "Przeprowadzka do córki"))))
        try await fixture.emit(
            summary(annaPlan, anna, [.achieved, .partly, .notAchieved], scales: [2, 0, nil], self: 4, satisfaction: 5))
        try await fixture.emit(
            .planCompleted(PlanCompleted(planId: janPlan, personRef: jan, endDate: .on("2025-06-08"))))
        try await fixture.emit(
            summary(janPlan, jan, [.achieved, .achieved], scales: [1, 1], self: 3, satisfaction: 2))
    }
}

@Suite("Outcome dimension: sealed outcome fields through the Vault's system path, gone after erasure")
struct OutcomeDimensionTests {
    func facts(_ fixture: ProjectionsFixture, _ story: OutcomeStory) throws -> MetricsFacts {
        var facts = try fixture.metricsFacts(story.programme)
        facts.attach(
            outcomes: try fixture.store.read(OutcomeDimensionProjection.self) {
                try OutcomeDimensionProjection.outcomes($0)
            })
        return facts
    }

    @Test("P4 by reason and O1–O3 from the sealed fields; an erased person's ratings drop out, live and rebuilt")
    func outcomes() async throws {
        let fixture = try ProjectionsFixture()
        let story = OutcomeStory()
        let projection = OutcomeDimensionProjection(
            source: StatisticalAttributeSource(ledger: fixture.services.ledger, vault: fixture.services.vault))
        try await story.feed(fixture)
        try fixture.catchUp(projection)
        try fixture.catchUp(MetricsFactsProjection())
        let june = try facts(fixture, story).values("2025-06-01", "2025-07-01")
        #expect(june.cell("P4", .ratio, ["reason": "movedAway"])?.numerator == 1)
        #expect(june.cell("P4", .ratio, ["reason": "movedAway"])?.denominator == 2)
        #expect(june.cell("P4", .ratio, ["reason": Suppression.notAvailable]) == nil)
        // Goals: Anna 1 achieved, 1 partly of 3; Jan 2 achieved of 2.
        #expect(june.cell("O1", .ratio, variant: "achieved")?.numerator == 3)
        #expect(june.cell("O1", .ratio, variant: "achieved")?.denominator == 5)
        #expect(june.cell("O1", .ratio, variant: "achieved")?.persons == 2)
        #expect(june.value("O1", .ratio, variant: "partly") == 1.0 / 5.0)
        #expect(june.value("O1", .mean, variant: "gas") == 1, "(2 + 0 + 1 + 1) / 4 scored goals")
        #expect(june.value("O2", .ratio) == 0.5, "Anna's 4 of two summaries")
        #expect(june.value("O3", .mean) == 3.5)
        #expect(june.cell("O3", .mean)?.n == 2)

        let receipt = try await fixture.shred(story.jan)
        try fixture.catchUp(projection)
        let rows = try fixture.store.read(OutcomeDimensionProjection.self) {
            try OutcomeDimensionProjection.outcomes($0)
        }
        #expect(rows[story.janPlan] == PlanOutcome(personRef: story.jan, erasedAt: receipt?.rawValue))
        #expect(rows[story.annaPlan]?.terminationReason == .movedAway)
        let after = try facts(fixture, story).values("2025-06-01", "2025-07-01")
        #expect(after.cell("O1", .ratio, variant: "achieved")?.numerator == 1)
        #expect(after.cell("O1", .ratio, variant: "achieved")?.denominator == 3)
        #expect(after.value("O3", .mean) == 5)
        #expect(after.cell("O2", .ratio)?.denominator == 1)
        #expect(after.value("P3", .ratio) == 0.5, "plans still count: no sealed field needed")
        let (live, rebuilt) = try fixture.liveAndRebuiltContents(projection)
        #expect(live == rebuilt)
    }

    @Test("O1–O3 over summaries in P, hand-computed; suppressed at k = 5")
    func handComputed() {
        let story = MetricsStory()
        var facts = story.facts
        facts.plans[0].summary = MetricsFacts.Summary(
            recordedOn: .on("2025-04-25"), goalsSet: 3,
            ratings: SummaryRatings(
                achieved: 2, partly: 1, attainmentScales: [2, 1], selfAssessment: 4, satisfaction: 5))
        facts.plans[6].summary = MetricsFacts.Summary(
            recordedOn: .on("2025-04-30"), goalsSet: 2,
            ratings: SummaryRatings(
                achieved: 0, partly: 1, notAchieved: 1, attainmentScales: [-1], selfAssessment: 2, satisfaction: 3))
        // c's ratings are not available (erased); b's summary is May's.
        facts.plans[2].summary = MetricsFacts.Summary(recordedOn: .on("2025-04-27"), goalsSet: 1)
        facts.plans[7].summary = MetricsFacts.Summary(
            recordedOn: .on("2025-05-05"), goalsSet: 1,
            ratings: SummaryRatings(achieved: 1, partly: 0, selfAssessment: 5, satisfaction: 5))
        let april = Indicators.compute(facts, period: story.april)
        #expect(april.cell("O1", .ratio, variant: "achieved")?.numerator == 2)
        #expect(april.cell("O1", .ratio, variant: "achieved")?.denominator == 5)
        #expect(april.cell("O1", .ratio, variant: "partly")?.numerator == 2)
        #expect(april.value("O1", .mean, variant: "gas") == 2.0 / 3.0)
        #expect(april.cell("O1", .mean, variant: "gas")?.n == 3)
        #expect(april.cell("O2", .ratio)?.numerator == 1)
        #expect(april.cell("O2", .ratio)?.denominator == 2)
        #expect(april.value("O3", .mean) == 4)
        let may = Indicators.compute(facts, period: MetricsPeriod(from: .on("2025-05-01"), to: .on("2025-06-01")))
        #expect(may.value("O3", .mean) == 5)
        let cells = Suppression(threshold: 5).apply(april)
        #expect(cells.filter { $0.id.hasPrefix("O") }.allSatisfy { $0.suppressed && $0.value == nil })
        #expect(Suppression(threshold: 2).apply(april).cell("O3", .mean)?.value == 4, "n = 2 at k = 2")
    }
}
