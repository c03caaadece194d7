import Commands
import Domain
import Foundation
import LedgerTesting
import Testing

@testable import Projections

extension ProjectionsFixture {
    func metricsFacts(_ programme: ProgrammeID, in store: ProjectionsStore? = nil) throws -> MetricsFacts {
        try (store ?? self.store).read(MetricsFactsProjection.self) { reader in
            try MetricsFactsView.facts(reader, programme: programme)
        }
    }
}

extension MetricsFacts {
    func values(_ from: String, _ to: String) -> [IndicatorValue] {
        Indicators.compute(self, period: MetricsPeriod(from: .on(from), to: .on(to)))
    }
}

@Suite("MetricsFacts: indicators from events through the real pipeline")
struct MetricsFactsProjectionTests {
    @Test("§7's deliveries: a correction moves a delivery from April to May, a reversal drops one in June")
    func deliveries() async throws {
        let fixture = try ProjectionsFixture()
        let story = WorkloadStory()
        try await story.reverse(try await story.feed(fixture), fixture)
        let moved = try await fixture.emit(story.psych("2025-04-30"))
        try await fixture.emit(
            .deliveryCorrected(
                DeliveryCorrected(
                    authorisationId: story.au02, personRef: story.anna, originalEventId: try fixture.eventID(at: moved),
                    deliveryId: "moved", deliveredOn: .on("2025-05-02"), units: 1, reason: "Zła data")))
        try await fixture.emit(
            .providerCapacityChanged(
                ProviderCapacityChanged(
                    providerId: story.ngo, engagementId: story.care, serviceId: "care",
                    capacity: Capacity(unitsPerMonth: 200), effectiveFrom: .on("2025-06-01"))))
        let household = HouseholdRef(uuid: UUID())
        try await fixture.emit(
            .householdMembershipRecorded(
                HouseholdMembershipRecorded(
                    personRef: story.anna, householdRef: household, validFrom: .on("2025-05-01"))
            ))
        try fixture.catchUp(MetricsFactsProjection())
        let facts = try fixture.metricsFacts(story.programme)
        let care = ["service": "care", "unit": "unknown"]
        let psych = ["service": "psych", "unit": "unknown"]

        let april = facts.values("2025-04-01", "2025-05-01")
        #expect(april.value("D4", .sum, variant: "units", care) == 8)
        #expect(april.value("D4", .sum, variant: "units", psych) == 2, "the 04-30 session moved to May")
        #expect(april.value("D4", .count, variant: "deliveries") == 6)
        #expect(april.value("R1", .count) == 1)
        #expect(april.value("R1", .count, ["sex": Suppression.notAvailable]) == 1, "no person dimension row")
        #expect(april.value("R5", .count, ["area": "unknown"]) == 1)
        #expect(april.value("R2", .count) == 1, "a household of one in April")
        #expect(facts.memberships[story.anna]?.first?.householdRef == household)

        let may = facts.values("2025-05-01", "2025-06-01")
        #expect(may.value("D4", .sum, variant: "units", care) == 8, "d-105 counts 2 h once corrected")
        #expect(may.value("D4", .sum, variant: "units", psych) == 4)
        #expect(may.value("D4", .count, variant: "deliveries", ["service": "psych"]) == 4)

        let june = facts.values("2025-06-01", "2025-07-01")
        #expect(june.value("D4", .sum, variant: "units", care) == 6, "the reversed over-delivery drops out")
        #expect(june.cell("D2", .ratio)?.numerator == 1)
        #expect(june.cell("D2", .ratio)?.denominator == 7)
        #expect(june.value("D2", .count, variant: "missed", ["reason": "residentAbsent"]) == 1)

        // ProviderWorkload's §7 figures: care 8/8 in April and May, 6/8 in June; psych 2/2, 3/3 (+1 moved), 3/3.
        let ngo = ["service": "care", "provider": story.ngo.description]
        let cusOwn = ["service": "psych", "provider": story.cusOwn.description]
        #expect(april.cell("V2", .ratio, ngo)?.numerator == 8)
        #expect(april.cell("V2", .ratio, ngo)?.denominator == 8)
        #expect(may.cell("V2", .ratio, cusOwn)?.numerator == 4)
        #expect(may.cell("V2", .ratio, cusOwn)?.denominator == 3)
        #expect(june.cell("D1", .ratio, variant: "b", ["service": "care"])?.numerator == 6)
        #expect(june.cell("D1", .ratio, variant: "b", ["service": "care"])?.denominator == 8)
        // Both authorisations end on 06-30: care 22 of 24 h, psych 9 of 8 sessions (the moved one included).
        #expect(june.cell("D1", .ratio, variant: "a", ["service": "care"])?.numerator == 22)
        #expect(june.cell("D1", .ratio, variant: "a", ["service": "care"])?.denominator == 24)
        #expect(june.cell("D1", .ratio, variant: "a", ["service": "psych"])?.denominator == 8)
        #expect(may.cell("D1", .ratio, variant: "a", ["service": "care"]) == nil)

        let quarter = facts.values("2025-04-01", "2025-07-01")
        #expect(quarter.value("D4", .sum, variant: "units", care) == 22, "domain.md §7: 22 h delivered")
        #expect(quarter.value("D4", .sum, variant: "units", psych) == 9)

        // V1 (§7's utilisation): 8 h of NGO-1's 400 in April; psych 2 and then 4 (with the moved one) of 60;
        // June's care capacity changed to 200 from 06-01.
        #expect(april.value("V1", .ratio, ngo) == 8.0 / 400.0)
        #expect(april.value("V1", .ratio, cusOwn) == 2.0 / 60.0)
        #expect(may.cell("V1", .ratio, cusOwn)?.numerator == 4)
        #expect(june.cell("V1", .ratio, ngo)?.numerator == 6)
        #expect(june.cell("V1", .ratio, ngo)?.denominator == 200)
        #expect(quarter.cell("V1", .ratio, ngo)?.denominator == 1_000)
    }

