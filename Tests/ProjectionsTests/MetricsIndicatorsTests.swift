import Domain
import Foundation
import Testing

@testable import Projections

/// April 2025 in one programme, as effective facts (hand-computed values in each test). Six residents a–f
/// (f erased) and events just outside the period on both sides.
struct MetricsStory {
    let a = PersonRef(uuid: UUID())
    let b = PersonRef(uuid: UUID())
    let c = PersonRef(uuid: UUID())
    let d = PersonRef(uuid: UUID())
    let e = PersonRef(uuid: UUID())
    let f = PersonRef(uuid: UUID())
    /// Has an approved plan and no deliveries.
    let g = PersonRef(uuid: UUID())
    let h1 = HouseholdRef(uuid: UUID())
    let h2 = HouseholdRef(uuid: UUID())
    let april = MetricsPeriod(from: .on("2025-04-01"), to: .on("2025-05-01"))

    func delivery(_ person: PersonRef, _ date: String, _ service: String, _ units: Int64) -> MetricsFacts.Delivery {
        MetricsFacts.Delivery(
            personRef: person, date: .on(date), serviceId: service, unit: service == "care" ? "hour" : "session",
            area: service == "care" ? "social" : "health", units: units)
    }

    func decision(_ filed: String, _ decided: String, granted: Bool = true) -> MetricsFacts.Decision {
        MetricsFacts.Decision(personRef: a, filedAt: .on(filed), decidedOn: .on(decided), granted: granted)
    }

