public import Domain

/// A reporting period [from, to) in local dates (Europe/Warsaw), domain.md §6.1.
public struct MetricsPeriod: Sendable, Hashable {
    public var from: LocalDate
    public var to: LocalDate

    public init(from: LocalDate, to: LocalDate) {
        self.from = from
        self.to = to
    }

    public func contains(_ date: LocalDate) -> Bool { from <= date && date < to }

    /// Whether P is whole calendar months, as domain.md §6.1 defines a period (a month, quarter, half-year or
    /// year, or a run of months): both ends are first days of a month. Monthly allocations, capacities and charge
    /// periods are counted per month, so a part of a month would mix a month's sums with part of its events.
    public var isWholeMonths: Bool { from < to && from.components.day == 1 && to.components.day == 1 }

    /// Why a period cannot be reported on, in one line; nil when it can.
    public var refusal: String? {
        guard from < to else { return "the period's end must be after its start" }
        guard isWholeMonths else {
            return "a period is whole months (domain.md §6.1): from and to must be first days of a month, "
                + "e.g. from 2025-04-01 to 2025-07-01 for 2025-Q2"
        }
        return nil
    }

    /// Whether a charge period "YYYY-MM" is in P: its first day is.
    public func contains(chargePeriod: String) -> Bool {
        guard let first = LocalDate("\(chargePeriod)-01") else { return false }
        return contains(first)
    }

    /// The calendar months with a day in P, in order, each cut to P: [from, to) per month.
    public var months: [MetricsPeriod] {
        var months: [MetricsPeriod] = []
        var first = from.adding(days: 1 - Int64(from.components.day))
        while first < to {
            let next = first.adding(months: 1)
            months.append(MetricsPeriod(from: Swift.max(first, from), to: Swift.min(next, to)))
            first = next
        }
        return months
    }
}

/// The v1 indicators of domain.md §6.2 computed from a programme's facts for one period, before suppression
/// (callers run `Suppression` last). Implemented: R1 (total, by sex, age band and district; erased persons
/// in "not available"), R2 (households, and persons in them), R5, A1, A2, A3 (and drafts overdue at p₁), A4
/// (by service, and by service and provider), A5, A6 (and appeals lodged, and resolved by outcome), P1, P2, P3, P4 (by reason, and
/// without needsMet and died), P5, P8, D1 (a, b, c by service), D2 (and missed by reason), D3, D4, V1 and V2 (by
/// provider and service), F1–F5 (F3 also by exemption rule, F5 at p₁), O1 (achieved, partly, mean GAS), O2, O3.
public enum Indicators {
    /// 2: V1, D1 (c), F3 by rule, A6 appeals, F5 at p₁, suspended months not active (P1, D3); O1–O3 and P4 by
    /// reason from the outcome dimension. 3: F1 leaves out a charge cancelled in full whole, its exempted part too
    /// (F2 already did, so F5 counted that part as outstanding); secondary suppression across indicators (V2 under
    /// D1 (b), F4 with F2, P4's variant with its reasons); A6's rate over every decision in P, its appeals under the
    /// programme of the refusal appealed; D3 credits a plan-month only with a delivery under that plan; O1's goal
    /// counts under rule 2 too; A4 by provider.
    public static let version = 3
    /// P4's variant that leaves out plans ended because needs were met or the person died (domain.md §6.2).
    static let dropOutWithoutNeedsMetAndDied = "withoutNeedsMetAndDied"
    static let dropOutReasonsExcluded: Set<String> = ["needsMet", "died"]

    public static func compute(_ facts: MetricsFacts, period: MetricsPeriod) -> [IndicatorValue] {
        reach(facts, period) + access(facts, period) + appeals(facts, period) + waitToFirstService(facts, period)
            + plan(facts, period) + delivery(facts, period) + continuity(facts, period) + fulfilment(facts, period)
            + finance(facts, period) + outcomes(facts, period)
    }

    // MARK: Reach

    static func reach(_ facts: MetricsFacts, _ period: MetricsPeriod) -> [IndicatorValue] {
        let deliveries = facts.deliveries.filter { period.contains($0.date) }
        let persons = Set(deliveries.map(\.personRef))
        let name = "Unique residents"
        var cells = [IndicatorValue.count("R1", name, persons.count)]
        let dimensions: [(String, (StatisticalAttributes) -> String?)] = [
            ("sex", { $0.sex?.rawValue }), ("ageBand", { $0.ageBand }), ("district", { $0.district }),
        ]
        for (dimension, attribute) in dimensions {
            var buckets: [String: Int] = [:]
            for person in persons {
                let attributes = facts.attributes[person]
                let bucket: String
                if let attributes, attributes.erasedAt == nil {
                    bucket = attribute(attributes) ?? "unknown"
                } else {
                    bucket = Suppression.notAvailable
                }
                buckets[bucket, default: 0] += 1
            }
            for (bucket, count) in buckets.sorted(by: { $0.key < $1.key }) {
                cells.append(.count("R1", name, count, breakdown: [dimension: bucket]))
            }
        }
        cells += households(facts, period, deliveries)
        var areas: [String: Set<PersonRef>] = [:]
        for delivery in deliveries { areas[delivery.area, default: []].insert(delivery.personRef) }
        for (area, persons) in areas.sorted(by: { $0.key < $1.key }) {
            cells.append(.count("R5", "Reach by area", persons.count, breakdown: ["area": area]))
        }
        return cells
    }