    @Test("F1–F5 from the fee events: a charge cancelled in full, a total exemption, a write-off, §7's outstanding")
    func fees() async throws {
        let story = FeeStory()
        let fixture = try ProjectionsFixture()
        try await story.feed(fixture)
        try fixture.catchUp(MetricsFactsProjection())
        let facts = try fixture.metricsFacts(story.programme)

        let april = facts.values("2025-04-01", "2025-05-01")
        #expect(april.value("F1") == 24_000)
        #expect(april.cell("F1")?.persons == 3)
        #expect(april.value("F2", .sum) == 8_000)
        #expect(april.value("F2", .sum, ["kind": "total"]) == 8_000)
        #expect(april.value("F2", .sum, ["kind": "partial"]) == 0)
        #expect(april.cell("F3", .ratio, variant: "persons")?.numerator == 1)
        #expect(april.cell("F3", .ratio, variant: "persons")?.denominator == 3)
        #expect(april.cell("F3", .ratio, variant: "persons", ["rule": "EX-1"])?.numerator == 1)
        #expect(april.value("F3", .ratio, variant: "amount", ["rule": "EX-1"]) == 8_000.0 / 24_000.0)
        #expect(april.value("F4") == 1)
        #expect(april.value("F5") == 16_000, "at 05-01 nothing was paid yet: the payments came on 05-10 and 05-12")

        let may = facts.values("2025-05-01", "2025-06-01")
        #expect(may.value("F1") == 16_000)
        #expect(may.value("F2", .sum, ["kind": "partial"]) == 4_000)
        #expect(may.cell("F3", .ratio, variant: "amount", ["rule": "EX-2"])?.numerator == 4_000)
        #expect(may.cell("F4")?.numerator == 7_000)
        #expect(may.cell("F4")?.denominator == 12_000)
        #expect(may.value("F5") == 12_000, "at 06-01: paid 06-05 and 06-10, written off 06-20")

        let quarter = facts.values("2025-04-01", "2025-07-01")
        #expect(quarter.value("F1") == 46_000)
        #expect(quarter.value("F2", .sum) == 15_000)
        #expect(quarter.value("F5") == 3_000, "Anna's June: §7's outstanding 30 PLN")
    }