    var facts: MetricsFacts {
        MetricsFacts(
            deliveries: [
                delivery(a, "2025-03-31", "care", 8),
                delivery(a, "2025-04-02", "care", 8), delivery(a, "2025-04-09", "psych", 2),
                delivery(b, "2025-04-03", "care", 4), delivery(c, "2025-04-30", "care", 2),
                delivery(d, "2025-04-15", "psych", 1), delivery(e, "2025-04-16", "care", 3),
                delivery(f, "2025-04-17", "care", 5), delivery(b, "2025-05-01", "care", 4),
            ],
            missed: [
                MetricsFacts.Missed(date: .on("2025-04-10"), serviceId: "care", reason: "residentAbsent"),
                MetricsFacts.Missed(date: .on("2025-04-11"), serviceId: "care", reason: "residentAbsent"),
                MetricsFacts.Missed(date: .on("2025-04-12"), serviceId: "psych", reason: "providerUnavailable"),
                MetricsFacts.Missed(date: .on("2025-05-03"), serviceId: "care", reason: "residentAbsent"),
            ],
            decisions: [
                decision("2025-03-20", "2025-03-30"),
                decision("2025-03-29", "2025-04-01"), decision("2025-03-30", "2025-04-06"),
                decision("2025-04-01", "2025-04-11", granted: false), decision("2025-04-01", "2025-04-15"),
                decision("2025-04-01", "2025-04-22", granted: false), decision("2025-03-31", "2025-04-30"),
            ],
            plans: [
                MetricsFacts.Plan(
                    personRef: a, filedAt: .on("2025-03-05"), approvedOn: .on("2025-03-26"),
                    plannedStart: .on("2025-04-01"),
                    plannedEnd: .on("2025-06-30"), deadlineDays: 30,
                    lengthWithinMonths: true, endedOn: .on("2025-04-20"), end: .completed, summaryRecorded: true),
                MetricsFacts.Plan(
                    personRef: b, filedAt: .on("2025-03-10"), approvedOn: .on("2025-04-05"),
                    plannedStart: .on("2025-04-06"),
                    plannedEnd: .on("2025-09-30"), deadlineDays: 30,
                    lengthWithinMonths: true, hasSupportingActivity: true,
                    suspensions: [PlanState.Suspension(from: .on("2025-05-01"), resumedOn: .on("2025-07-01"))]),
                MetricsFacts.Plan(
                    personRef: c, filedAt: .on("2025-03-01"), approvedOn: .on("2025-04-10"),
                    plannedStart: .on("2025-04-11"),
                    plannedEnd: .on("2025-10-10"), deadlineDays: 30,
                    lengthWithinMonths: false, endedOn: .on("2025-04-25"), end: .terminatedEarly(reason: "needsMet")),
                MetricsFacts.Plan(
                    personRef: d, filedAt: .on("2025-04-01"), approvedOn: .on("2025-04-21"),
                    plannedStart: .on("2025-05-01"),
                    plannedEnd: .on("2025-10-31"), deadlineDays: 30,
                    lengthWithinMonths: true),
                MetricsFacts.Plan(
                    personRef: e, filedAt: .on("2025-02-01"), draftedOn: .on("2025-02-20"), deadlineDays: 30),
                MetricsFacts.Plan(
                    personRef: f, filedAt: .on("2025-04-10"), draftedOn: .on("2025-04-15"), deadlineDays: 30),
                MetricsFacts.Plan(
                    personRef: a, filedAt: .on("2025-01-01"), approvedOn: .on("2025-01-20"),
                    plannedStart: .on("2025-02-01"),
                    plannedEnd: .on("2025-07-31"), deadlineDays: 30, lengthWithinMonths: true,
                    endedOn: .on("2025-04-28"), end: .terminatedEarly(reason: "moved"),
                    summaryRecorded: true),
                MetricsFacts.Plan(
                    personRef: b, filedAt: .on("2025-01-01"), approvedOn: .on("2025-01-20"), deadlineDays: 30,
                    lengthWithinMonths: true, endedOn: .on("2025-05-02"), end: .completed),
            ] + [
                MetricsFacts.Plan(
                    personRef: g, filedAt: .on("2025-02-01"), approvedOn: .on("2025-03-01"),
                    plannedStart: .on("2025-03-01"),
                    plannedEnd: .on("2025-08-31"), deadlineDays: 30, lengthWithinMonths: true,
                    suspensions: [
                        PlanState.Suspension(from: .on("2025-04-01"), plannedTo: .on("2025-04-29")),
                        PlanState.Suspension(from: .on("2025-06-01")),
                    ])
            ],
            charges: [
                MetricsFacts.Charge(
                    personRef: a, chargePeriod: "2025-04", gross: 8_000, paid: 8_000,
                    settlements: [settlement("2025-04-28", 8_000)]),
                MetricsFacts.Charge(
                    personRef: b, chargePeriod: "2025-04", gross: 8_000, exemptedPartial: 4_000, paid: 2_000,
                    exemptionRule: "EX-2", settlements: [settlement("2025-05-10", 2_000)]),
                MetricsFacts.Charge(
                    personRef: c, chargePeriod: "2025-04", gross: 6_000, exemptedTotal: 6_000, exemptionRule: "EX-1"),
                MetricsFacts.Charge(personRef: d, chargePeriod: "2025-04", gross: 8_000, cancelled: 8_000),
                MetricsFacts.Charge(
                    personRef: e, chargePeriod: "2025-04", gross: 5_000, paid: 1_000, writtenOff: 1_000,
                    settlements: [settlement("2025-04-20", 1_000), settlement("2025-05-05", 1_000)]),
                MetricsFacts.Charge(personRef: f, chargePeriod: "2025-04", gross: 3_000),
                MetricsFacts.Charge(personRef: a, chargePeriod: "2025-05", gross: 8_000),
            ],
            waiting: [
                MetricsFacts.Waiting(personRef: a, enteredOn: .on("2025-03-01"), leftOn: .on("2025-04-15")),
                MetricsFacts.Waiting(personRef: b, enteredOn: .on("2025-03-20")),
                MetricsFacts.Waiting(personRef: c, enteredOn: .on("2025-04-20"), leftOn: .on("2025-05-03")),
                MetricsFacts.Waiting(personRef: d, enteredOn: .on("2025-05-02")),
            ],
            qualifications: [
                MetricsFacts.Qualification(personRef: a, validFrom: .on("2025-01-01")),
                MetricsFacts.Qualification(personRef: b, validFrom: .on("2025-03-01"), validTo: .on("2025-04-01")),
                MetricsFacts.Qualification(personRef: d, validFrom: .on("2025-04-01")),
                MetricsFacts.Qualification(personRef: e, validFrom: .on("2025-02-01"), validTo: .on("2025-03-31")),
                MetricsFacts.Qualification(personRef: g, validFrom: .on("2025-05-01")),
            ],
            appeals: [
                MetricsFacts.Appeal(appealedOn: .on("2025-03-10"), resolvedOn: .on("2025-04-02"), outcome: "remitted"),
                MetricsFacts.Appeal(appealedOn: .on("2025-04-14"), resolvedOn: .on("2025-04-28"), outcome: "upheld"),
                MetricsFacts.Appeal(appealedOn: .on("2025-04-25"), resolvedOn: .on("2025-05-20"), outcome: "quashed"),
                MetricsFacts.Appeal(appealedOn: .on("2025-04-30")),
            ],
            memberships: [
                a: [MetricsFacts.Membership(householdRef: h1, validFrom: .on("2025-01-01"))],
                b: [MetricsFacts.Membership(householdRef: h1, validFrom: .on("2025-01-01"))],
                c: [MetricsFacts.Membership(householdRef: h2, validFrom: .on("2025-04-20"))],
                d: [
                    MetricsFacts.Membership(householdRef: h1, validFrom: .on("2025-01-01"), validTo: .on("2025-04-10"))
                ],
                g: [MetricsFacts.Membership(householdRef: h1, validFrom: .on("2025-02-01"))],
            ],
            attributes: [
                a: StatisticalAttributes(sex: .female, ageBand: "75+", district: "D1"),
                b: StatisticalAttributes(sex: .female, ageBand: "75+", district: "D1"),
                c: StatisticalAttributes(sex: .male, ageBand: "60-74", district: "D2"),
                d: StatisticalAttributes(sex: .female, ageBand: "60-74", district: "D1"),
                e: StatisticalAttributes(sex: .female, ageBand: "75+", district: "D2"),
                f: StatisticalAttributes(erasedAt: 42),
            ])
    }

    func settlement(_ date: String, _ amount: Int64) -> MetricsFacts.Settlement {
        MetricsFacts.Settlement(date: .on(date), amount: amount)
    }

