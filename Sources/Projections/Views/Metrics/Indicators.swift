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

    /// Whether a charge period "YYYY-MM" is in P: its first day is.
    public func contains(chargePeriod: String) -> Bool {
        guard let first = LocalDate("\(chargePeriod)-01") else { return false }
        return contains(first)
    }
}

/// The v1 indicators of domain.md §6.2 computed from a programme's facts for one period, before suppression
/// (callers run `Suppression` last). Implemented: R1 (total, by sex, age band and district; erased persons
/// in "not available"), R2 (households, and persons in them), R5, A1, A2, A3 (and drafts overdue at p₁), A4 (and by service), A5, A6, P1, P2, P3, P4 (by
/// reason, and without needsMet and died), P5, P8, D1 (a, b, by service), D2 (and missed by reason), D3, D4, V2 (by
/// provider and service), F1–F5.
public enum Indicators {
    public static let version = 1

    public static func compute(_ facts: MetricsFacts, period: MetricsPeriod) -> [IndicatorValue] {
        reach(facts, period) + access(facts, period) + waitToFirstService(facts, period) + plan(facts, period)
            + delivery(facts, period) + continuity(facts, period) + fulfilment(facts, period)
            + finance(facts, period)
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
        let refused = decided.filter { !$0.granted }
        // A5: spells entered before p₁ and not left by then; their age in days at p₁.
        let waiting = facts.waiting.filter { $0.enteredOn < period.to && ($0.leftOn.map { $0 >= period.to } ?? true) }
        let ages = waiting.map { $0.enteredOn.days(to: period.to) }
        return distribution("A1", "Time to qualification", decided.map { $0.filedAt.days(to: $0.decidedOn) })
            + distribution("A2", "Time to IPUS", approved.compactMap(\.daysToPlan))
            + [
                .ratio("A3", "30-day compliance", Int64(onTime.count), Int64(approved.count)),
                .count("A3", "30-day compliance", overdue.count, variant: "draftsOverdueAtEnd"),
                .ratio("A6", "Refusal rate", Int64(refused.count), Int64(decided.count)),
                .count("A5", "Waiting list", waiting.count),
                IndicatorValue(
                    id: "A5", name: "Waiting list", statistic: .median, variant: "ageDays",
                    value: OrderStatistics.median(ages), n: ages.count),
            ]
    }