    @Test("A1, A2, A3, A6, P2, P3, P5 from the plan story; as of a cutoff, the values captured live at that size")
    func plansAndCutoff() async throws {
        let fixture = try ProjectionsFixture()
        let story = PlanStory()
        try await story.feed(fixture)
        fixture.occurredAt = Instant(startOf: .on("2025-02-10"))
        try await fixture.emit(
            .qualificationGranted(
                QualificationGranted(
                    applicationId: story.application, personRef: story.person,
                    qualificationId: QualificationID(uuid: UUID()), programmeId: story.programme, programmeVersion: 1,
                    serviceIds: ["care"], queuePosition: 1, validFrom: .on("2025-02-10"),
                    promotedFromWaitlist: false)))
        try await fixture.emit(
            .planSuspended(
                PlanSuspended(
                    planId: story.plan, personRef: story.person, from: .on("2025-05-01"),
                    personal: .init(reason: "Pobyt w szpitalu"))))
        try await fixture.emit(
            .planResumed(PlanResumed(planId: story.plan, personRef: story.person, resumedOn: .on("2025-07-01"))))
        fixture.occurredAt = Instant(startOf: .on("2025-08-31"))
        try await fixture.emit(
            .planCompleted(PlanCompleted(planId: story.plan, personRef: story.person, endDate: .on("2025-08-31"))))
        try fixture.catchUp(MetricsFactsProjection())
        let size = try fixture.treeSize()
        let captured = try fixture.metricsFacts(story.programme).values("2025-08-01", "2025-09-01")
        #expect(captured.cell("P5")?.numerator == 0)

        fixture.occurredAt = Instant(startOf: .on("2025-09-03"))
        try await fixture.emit(
            .planSummaryRecorded(
                PlanSummaryRecorded(
                    planId: story.plan, personRef: story.person, recordedOn: .on("2025-09-03"), goalsSet: 2)))
        try fixture.catchUp(MetricsFactsProjection())
        let facts = try fixture.metricsFacts(story.programme)

        let february = facts.values("2025-02-01", "2025-03-01")
        #expect(february.value("A1", .median) == 7)
        #expect(february.cell("A1", .p90)?.n == 1)
        #expect(february.cell("A6")?.numerator == 0)
        #expect(february.cell("A6")?.denominator == 1)
        #expect(february.value("A2", .median) == 21)
        #expect(february.value("A3", .ratio) == 1)
        #expect(february.value("P2") == 1, "6 months, within 3–12")
        #expect(february.value("P8") == 1, "item i2 is a supporting activity")

        let march = facts.values("2025-03-01", "2025-04-01")
        #expect(march.value("A4", .median) == 21, "granted 02-10, first delivery 03-03")
        #expect(march.value("A4", .median, ["service": "care"]) == 21)
        #expect(march.cell("D3")?.numerator == 1)
        #expect(march.cell("D3")?.denominator == 1)
        let april = facts.values("2025-04-01", "2025-05-01")
        #expect(april.cell("D3")?.numerator == 0)
        #expect(april.cell("D3")?.denominator == 1)
        #expect(april.cell("P1")?.numerator == 1, "qualified from 02-10, plan 03-01 to 08-31")
        #expect(april.cell("P1")?.denominator == 1)

        // Suspended from 05-01, resumed 07-01: May and June are not active months, July is.
        #expect(facts.values("2025-05-01", "2025-07-01").cell("D3")?.denominator == 0)
        #expect(facts.values("2025-07-01", "2025-08-01").cell("D3")?.denominator == 1)
        #expect(facts.values("2025-06-01", "2025-07-01").cell("P1")?.numerator == 0)

        let august = facts.values("2025-08-01", "2025-09-01")
        // D1 (c): the plan ends in August; of 60 h planned, 2 (corrected) + 4 delivered, one report reversed.
        #expect(august.cell("D1", .ratio, variant: "c", ["service": "care"])?.numerator == 6)
        #expect(august.cell("D1", .ratio, variant: "c", ["service": "care"])?.denominator == 60)
        #expect(august.value("P3") == 1)
        #expect(august.value("P4", .ratio) == 0)
        #expect(august.cell("P5")?.numerator == 1)
        #expect(august.cell("P5")?.denominator == 1)

        let build = try AsOfBuild.build(
            [MetricsFactsProjection()], ledger: fixture.services.ledger, size: size,
            under: fixture.directory.path)
        defer { build.remove() }
        #expect(build.cutoff.size == size)
        let asOf = try fixture.metricsFacts(story.programme, in: build.store).values("2025-08-01", "2025-09-01")
        #expect(asOf == captured)
        #expect(asOf != august)
    }