    var values: [IndicatorValue] { Indicators.compute(facts, period: april) }

    func values(_ from: String, _ to: String) -> [IndicatorValue] {
        Indicators.compute(facts, period: MetricsPeriod(from: .on(from), to: .on(to)))
    }
}

extension [IndicatorValue] {
    func cell(
        _ id: String, _ statistic: IndicatorStatistic? = nil, variant: String? = nil,
        _ breakdown: [String: String] = [:]
    ) -> IndicatorValue? {
        let found = filter {
            $0.id == id && (statistic == nil || $0.statistic == statistic) && $0.variant == variant
                && $0.breakdown == breakdown
        }
        return found.count == 1 ? found[0] : nil
    }

    func value(
        _ id: String, _ statistic: IndicatorStatistic? = nil, variant: String? = nil,
        _ breakdown: [String: String] = [:]
    ) -> Double? {
        cell(id, statistic, variant: variant, breakdown)?.value
    }
}

@Suite("Indicators: domain.md §6.2's v1 indicators against hand-computed values")
struct MetricsIndicatorsTests {
    let story = MetricsStory()

    @Test("R1 counts distinct persons delivered to in P, by sex, age band and district; the erased in 'not available'")
    func reach() {
        let values = story.values
        #expect(values.value("R1", .count) == 6, "a–f; a's March delivery and b's May one are outside April")
        #expect(values.value("R1", .count, ["sex": "female"]) == 4)
        #expect(values.value("R1", .count, ["sex": "male"]) == 1)
        #expect(values.value("R1", .count, ["sex": Suppression.notAvailable]) == 1)
        #expect(values.value("R1", .count, ["ageBand": "75+"]) == 3)
        #expect(values.value("R1", .count, ["ageBand": "60-74"]) == 2)
        #expect(values.value("R1", .count, ["district": "D1"]) == 3)
        #expect(values.value("R1", .count, ["district": "D2"]) == 2)
        #expect(values.value("R1", .count, ["district": Suppression.notAvailable]) == 1)
        #expect(values.filter { $0.id == "R1" }.count == 1 + 3 + 3 + 3)
    }

    @Test("R2: households by membership on the delivery date (none: a household of one), and persons in them")
    func households() {
        let values = story.values
        // h1 (a, b), h2 (c, a member since 04-20, delivered 04-30), and d (left h1 on 04-10, delivered on 04-15),
        // e and f alone.
        #expect(values.value("R2", .count) == 5)
        // h1's members in April (a, b, d until 04-10, g without a delivery), c, and d, e, f alone: 7 persons.
        #expect(values.value("R2", .count, variant: "persons") == 7)
    }

    @Test("R5 counts a person in every area used")
    func reachByArea() {
        let values = story.values
        #expect(values.value("R5", .count, ["area": "social"]) == 5)
        #expect(values.value("R5", .count, ["area": "health"]) == 2)
        #expect(values.cell("R5") == nil, "no total: areas overlap")
    }

    @Test("A1: median and nearest-rank p90 of days to the first decision, decided in P; A6 refusal rate")
    func qualification() {
        let values = story.values
        // Days 3, 7, 10, 14, 21, 30 (the decision of 03-30 is outside April).
        #expect(values.value("A1", .median) == 12)
        #expect(values.cell("A1", .median)?.n == 6)
        #expect(values.value("A1", .p90) == 30, "rank ⌈0.9 × 6⌉ = 6")
        let refusals = values.cell("A6", .ratio)
        #expect(refusals?.numerator == 2)
        #expect(refusals?.denominator == 6)
        #expect(refusals?.value == 2.0 / 6.0)
    }

    @Test("A6 appeals: lodged in P, resolved in P in total and by outcome")
    func appeals() {
        let values = story.values
        // Lodged 04-14, 04-25, 04-30 (the one of 03-10 is March's); resolved 04-02 (remitted), 04-28 (upheld).
        #expect(values.value("A6", .count, variant: "appealsLodged") == 3)
        #expect(values.value("A6", .count, variant: "appealsResolved") == 2)
        #expect(values.value("A6", .count, variant: "appealsResolved", ["outcome": "remitted"]) == 1)
        #expect(values.value("A6", .count, variant: "appealsResolved", ["outcome": "upheld"]) == 1)
        #expect(values.cell("A6", .count, variant: "appealsResolved", ["outcome": "quashed"]) == nil, "in May")
        let may = story.values("2025-05-01", "2025-06-01")
        #expect(may.value("A6", .count, variant: "appealsResolved", ["outcome": "quashed"]) == 1)
        #expect(may.value("A6", .count, variant: "appealsLodged") == 0)
    }