    /// A4: days from the person's latest `QualificationGranted` on or before a first delivery to it, over
    /// first effective deliveries (per person and service) in P; overall and per service.
    static func waitToFirstService(_ facts: MetricsFacts, _ period: MetricsPeriod) -> [IndicatorValue] {
        struct PersonService: Hashable {
            var person: PersonRef
            var service: String
        }
        var first: [PersonService: LocalDate] = [:]
        for delivery in facts.deliveries {
            let key = PersonService(person: delivery.personRef, service: delivery.serviceId)
            first[key] = Swift.min(first[key] ?? delivery.date, delivery.date)
        }
        var grants: [PersonRef: [LocalDate]] = [:]
        for decision in facts.decisions where decision.granted {
            grants[decision.personRef, default: []].append(decision.decidedOn)
        }
        var waits: [String: [Int64]] = [:]
        for (key, date) in first where period.contains(date) {
            guard let granted = grants[key.person]?.filter({ $0 <= date }).max() else { continue }
            waits[key.service, default: []].append(granted.days(to: date))
        }
        let name = "Wait to first service"
        let all = waits.values.flatMap { $0 }
        var cells = [
            IndicatorValue(id: "A4", name: name, statistic: .median, value: OrderStatistics.median(all), n: all.count)
        ]
        for (service, days) in waits.sorted(by: { $0.key < $1.key }) {
            cells.append(
                IndicatorValue(
                    id: "A4", name: name, statistic: .median, breakdown: ["service": service],
                    value: OrderStatistics.median(days), n: days.count))
        }
        return cells
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
        let excluded: Set<String> = ["needsMet", "died"]
        let excludedCount = reasons.filter { excluded.contains($0.key) }.values.reduce(0, +)
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
                variant: "withoutNeedsMetAndDied"))
        cells.append(.ratio("P5", "Summary done", Int64(summarised.count), endingCount))
        // P1: persons with an approved plan whose period (cut at an early end) overlaps P, among persons with a
        // qualification valid on some day of P.
        let qualified = Set(
            facts.qualifications.filter { $0.validFrom < period.to && ($0.validTo.map { $0 >= period.from } ?? true) }
                .map(\.personRef))
        let planned = Set(
            facts.plans.filter { plan in
                guard let approvedOn = plan.approvedOn, approvedOn < period.to, let start = plan.plannedStart,
                    let end = plan.endedOn ?? plan.plannedEnd
                else { return false }
                return start < period.to && end >= period.from
            }
            .map(\.personRef)
        ).intersection(qualified)
        cells.insert(.ratio("P1", "IPUS coverage", Int64(planned.count), Int64(qualified.count)), at: 0)
        let withActivity = approved.filter(\.hasSupportingActivity)
        cells.append(.ratio("P8", "Supporting activities", Int64(withActivity.count), Int64(approved.count)))
        return cells
    }

    // MARK: Delivery

    static func delivery(_ facts: MetricsFacts, _ period: MetricsPeriod) -> [IndicatorValue] {
        let deliveries = facts.deliveries.filter { period.contains($0.date) }
        let missed = facts.missed.filter { period.contains($0.date) }
        var cells: [IndicatorValue] = [
            .ratio("D2", "Missed sessions", Int64(missed.count), Int64(deliveries.count + missed.count))
        ]
        var reasons: [String: Int] = [:]
        for report in missed { reasons[report.reason, default: 0] += 1 }
        cells.append(.count("D2", "Missed sessions", missed.count, variant: "missed"))
        for (reason, count) in reasons.sorted(by: { $0.key < $1.key }) {
            cells.append(.count("D2", "Missed sessions", count, variant: "missed", breakdown: ["reason": reason]))
        }
        // Units are never summed across unit types: one sum per service and unit, no grand total.
        var units: [[String]: Int64] = [:]
        var reports: [String: Int] = [:]
        for delivery in deliveries {
            units[[delivery.serviceId, delivery.unit], default: 0] += delivery.units
            reports[delivery.serviceId, default: 0] += 1
        }
        for (key, sum) in units.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            cells.append(
                .sum(
                    "D4", "Volume", sum, persons: nil, variant: "units", breakdown: ["service": key[0], "unit": key[1]])
            )
        }
        cells.append(.count("D4", "Volume", deliveries.count, variant: "deliveries"))
        for (service, count) in reports.sorted(by: { $0.key < $1.key }) {
            cells.append(.count("D4", "Volume", count, variant: "deliveries", breakdown: ["service": service]))
        }
        return cells
    }

    /// D3: approved plans' months in P (whole calendar months from p₀) that overlap the plan's period (cut at
    /// an early end), and of those the months with at least one effective delivery to the plan's person.
    static func continuity(_ facts: MetricsFacts, _ period: MetricsPeriod) -> [IndicatorValue] {
        struct PersonMonth: Hashable {
            var person: PersonRef
            var month: LocalDate
        }
        var months: [(first: LocalDate, next: LocalDate)] = []
        var cursor = period.from
        while cursor < period.to {
            let next = cursor.adding(months: 1)
            months.append((cursor, next))
            cursor = next
        }
        var served: Set<PersonMonth> = []
        for delivery in facts.deliveries where period.contains(delivery.date) {
            guard let month = months.first(where: { $0.first <= delivery.date && delivery.date < $0.next }) else {
                continue
            }
            served.insert(PersonMonth(person: delivery.personRef, month: month.first))
        }
        var active: Int64 = 0
        var withDelivery: Int64 = 0
        for plan in facts.plans {
            guard let approved = plan.approvedOn, let start = plan.plannedStart,
                let end = plan.endedOn ?? plan.plannedEnd
            else {
                continue
            }
            for month in months where approved < month.next && start < month.next && end >= month.first {
                active += 1
                if served.contains(PersonMonth(person: plan.personRef, month: month.first)) { withDelivery += 1 }
            }
        }
        return [.ratio("D3", "Continuity", withDelivery, active)]
    }

    /// D1 (a): authorisations ending in P, Σ delivered (ever) ÷ Σ authorised; D1 (b): delivered in P ÷ units
    /// allocated to P's months, per service (units are never summed across services); V2: (b) per provider and
    /// service.
    static func fulfilment(_ facts: MetricsFacts, _ period: MetricsPeriod) -> [IndicatorValue] {
        var deliveredBy: [AuthorisationID: Int64] = [:]
        for delivery in facts.deliveries {
            guard let id = delivery.authorisationId else { continue }
            deliveredBy[id, default: 0] += delivery.units
        }
        var ended: [String: (delivered: Int64, authorised: Int64)] = [:]
        var inPeriod: [[String]: (delivered: Int64, authorised: Int64)] = [:]
        for authorisation in facts.authorisations {
            if period.contains(authorisation.end) {
                ended[authorisation.serviceId, default: (0, 0)].delivered += deliveredBy[authorisation.id] ?? 0
                ended[authorisation.serviceId, default: (0, 0)].authorised += authorisation.unitsAuthorised
            }
            let key = [authorisation.serviceId, authorisation.providerId]
            for (month, units) in authorisation.allocation where period.contains(chargePeriod: month) {
                inPeriod[key, default: (0, 0)].authorised += units
            }
        }
        let byId = Dictionary(facts.authorisations.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for delivery in facts.deliveries where period.contains(delivery.date) {
            guard let id = delivery.authorisationId, let authorisation = byId[id] else { continue }
            inPeriod[[authorisation.serviceId, authorisation.providerId], default: (0, 0)].delivered += delivery.units
        }
        let name = "Planned / authorised / delivered"
        var cells: [IndicatorValue] = []
        for (service, sums) in ended.sorted(by: { $0.key < $1.key }) {
            cells.append(
                .ratio("D1", name, sums.delivered, sums.authorised, variant: "a", breakdown: ["service": service]))
        }
        var perService: [String: (delivered: Int64, authorised: Int64)] = [:]
        for (key, sums) in inPeriod {
            perService[key[0], default: (0, 0)].delivered += sums.delivered
            perService[key[0], default: (0, 0)].authorised += sums.authorised
        }
        for (service, sums) in perService.sorted(by: { $0.key < $1.key }) {
            cells.append(
                .ratio("D1", name, sums.delivered, sums.authorised, variant: "b", breakdown: ["service": service]))
        }
        for (key, sums) in inPeriod.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            cells.append(
                .ratio(
                    "V2", "Fulfilment", sums.delivered, sums.authorised,
                    breakdown: ["service": key[0], "provider": key[1]]))
        }
        return cells
    }

    // MARK: Finance

    /// F1–F5 over charges whose charge period is in P; money in grosze. F5 is what is outstanding at the cutoff.
    static func finance(_ facts: MetricsFacts, _ period: MetricsPeriod) -> [IndicatorValue] {
        let charges = facts.charges.filter { period.contains(chargePeriod: $0.chargePeriod) }
        let standing = charges.filter { !$0.cancelledInFull }
        let charged = Set(standing.map(\.personRef)).count
        let assessed = charges.reduce(0) { $0 + $1.gross - $1.cancelled }
        let partial = standing.reduce(0) { $0 + $1.exemptedPartial }
        let total = standing.reduce(0) { $0 + $1.exemptedTotal }
        let exempted = partial + total
        let paid = charges.reduce(0) { $0 + $1.paid }
        let writtenOff = charges.reduce(0) { $0 + $1.writtenOff }
        let exemptedPersons = Set(standing.filter { $0.exempted > 0 }.map(\.personRef)).count
        func persons(_ include: (MetricsFacts.Charge) -> Bool) -> Int {
            Set(standing.filter(include).map(\.personRef)).count
        }
        let paidPersons = persons { $0.paid > 0 }
        // A money ratio covers the fewer persons of its two sums (rule 4 through rule 2).
        return [
            .sum("F1", "Assessed", assessed, persons: charged),
            .sum("F2", "Exempted", exempted, persons: exemptedPersons),
            .sum(
                "F2", "Exempted", partial, persons: persons { $0.exemptedPartial > 0 }, breakdown: ["kind": "partial"]),
            .sum("F2", "Exempted", total, persons: persons { $0.exemptedTotal > 0 }, breakdown: ["kind": "total"]),
            .ratio(
                "F3", "Exemption rate", exempted, assessed, variant: "amount", persons: min(exemptedPersons, charged)),
            .ratio("F3", "Exemption rate", Int64(exemptedPersons), Int64(charged), variant: "persons"),
            .ratio("F4", "Collection", paid, assessed - exempted, persons: min(paidPersons, charged)),
            .sum("F5", "Outstanding", assessed - exempted - paid - writtenOff, persons: charged),
        ]
    }
}