    @Test("A6's appeals from events: a refusal in the programme appealed and resolved, another one pending")
    func appeals() async throws {
        let fixture = try ProjectionsFixture()
        let programme = ProgrammeID(uuid: UUID())
        let other = ProgrammeID(uuid: UUID())
        let applications = (0..<3).map { _ in (ApplicationID(uuid: UUID()), PersonRef(uuid: UUID())) }
        for (index, (application, person)) in applications.enumerated() {
            try await fixture.emit(
                .qualificationRefused(
                    QualificationRefused(
                        applicationId: application, personRef: person, programmeId: index == 2 ? other : programme,
                        decisionRef: "D-\(index)", decisionDate: .on("2025-03-20"), legalBasis: "art. 5",
                        appealInstruction: "14 dni", signedBy: StaffID(uuid: UUID()),
                        personal: .init(reasons: "Brak kryteriów"))))
            try await fixture.emit(
                .refusalAppealed(
                    RefusalAppealed(
                        applicationId: application, personRef: person, decisionRef: "D-\(index)", appealBody: "SKO",
                        appealedOn: .on("2025-04-0\(index + 1)"))))
        }
        try await fixture.emit(
            .appealResolved(
                AppealResolved(
                    applicationId: applications[0].0, personRef: applications[0].1, appealBody: "SKO",
                    outcome: .quashed, appealDecisionRef: "SKO-1", resolvedOn: .on("2025-04-20"))))
        try fixture.catchUp(MetricsFactsProjection())
        let april = try fixture.metricsFacts(programme).values("2025-04-01", "2025-05-01")
        #expect(april.value("A6", .count, variant: "appealsLodged") == 2, "the third refusal is another programme's")
        #expect(april.value("A6", .count, variant: "appealsResolved") == 1)
        #expect(april.value("A6", .count, variant: "appealsResolved", ["outcome": "quashed"]) == 1)
    }

    @Test(
        "A6 per programme: an appeal counts under the refusal it contests, resolutions close the earliest, every decision counts"
    )
    func appealsPerRefusedProgramme() async throws {
        let fixture = try ProjectionsFixture()
        let (first, second) = (ProgrammeID(uuid: UUID()), ProgrammeID(uuid: UUID()))
        let (application, person) = (ApplicationID(uuid: UUID()), PersonRef(uuid: UUID()))
        for (programme, reference) in [(first, "D-A"), (second, "D-B")] {
            try await fixture.emit(
                .qualificationRefused(
                    QualificationRefused(
                        applicationId: application, personRef: person, programmeId: programme,
                        decisionRef: reference, decisionDate: .on("2025-04-03"), legalBasis: "art. 5",
                        appealInstruction: "14 dni", signedBy: StaffID(uuid: UUID()),
                        personal: .init(reasons: "Brak kryteriów"))))
        }
        // Only the second programme's refusal is appealed, then a second appeal against the first one.
        for (reference, day) in [("D-B", "2025-04-05"), ("D-A", "2025-04-06")] {
            try await fixture.emit(
                .refusalAppealed(
                    RefusalAppealed(
                        applicationId: application, personRef: person, decisionRef: reference, appealBody: "SKO",
                        appealedOn: .on(day))))
        }
        fixture.occurredAt = Instant(microsecondsSinceEpoch: 1_745_316_000_000_000)  // 2025-04-22, the grant's day
        try await fixture.emit(
            .appealResolved(
                AppealResolved(
                    applicationId: application, personRef: person, appealBody: "SKO", outcome: .quashed,
                    appealDecisionRef: "SKO-1", resolvedOn: .on("2025-04-20"))),
            .qualificationGranted(
                QualificationGranted(
                    applicationId: application, personRef: person, qualificationId: QualificationID(uuid: UUID()),
                    programmeId: second, programmeVersion: 1, serviceIds: ["care"], queuePosition: 1,
                    validFrom: .on("2025-04-22"), promotedFromWaitlist: false)))
        try fixture.catchUp(MetricsFactsProjection())
        let inFirst = try fixture.metricsFacts(first).values("2025-04-01", "2025-05-01")
        let inSecond = try fixture.metricsFacts(second).values("2025-04-01", "2025-05-01")
        #expect(inFirst.value("A6", .count, variant: "appealsLodged") == 1)
        #expect(inFirst.value("A6", .count, variant: "appealsResolved") == 0, "the earliest appeal was the second's")
        #expect(inSecond.value("A6", .count, variant: "appealsLodged") == 1)
        #expect(inSecond.value("A6", .count, variant: "appealsResolved", ["outcome": "quashed"]) == 1)
        #expect(inFirst.cell("A6", .ratio)?.numerator == 1 && inFirst.cell("A6", .ratio)?.denominator == 1)
        // Refused on 04-03, granted on 04-22 after the appeal: two decisions, one refusal.
        #expect(inSecond.cell("A6", .ratio)?.numerator == 1 && inSecond.cell("A6", .ratio)?.denominator == 2)
    }