    @Test("A2 days to approval, A3 compliance with the deadline and drafts overdue at p₁, P2 length conformity")
    func approvals() {
        let values = story.values
        // Approved in April: 26, 40 and 20 days after filedAt.
        #expect(values.value("A2", .median) == 26)
        #expect(values.value("A2", .p90) == 40)
        #expect(values.cell("A2", .p90)?.n == 3)
        #expect(values.cell("A3", .ratio)?.numerator == 2)
        #expect(values.cell("A3", .ratio)?.denominator == 3)
        #expect(
            values.value("A3", .count, variant: "draftsOverdueAtEnd") == 1, "e's draft, due 03-03; f's is due 05-10")
        #expect(values.value("P2", .ratio) == 2.0 / 3.0)
    }

    @Test("A4: days from the latest grant to a person's first delivery of a service, first deliveries in P")
    func waitToFirstService() {
        let values = story.values
        // Only a has grants; a's first care was on 03-31 (before April), her first psych on 04-09, 3 days after
        // the grant of 04-06.
        #expect(values.value("A4", .median) == 3)
        #expect(values.cell("A4", .median)?.n == 1)
        #expect(values.value("A4", .median, ["service": "psych"]) == 3)
        #expect(values.cell("A4", .median, ["service": "care"]) == nil)
    }

    @Test("A5: spells still open at p₁, and their median age in days at p₁; P8 plans with a supporting activity")
    func waitingListAndSupportingActivities() {
        let values = story.values
        // b (since 03-20: 42 days at 05-01) and c (since 04-20: 11 days; leaves 05-03); a left, d enters later.
        #expect(values.value("A5", .count) == 2)
        #expect(values.value("A5", .median, variant: "ageDays") == 26.5)
        #expect(values.cell("P8")?.numerator == 1)
        #expect(values.cell("P8")?.denominator == 3)
    }

    @Test(
        "D3 without plan ids: approved plans' active months in P (a suspended month is not active) with a delivery to their person"
    )
    func continuity() {
        // April: a's two plans, b's, c's (delivered) and g's (not; suspended 04-01 to 04-29, so active on 04-30);
        // d's starts in May.
        #expect(story.values.cell("D3")?.numerator == 4)
        #expect(story.values.cell("D3")?.denominator == 5)
        // Q2: a 1+1 (both ended in April), b 1 (April; suspended from 05-01 to the resumption on 07-01, so its May
        // delivery counts for no active month), c 1, d 2 (none), g 2 (April, May; suspended from 06-01, open).
        let quarter = story.values("2025-04-01", "2025-07-01")
        #expect(quarter.cell("D3")?.numerator == 4)
        #expect(quarter.cell("D3")?.denominator == 8)
        // July: b resumed (delivered in none), d and g's open suspension: only b and d are active.
        #expect(story.values("2025-07-01", "2025-08-01").cell("D3")?.denominator == 2)
    }

    @Test("A4 per provider: the provider of each person's first delivery of a service, through its authorisation")
    func waitPerProvider() {
        let (a, b) = (PersonRef(uuid: UUID()), PersonRef(uuid: UUID()))
        let (ngo, own) = (AuthorisationID(uuid: UUID()), AuthorisationID(uuid: UUID()))
        func delivery(_ person: PersonRef, _ date: String, _ authorisation: AuthorisationID) -> MetricsFacts.Delivery {
            MetricsFacts.Delivery(
                personRef: person, date: .on(date), serviceId: "care", unit: "hour", area: "social", units: 2,
                authorisationId: authorisation)
        }
        func authorisation(_ id: AuthorisationID, _ provider: String) -> MetricsFacts.Authorisation {
            MetricsFacts.Authorisation(
                id: id, serviceId: "care", providerId: provider, unitsAuthorised: 10, end: .on("2025-06-30"),
                allocation: [:])
        }
        let facts = MetricsFacts(
            // b's first delivery is the own unit's (04-08); the NGO's later one is not a first.
            deliveries: [
                delivery(a, "2025-04-11", ngo), delivery(b, "2025-04-20", ngo), delivery(b, "2025-04-08", own),
            ],
            decisions: [
                MetricsFacts.Decision(
                    personRef: a, filedAt: .on("2025-03-01"), decidedOn: .on("2025-04-01"), granted: true),
                MetricsFacts.Decision(
                    personRef: b, filedAt: .on("2025-03-01"), decidedOn: .on("2025-04-02"), granted: true),
            ],
            authorisations: [authorisation(ngo, "NGO"), authorisation(own, "OWN")])
        let april = Indicators.compute(facts, period: MetricsPeriod(from: .on("2025-04-01"), to: .on("2025-05-01")))
        #expect(april.cell("A4", .median, ["service": "care"])?.n == 2)
        #expect(april.value("A4", .median, ["service": "care", "provider": "NGO"]) == 10)
        #expect(april.value("A4", .median, ["service": "care", "provider": "OWN"]) == 6)
        #expect(april.cell("A4", .median, ["service": "care", "provider": "OWN"])?.n == 1)
    }

    @Test("D3 with plan ids: a month counts only with a delivery under an authorisation ordered for that plan")
    func continuityUnderThePlan() {
        let person = PersonRef(uuid: UUID())
        let (withPlan, other) = (PlanID(uuid: UUID()), PlanID(uuid: UUID()))
        let (ordered, direct) = (AuthorisationID(uuid: UUID()), AuthorisationID(uuid: UUID()))
        func plan(_ id: PlanID) -> MetricsFacts.Plan {
            MetricsFacts.Plan(
                personRef: person, filedAt: .on("2025-03-01"), approvedOn: .on("2025-03-20"),
                plannedStart: .on("2025-04-01"), plannedEnd: .on("2025-06-30"), deadlineDays: 30, id: id)
        }
        func delivery(_ date: String, _ authorisation: AuthorisationID) -> MetricsFacts.Delivery {
            MetricsFacts.Delivery(
                personRef: person, date: .on(date), serviceId: "care", unit: "hour", area: "social", units: 2,
                authorisationId: authorisation)
        }
        let facts = MetricsFacts(
            deliveries: [delivery("2025-04-10", direct), delivery("2025-05-10", ordered)],
            plans: [plan(withPlan), plan(other)],
            authorisations: [
                MetricsFacts.Authorisation(
                    id: ordered, serviceId: "care", providerId: "NGO", unitsAuthorised: 10, end: .on("2025-06-30"),
                    allocation: [:], planId: withPlan),
                MetricsFacts.Authorisation(
                    id: direct, serviceId: "care", providerId: "NGO", unitsAuthorised: 10, end: .on("2025-06-30"),
                    allocation: [:]),
            ])
        let april = Indicators.compute(facts, period: MetricsPeriod(from: .on("2025-04-01"), to: .on("2025-05-01")))
        #expect(april.cell("D3")?.numerator == 0, "a direct authorisation's delivery serves no plan")
        #expect(april.cell("D3")?.denominator == 2)
        let may = Indicators.compute(facts, period: MetricsPeriod(from: .on("2025-05-01"), to: .on("2025-06-01")))
        #expect(may.cell("D3")?.numerator == 1, "only the plan the authorisation was ordered for")
        #expect(may.cell("D3")?.denominator == 2)
    }

    @Test("P1: persons with a plan active in P among persons with a qualification valid in P")
    func coverage() {
        // Qualified in April: a, b (until 04-01), d; e's ended in March, g's starts in May. Of them a (two plans)
        // and b (from 04-06) have a plan active in April; d's starts in May.
        #expect(story.values.cell("P1")?.numerator == 2)
        #expect(story.values.cell("P1")?.denominator == 3)
        // June: qualified a, d, g; a's plans ended in April, g's is suspended all June: only d's is active.
        let june = story.values("2025-06-01", "2025-07-01")
        #expect(june.cell("P1")?.numerator == 1)
        #expect(june.cell("P1")?.denominator == 3)
    }

    @Test("P3–P5 over plans ending in P: completion, drop-out by reason and without needsMet/died, summaries")
    func endings() {
        let values = story.values
        #expect(values.cell("P3")?.numerator == 1)
        #expect(values.cell("P3")?.denominator == 3)
        #expect(values.value("P4", .ratio) == 2.0 / 3.0)
        #expect(values.value("P4", .ratio, ["reason": "moved"]) == 1.0 / 3.0)
        #expect(values.value("P4", .ratio, ["reason": "needsMet"]) == 1.0 / 3.0)
        #expect(values.value("P4", .ratio, variant: "withoutNeedsMetAndDied") == 0.5)
        #expect(values.value("P5", .ratio) == 2.0 / 3.0)
    }

    @Test("D2 missed ÷ (delivered + missed) and missed by reason; D4 units per service and unit, deliveries")
    func delivery() {
        let values = story.values
        #expect(values.cell("D2", .ratio)?.numerator == 3)
        #expect(values.cell("D2", .ratio)?.denominator == 10)
        #expect(values.value("D2", .count, variant: "missed", ["reason": "residentAbsent"]) == 2)
        #expect(values.value("D2", .count, variant: "missed", ["reason": "providerUnavailable"]) == 1)
        #expect(values.value("D4", .sum, variant: "units", ["service": "care", "unit": "hour"]) == 22)
        #expect(values.value("D4", .sum, variant: "units", ["service": "psych", "unit": "session"]) == 3)
        #expect(values.cell("D4", .sum, variant: "units") == nil, "units are never summed across unit types")
        #expect(values.value("D4", .count, variant: "deliveries") == 7)
        #expect(values.value("D4", .count, variant: "deliveries", ["service": "care"]) == 5)
    }

    @Test("F1–F5 over charges for April: a charge cancelled in full drops out, exemptions by kind")
    func finance() {
        let values = story.values
        #expect(values.value("F1") == 30_000)
        #expect(values.cell("F1")?.persons == 5)
        #expect(values.value("F2", .sum) == 10_000)
        #expect(values.value("F2", .sum, ["kind": "partial"]) == 4_000)
        #expect(values.value("F2", .sum, ["kind": "total"]) == 6_000)
        #expect(values.value("F3", .ratio, variant: "amount") == 1.0 / 3.0)
        #expect(values.cell("F3", .ratio, variant: "persons")?.numerator == 2)
        #expect(values.cell("F3", .ratio, variant: "persons")?.denominator == 5)
        #expect(values.value("F4") == 0.55)
        // At p₁ = 05-01: 30,000 − 10,000 − a's 8,000 (04-28) − e's 1,000 paid (04-20); b's payment (05-10) and
        // e's write-off (05-05) come after p₁. As of the cutoff it would be 8,000.
        #expect(values.value("F5") == 11_000)
        #expect(values.cell("F5")?.persons == 5)
    }

    @Test("F1–F5: a partly exempt charge cancelled in full and reissued as totally exempt leaves nothing outstanding")
    func cancelledExemptChargeDropsOutWhole() {
        let person = PersonRef(uuid: UUID())
        let facts = MetricsFacts(charges: [
            MetricsFacts.Charge(
                personRef: person, chargePeriod: "2025-04", gross: 8_000, exemptedPartial: 4_000, cancelled: 4_000,
                exemptionRule: "EX-2"),
            MetricsFacts.Charge(
                personRef: person, chargePeriod: "2025-04", gross: 8_000, exemptedTotal: 8_000, exemptionRule: "EX-1"),
        ])
        let values = Indicators.compute(facts, period: story.april)
        #expect(values.value("F1") == 8_000)
        #expect(values.value("F2", .sum) == 8_000)
        #expect(values.value("F3", .ratio, variant: "amount") == 1.0)
        #expect(values.value("F5") == 0)
    }

    @Test("F3 by exemption rule: amount and persons per rule, siblings of the totals")
    func exemptionRate() {
        let values = story.values
        #expect(values.cell("F3", .ratio, variant: "amount", ["rule": "EX-1"])?.numerator == 6_000)
        #expect(values.cell("F3", .ratio, variant: "amount", ["rule": "EX-1"])?.denominator == 30_000)
        #expect(values.value("F3", .ratio, variant: "amount", ["rule": "EX-2"]) == 4_000.0 / 30_000.0)
        #expect(values.value("F3", .ratio, variant: "persons", ["rule": "EX-1"]) == 1.0 / 5.0)
        #expect(values.value("F3", .ratio, variant: "persons", ["rule": "EX-2"]) == 1.0 / 5.0)
        #expect(values.filter { $0.id == "F3" && $0.breakdown["rule"] != nil }.count == 4)
        let cells = Suppression(threshold: 5).apply(values)
        #expect(cells.filter { $0.id == "F3" }.allSatisfy { $0.suppressed }, "one or two persons exempted")
    }

    @Test("D1 (c) over plans ending in P and V1 against the capacity in force, with a change and an ending")
    func plannedAndCapacity() throws {
        var facts = story.facts
        let plan = PlanID(uuid: UUID())
        let (care, psych) = (AuthorisationID(uuid: UUID()), AuthorisationID(uuid: UUID()))
        // a's first plan (completed 04-20) planned 24 h of care and 6 psych sessions.
        facts.plans[0].id = plan
        facts.plans[0].unitsPlanned = ["care": 24, "psych": 6]
        facts.authorisations = [
            MetricsFacts.Authorisation(
                id: care, serviceId: "care", providerId: "NGO", unitsAuthorised: 24, end: .on("2025-06-30"),
                allocation: ["2025-03": 8, "2025-04": 8, "2025-05": 8], planId: plan),
            MetricsFacts.Authorisation(
                id: psych, serviceId: "psych", providerId: "OWN", unitsAuthorised: 6, end: .on("2025-06-30"),
                allocation: ["2025-04": 6], planId: plan),
        ]
        for index in facts.deliveries.indices where facts.deliveries[index].personRef == story.a {
            facts.deliveries[index].authorisationId = facts.deliveries[index].serviceId == "care" ? care : psych
        }
        let programme = ProgrammeID(uuid: UUID())
        var ngo = EngagementTerms(
            ProviderEngaged(
                providerId: ProviderID(uuid: UUID()), engagementId: EngagementID(uuid: UUID()), programmeId: programme,
                mode: .ngoEntrusted, serviceIds: ["care"], unitRate: 4_000, capacity: Capacity(unitsPerMonth: 400),
                validFrom: .on("2025-01-01")))
        ngo.capacityChanges = [
            EngagementCapacityChange(effectiveFrom: .on("2025-05-01"), capacity: Capacity(unitsPerMonth: 200))
        ]
        var own = EngagementTerms(
            ProviderEngaged(
                providerId: ProviderID(uuid: UUID()), engagementId: EngagementID(uuid: UUID()), programmeId: programme,
                mode: .ownUnit, serviceIds: ["psych"], unitRate: 0, capacity: Capacity(unitsPerMonth: 60),
                validFrom: .on("2025-04-15")))
        own.endedFrom = .on("2025-06-01")
        facts.engagements = [
            MetricsFacts.Engagement(providerId: "NGO", serviceId: "care", terms: ngo),
            MetricsFacts.Engagement(providerId: "OWN", serviceId: "psych", terms: own),
        ]
        let april = Indicators.compute(facts, period: story.april)
        // D1 (c): a's care 8 (03-31) + 8 (04-02) of 24 planned; psych 2 of 6.
        #expect(april.cell("D1", .ratio, variant: "c", ["service": "care"])?.numerator == 16)
        #expect(april.cell("D1", .ratio, variant: "c", ["service": "care"])?.denominator == 24)
        #expect(april.value("D1", .ratio, variant: "c", ["service": "psych"]) == 2.0 / 6.0)
        #expect(
            Indicators.compute(facts, period: MetricsPeriod(from: .on("2025-05-01"), to: .on("2025-06-01")))
                .filter { $0.variant == "c" }.isEmpty, "no plan with an id ends in May")
        // V1 April: 8 h of 400 (the engagement's capacity on 04-01); psych 2 of 60 (in force from 04-15).
        #expect(april.value("V1", .ratio, ["service": "care", "provider": "NGO"]) == 8.0 / 400.0)
        #expect(april.cell("V1", .ratio, ["service": "psych", "provider": "OWN"])?.denominator == 60)
        // Q2: care 8 of 400 + 200 + 200; psych 2 of 60 + 60 (ended from 06-01).
        let quarter = Indicators.compute(facts, period: MetricsPeriod(from: .on("2025-04-01"), to: .on("2025-07-01")))
        #expect(quarter.cell("V1", .ratio, ["service": "care", "provider": "NGO"])?.denominator == 800)
        #expect(quarter.cell("V1", .ratio, ["service": "care", "provider": "NGO"])?.numerator == 8)
        #expect(quarter.cell("V1", .ratio, ["service": "psych", "provider": "OWN"])?.denominator == 120)
    }

    @Test("Order statistics: conventional median, nearest-rank percentiles")
    func orderStatistics() {
        #expect(OrderStatistics.median([]) == nil)
        #expect(OrderStatistics.median([5]) == 5)
        #expect(OrderStatistics.median([4, 1, 3, 2]) == 2.5)
        #expect(OrderStatistics.percentile(90, Array(1...10)) == 9)
        #expect(OrderStatistics.percentile(90, Array(1...11)) == 10)
        #expect(OrderStatistics.percentile(90, [7]) == 7)
    }
}