    /// R2: the households of R1's persons, each by its membership on the delivery date (none: a household of
    /// one); and the persons in them: members whose membership overlaps P, and the persons living alone.
    static func households(
        _ facts: MetricsFacts, _ period: MetricsPeriod, _ deliveries: [MetricsFacts.Delivery]
    ) -> [IndicatorValue] {
        var households: Set<HouseholdRef> = []
        var alone: Set<PersonRef> = []
        for delivery in deliveries {
            if let membership = facts.memberships[delivery.personRef]?.first(where: { $0.covers(delivery.date) }) {
                households.insert(membership.householdRef)
            } else {
                alone.insert(delivery.personRef)
            }
        }
        var persons = alone
        for (person, memberships) in facts.memberships {
            let member = memberships.contains { membership in
                households.contains(membership.householdRef) && membership.validFrom < period.to
                    && (membership.validTo.map { $0 >= period.from } ?? true)
            }
            if member { persons.insert(person) }
        }
        return [
            .count("R2", "Households", households.count + alone.count),
            .count("R2", "Households", persons.count, variant: "persons"),
        ]
    }

    // MARK: Access

    static func distribution(_ id: String, _ name: String, _ days: [Int64]) -> [IndicatorValue] {
        [
            IndicatorValue(
                id: id, name: name, statistic: .median, value: OrderStatistics.median(days), n: days.count),
            IndicatorValue(
                id: id, name: name, statistic: .p90, value: OrderStatistics.percentile(90, days), n: days.count),
        ]
    }

    static func access(_ facts: MetricsFacts, _ period: MetricsPeriod) -> [IndicatorValue] {
        let decided = facts.decisions.filter { period.contains($0.decidedOn) }
        let approved = facts.plans.filter { $0.approvedOn.map(period.contains) ?? false }
        let onTime = approved.filter { ($0.daysToPlan ?? .max) <= Int64($0.deadlineDays) }
        let overdue = facts.plans.filter { plan in
            guard let drafted = plan.draftedOn, drafted < period.to else { return false }
            let stillDraft = plan.approvedOn.map { $0 >= period.to } ?? true
            let open = plan.endedOn.map { $0 >= period.to } ?? true
            return stillDraft && open && plan.filedAt.adding(days: Int64(plan.deadlineDays)) < period.to
        }
        // A6 counts every decision in P, a new one after a quashed refusal too; hand-made facts without them fall
        // back to the first decisions.
        let rulings =
            facts.rulings?.filter { period.contains($0.decidedOn) }
            ?? decided.map { MetricsFacts.Ruling(decidedOn: $0.decidedOn, granted: $0.granted) }
        let refused = rulings.filter { !$0.granted }
        // A5: spells entered before p₁ and not left by then; their age in days at p₁.
        let waiting = facts.waiting.filter { $0.enteredOn < period.to && ($0.leftOn.map { $0 >= period.to } ?? true) }
        let ages = waiting.map { $0.enteredOn.days(to: period.to) }
        return distribution("A1", "Time to qualification", decided.map { $0.filedAt.days(to: $0.decidedOn) })
            + distribution("A2", "Time to IPUS", approved.compactMap(\.daysToPlan))
            + [
                .ratio("A3", "30-day compliance", Int64(onTime.count), Int64(approved.count)),
                .count("A3", "30-day compliance", overdue.count, variant: "draftsOverdueAtEnd"),
                .ratio("A6", "Refusal rate", Int64(refused.count), Int64(rulings.count)),
                .count("A5", "Waiting list", waiting.count),
                IndicatorValue(
                    id: "A5", name: "Waiting list", statistic: .median, variant: "ageDays",
                    value: OrderStatistics.median(ages), n: ages.count),
            ]
    }

    /// A6's appeals: lodged in P, and resolved in P in total and by outcome.
    static func appeals(_ facts: MetricsFacts, _ period: MetricsPeriod) -> [IndicatorValue] {
        let name = "Refusal rate"
        let lodged = facts.appeals.filter { period.contains($0.appealedOn) }
        let resolved = facts.appeals.filter { $0.resolvedOn.map(period.contains) ?? false }
        var outcomes: [String: Int] = [:]
        for appeal in resolved { outcomes[appeal.outcome ?? "unknown", default: 0] += 1 }
        var cells: [IndicatorValue] = [
            .count("A6", name, lodged.count, variant: "appealsLodged"),
            .count("A6", name, resolved.count, variant: "appealsResolved"),
        ]
        for (outcome, count) in outcomes.sorted(by: { $0.key < $1.key }) {
            cells.append(.count("A6", name, count, variant: "appealsResolved", breakdown: ["outcome": outcome]))
        }
        return cells
    }