    @Test("A5 from waiting-list spells: a withdrawal and a promotion close them")
    func waitingList() async throws {
        let fixture = try ProjectionsFixture()
        let programme = ProgrammeID(uuid: UUID())
        let applicants = (0..<3).map { _ in (ApplicationID(uuid: UUID()), PersonRef(uuid: UUID())) }
        fixture.occurredAt = Instant(startOf: .on("2025-03-20"))
        for (application, person) in applicants {
            try await fixture.emit(
                .applicantWaitlisted(
                    ApplicantWaitlisted(
                        applicationId: application, personRef: person, programmeId: programme, serviceIds: ["care"],
                        position: 1, reason: .limitReached)))
        }
        try await fixture.emit(
            .applicationWithdrawn(
                ApplicationWithdrawn(
                    applicationId: applicants[1].0, personRef: applicants[1].1, withdrawnOn: .on("2025-05-15"))))
        fixture.occurredAt = Instant(startOf: .on("2025-05-20"))
        try await fixture.emit(
            .waitlistPromoted(
                WaitlistPromoted(
                    applicationId: applicants[2].0, personRef: applicants[2].1, programmeId: programme,
                    serviceIds: ["care"], fromPosition: 1)))
        try fixture.catchUp(MetricsFactsProjection())
        let facts = try fixture.metricsFacts(programme)
        let april = facts.values("2025-04-01", "2025-05-01")
        #expect(april.value("A5", .count) == 3)
        #expect(april.value("A5", .median, variant: "ageDays") == 42)
        let may = facts.values("2025-05-01", "2025-06-01")
        #expect(may.value("A5", .count) == 1)
        #expect(may.value("A5", .median, variant: "ageDays") == 73)
    }

    @Test("The report suppresses with the rule set's threshold and names the rule-set and indicator versions")
    func report() throws {
        let story = MetricsStory()
        let report = try MetricsReport(
            facts: story.facts, programme: ProgrammeID(uuid: UUID()), period: story.april,
            cutoff: AsOfBuild.Cutoff(size: 7, root: "00"), ruleBook: .defaults)
        #expect(report.ruleSetVersion.hasPrefix("cus-act/"))
        #expect(report.indicatorVersion == Indicators.version)
        #expect(report.indicators == Suppression(threshold: 5).apply(story.values))
        #expect(report.indicators.cell("A2", .median)?.display == "<5")
        let staff = try MetricsReport(
            facts: story.facts, programme: ProgrammeID(uuid: UUID()), period: story.april,
            cutoff: AsOfBuild.Cutoff(size: 7, root: "00"), ruleBook: .defaults, suppressed: false)
        #expect(staff.indicators == story.values)
        #expect(staff.indicators.allSatisfy { !$0.suppressed && $0.display == nil })
        #expect(staff.indicators.cell("A2", .median)?.value != nil)
    }

    @Test("Rebuilt from zero, MetricsFacts is byte-identical to the one built live in small batches")
    func rebuildIsByteIdentical() async throws {
        let fixture = try ProjectionsFixture()
        fixture.batchEvents = 3
        fixture.liveProjections = [MetricsFactsProjection()]
        let workload = WorkloadStory()
        try await workload.reverse(try await workload.feed(fixture), fixture)
        try await FeeStory().feed(fixture)
        try await PlanStory().feed(fixture)
        let contents = try fixture.liveAndRebuiltContents(MetricsFactsProjection())
        #expect(!contents.live.isEmpty)
        #expect(contents.live == contents.rebuilt)
    }
}