@Suite("Suppression: domain.md §6.3 rules 1–5")
struct SuppressionTests {
    let policy = Suppression(threshold: 5)

    @Test("The threshold is the rule set's privacy.smallCellThreshold")
    func policyFromRuleSet() throws {
        let ruleSet = try RuleBook.defaults.ruleSet(inForceOn: .on("2025-04-01"))
        #expect(Suppression(ruleSet: ruleSet).threshold == 5)
        #expect(Suppression(ruleSet: ruleSet).display == "<5")
    }

    @Test("Rule 2 on O1's goal counts as well as the persons they cover; a money ratio goes by its persons alone")
    func goalCountsAndMoney() {
        let cells = policy.apply([
            .ratio("O1", "o", 3, 14, variant: "achieved", persons: 5),
            .ratio("O1", "o", 9, 14, variant: "partly", persons: 5),
            .ratio("O1", "o", 9, 14, variant: "other", persons: 4),
            .ratio("F4", "f", 3, 50_000, persons: 6),
        ])
        #expect(cells.map(\.suppressed) == [true, false, true, false])
    }

    @Test("Rule 1: counts of 1–4 show as <5, 0 and 5 are shown")
    func counts() {
        let cells = policy.apply([
            .count("R1", "n", 0), .count("R1", "n", 4, variant: "x"), .count("R1", "n", 5, variant: "y"),
        ])
        #expect(cells.map(\.suppressed) == [false, true, false])
        #expect(cells[1].display == "<5")
        #expect(cells[1].value == nil && cells[1].numerator == nil)
        #expect(cells[2].value == 5 && cells[2].display == nil)
    }