    /// A4: days from the person's latest `QualificationGranted` on or before a first delivery to it, over
    /// first effective deliveries (per person and service) in P; overall, per service, and per service and the
    /// provider of that first delivery (through its authorisation; none known: no provider cell).
    static func waitToFirstService(_ facts: MetricsFacts, _ period: MetricsPeriod) -> [IndicatorValue] {
        struct PersonService: Hashable {
            var person: PersonRef
            var service: String
        }
        var first: [PersonService: MetricsFacts.Delivery] = [:]
        for delivery in facts.deliveries {
            let key = PersonService(person: delivery.personRef, service: delivery.serviceId)
            if let earlier = first[key], earlier.date <= delivery.date { continue }
            first[key] = delivery
        }
        var grants: [PersonRef: [LocalDate]] = [:]
        for decision in facts.decisions where decision.granted {
            grants[decision.personRef, default: []].append(decision.decidedOn)
        }
        let authorisations = facts.authorisationsByID
        var waits: [[String: String]: [Int64]] = [:]
        for (key, delivery) in first where period.contains(delivery.date) {
            guard let granted = grants[key.person]?.filter({ $0 <= delivery.date }).max() else { continue }
            let days = granted.days(to: delivery.date)
            waits[[:], default: []].append(days)
            waits[["service": key.service], default: []].append(days)
            if let provider = delivery.authorisationId.flatMap({ authorisations[$0]?.providerId }) {
                waits[["service": key.service, "provider": provider], default: []].append(days)
            }
        }
        let name = "Wait to first service"
        let total = IndicatorValue(
            id: "A4", name: name, statistic: .median, value: OrderStatistics.median(waits[[:]] ?? []),
            n: waits[[:]]?.count ?? 0)
        let cells = waits.filter { !$0.key.isEmpty }.map { breakdown, days in
            IndicatorValue(
                id: "A4", name: name, statistic: .median, breakdown: breakdown, value: OrderStatistics.median(days),
                n: days.count)
        }
        return [total] + cells.sorted { $0.breakdownKey < $1.breakdownKey }
    }

    // MARK: Plan

    static func plan(_ facts: MetricsFacts, _ period: MetricsPeriod) -> [IndicatorValue] {
        let approved = facts.plans.filter { $0.approvedOn.map(period.contains) ?? false }
        let conforming = approved.filter { $0.lengthWithinMonths == true }
        let ending = facts.plans.filter { $0.end != nil && ($0.endedOn.map(period.contains) ?? false) }
        let completed = ending.filter { $0.end == .completed }
        var reasons: [String: Int] = [:]
        for plan in ending {
            if case .terminatedEarly(let reason) = plan.end { reasons[reason, default: 0] += 1 }
        }
        let terminated = reasons.values.reduce(0, +)
        let excludedCount = reasons.filter { dropOutReasonsExcluded.contains($0.key) }.values.reduce(0, +)
        let summarised = ending.filter(\.summaryRecorded)
        let endingCount = Int64(ending.count)
        var cells: [IndicatorValue] = [
            .ratio("P2", "Length conformity", Int64(conforming.count), Int64(approved.count)),
            .ratio("P3", "Completion", Int64(completed.count), endingCount),
            .ratio("P4", "Drop-out", Int64(terminated), endingCount),
        ]
        for (reason, count) in reasons.sorted(by: { $0.key < $1.key }) {
            cells.append(.ratio("P4", "Drop-out", Int64(count), endingCount, breakdown: ["reason": reason]))
        }
        cells.append(
            .ratio(
                "P4", "Drop-out", Int64(terminated - excludedCount), endingCount - Int64(excludedCount),
                variant: dropOutWithoutNeedsMetAndDied))
        cells.append(.ratio("P5", "Summary done", Int64(summarised.count), endingCount))
        // P1: persons with an approved plan active in P (a day of its period, cut at an early end, in P and not
        // suspended), among persons with a qualification valid on some day of P.
        let qualified = Set(
            facts.qualifications.filter { $0.validFrom < period.to && ($0.validTo.map { $0 >= period.from } ?? true) }
                .map(\.personRef))
        let planned = Set(facts.plans.filter { $0.isActive(from: period.from, to: period.to) }.map(\.personRef))
            .intersection(qualified)
        cells.insert(.ratio("P1", "IPUS coverage", Int64(planned.count), Int64(qualified.count)), at: 0)
        let withActivity = approved.filter(\.hasSupportingActivity)
        cells.append(.ratio("P8", "Supporting activities", Int64(withActivity.count), Int64(approved.count)))
        return cells
    }
}