    @Test("Rule 2: a ratio is hidden if its numerator or denominator is 1–4")
    func ratios() {
        let cells = policy.apply([
            .ratio("P3", "r", 3, 10), .ratio("P4", "r", 0, 10), .ratio("P5", "r", 4, 4), .ratio("A3", "r", 5, 9),
        ])
        #expect(cells.map(\.suppressed) == [true, false, true, false])
        #expect(cells[0].denominator == nil)
    }

    @Test("Rule 3: a median or percentile is hidden if n < 5")
    func medians() {
        let four = Indicators.distribution("A2", "t", [1, 2, 3, 4])
        let five = Indicators.distribution("A1", "t", [1, 2, 3, 4, 5])
        let cells = policy.apply(four + five + Indicators.distribution("A1", "t", []))
        #expect(cells.map(\.suppressed) == [true, true, false, false, false, false])
        #expect(cells[2].value == 3)
    }

    @Test("Rule 4: a money sum or money ratio is hidden if it covers fewer than 5 persons")
    func money() {
        let cells = policy.apply([
            .sum("F1", "m", 30_000, persons: 4), .sum("F5", "m", 8_000, persons: 5),
            .ratio("F4", "m", 11_000, 20_000, persons: 3),
        ])
        #expect(cells.map(\.suppressed) == [true, false, true])
    }

    @Test("Rule 5: one hidden sibling with a shown total hides the next-smallest non-zero sibling ('x')")
    func secondary() {
        let cells = policy.apply([
            .count("R1", "n", 20), .count("R1", "n", 0, breakdown: ["sex": "notStated"]),
            .count("R1", "n", 3, breakdown: ["sex": "male"]), .count("R1", "n", 9, breakdown: ["sex": "female"]),
            .count("R1", "n", 8, breakdown: ["sex": "unknown"]),
            // Another dimension of the same indicator: two hidden cells already, nothing more to hide.
            .count("R1", "n", 2, breakdown: ["district": "D1"]), .count("R1", "n", 3, breakdown: ["district": "D2"]),
            .count("R1", "n", 15, breakdown: ["district": "D3"]),
        ])
        #expect(cells.map(\.suppressed) == [false, false, true, false, true, true, true, false])
        #expect(cells[2].display == "<5")
        #expect(cells[4].display == Suppression.secondaryDisplay)
        #expect(cells[4].value == nil)
        #expect(cells[3].value == 9)
    }

    @Test("Rule 5 over ratio siblings, and not when the total is itself hidden")
    func secondaryRatiosAndHiddenTotals() {
        let cells = policy.apply([
            .ratio("P4", "r", 6, 12), .ratio("P4", "r", 2, 12, breakdown: ["reason": "moved"]),
            .ratio("P4", "r", 4, 12, breakdown: ["reason": "needsMet"]),
            .count("R5", "n", 3), .count("R5", "n", 3, breakdown: ["area": "social"]),
            .count("D4", "n", 30), .count("D4", "n", 25, breakdown: ["service": "care"]),
            .count("D4", "n", 5, breakdown: ["service": "psych"]),
        ])
        #expect(cells.map(\.suppressed) == [false, true, true, true, true, false, false, false])
    }

    @Test("Rule 5 across indicators: V2 under D1 (b), F4 with a hidden F2, P4's variant with hidden needsMet or died")
    func secondaryAcrossIndicators() {
        let cells = policy.apply([
            .ratio("D1", "d", 43, 53, variant: "b", breakdown: ["service": "care"]),
            .ratio("V2", "v", 3, 3, breakdown: ["service": "care", "provider": "NGO-1"]),
            .ratio("V2", "v", 40, 50, breakdown: ["service": "care", "provider": "NGO-2"]),
            .ratio("V2", "v", 30, 40, breakdown: ["service": "psych", "provider": "NGO-2"]),
            .sum("F1", "f", 60_000, persons: 6), .sum("F2", "f", 10_000, persons: 2),
            .ratio("F4", "f", 30_000, 50_000, persons: 5),
            .ratio("P4", "p", 8, 20), .ratio("P4", "p", 6, 20, breakdown: ["reason": "moved"]),
            .ratio("P4", "p", 2, 20, breakdown: ["reason": "needsMet"]),
            .ratio("P4", "p", 6, 18, variant: "withoutNeedsMetAndDied"),
        ])
        // NGO-1's 3 of 3 would be D1 (b) − NGO-2; F2 would be F1 − F4's denominator; needsMet's 2 would be P3's
        // denominator (20) − the variant's (18), the died cell being absent.
        #expect(
            cells.map(\.suppressed) == [false, true, true, false, false, true, true, false, true, true, true])
        #expect(cells[2].display == Suppression.secondaryDisplay && cells[6].display == Suppression.secondaryDisplay)
        let large = policy.apply([
            .sum("F1", "f", 60_000, persons: 12), .sum("F2", "f", 10_000, persons: 6),
            .ratio("F4", "f", 30_000, 50_000, persons: 6),
            .ratio("P4", "p", 16, 40), .ratio("P4", "p", 6, 40, breakdown: ["reason": "moved"]),
            .ratio("P4", "p", 10, 40, breakdown: ["reason": "needsMet"]),
            .ratio("P4", "p", 6, 30, variant: "withoutNeedsMetAndDied"),
        ])
        #expect(large.allSatisfy { !$0.suppressed }, "nothing hidden, nothing to protect")
    }

    @Test("The erased persons' 'not available' bucket is always hidden, and its sibling with it")
    func notAvailable() {
        let values = MetricsStory().values
        let cells = Suppression(threshold: 1).apply(values)
        let sex = cells.filter { $0.id == "R1" && $0.breakdown.keys.first == "sex" }
        #expect(sex.filter(\.suppressed).count == 2, "'not available' (1) and the next-smallest, male (1)")
        #expect(cells.cell("R1", .count, ["sex": "female"])?.value == 4)
        #expect(cells.cell("R1", .count, ["sex": Suppression.notAvailable])?.display == "<1")
    }

    @Test("In the April story at k = 5, every small cell is hidden and large ones shown")
    func story() {
        let cells = policy.apply(MetricsStory().values)
        #expect(cells.cell("R1", .count)?.value == 6)
        #expect(cells.filter { $0.id == "R1" && !$0.breakdown.isEmpty }.allSatisfy { $0.suppressed })
        #expect(cells.cell("R5", .count, ["area": "social"])?.value == 5)
        #expect(cells.cell("R5", .count, ["area": "health"])?.suppressed == true)
        #expect(cells.cell("A1", .median)?.value == 12)
        #expect(cells.cell("A2", .median)?.suppressed == true)
        #expect(cells.cell("F1")?.value == 30_000)
        #expect(cells.cell("F2", .sum)?.suppressed == true, "2 persons exempted")
        #expect(cells.cell("F3", .ratio, variant: "amount")?.suppressed == true, "F2 is recoverable from it")
        #expect(cells.cell("F4")?.suppressed == true, "F2 is F1 − F4's denominator")
        #expect(cells.cell("F5")?.value == 11_000)
    }
}
