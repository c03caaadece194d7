import Domain

/// D1–D4, V1 and V2 (domain.md §6.2): what was planned, authorised, delivered and missed, against capacity.
extension Indicators {
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

    /// D3: approved plans' calendar months in P in which the plan is active (a day of its period, cut at an
    /// early end, in the month and not suspended), and of those the months with at least one effective delivery
    /// under the plan: under an authorisation ordered for it. Facts without plan ids (made by hand) fall back to
    /// any delivery to the plan's person.
    static func continuity(_ facts: MetricsFacts, _ period: MetricsPeriod) -> [IndicatorValue] {
        struct ServedMonth: Hashable {
            var plan: PlanID?
            var person: PersonRef?
            var month: String
        }
        let authorisations = facts.authorisationsByID
        var served: Set<ServedMonth> = []
        for delivery in facts.deliveries where period.contains(delivery.date) {
            let month = MonthlyAllocation.month(of: delivery.date)
            served.insert(ServedMonth(plan: nil, person: delivery.personRef, month: month))
            if let plan = delivery.authorisationId.flatMap({ authorisations[$0]?.planId }) {
                served.insert(ServedMonth(plan: plan, person: nil, month: month))
            }
        }
        var active: Int64 = 0
        var withDelivery: Int64 = 0
        for plan in facts.plans {
            for month in period.months where plan.isActive(from: month.from, to: month.to) {
                active += 1
                let month = MonthlyAllocation.month(of: month.from)
                let key =
                    plan.id.map { ServedMonth(plan: $0, person: nil, month: month) }
                    ?? ServedMonth(plan: nil, person: plan.personRef, month: month)
                if served.contains(key) { withDelivery += 1 }
            }
        }
        return [.ratio("D3", "Continuity", withDelivery, active)]
    }

    /// D1 (a): authorisations ending in P, Σ delivered (ever) ÷ Σ authorised; D1 (b): delivered in P ÷ units
    /// allocated to P's months, per service (units are never summed across services); D1 (c): plans ending in P,
    /// Σ delivered under their authorisations ÷ Σ unitsPlanned, per service; V1: delivered in P ÷ the capacity
    /// of the programme's engagements for P's months (each month at the capacity in force on its first day, as
    /// ProviderWorkload reads it), and V2: (b), both per provider and service.
    static func fulfilment(_ facts: MetricsFacts, _ period: MetricsPeriod) -> [IndicatorValue] {
        typealias Sums = (delivered: Int64, authorised: Int64)
        var deliveredBy: [AuthorisationID: Int64] = [:]
        for delivery in facts.deliveries {
            guard let id = delivery.authorisationId else { continue }
            deliveredBy[id, default: 0] += delivery.units
        }
        var ended: [String: Sums] = [:]
        var inPeriod: [[String]: Sums] = [:]
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
        let byId = facts.authorisationsByID
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
        var perService: [String: Sums] = [:]
        for (key, sums) in inPeriod {
            perService[key[0], default: (0, 0)].delivered += sums.delivered
            perService[key[0], default: (0, 0)].authorised += sums.authorised
        }
        for (service, sums) in perService.sorted(by: { $0.key < $1.key }) {
            cells.append(
                .ratio("D1", name, sums.delivered, sums.authorised, variant: "b", breakdown: ["service": service]))
        }
        for (service, sums) in plannedAgainstDelivered(facts, period, byId).sorted(by: { $0.key < $1.key }) {
            cells.append(
                .ratio("D1", name, sums.delivered, sums.planned, variant: "c", breakdown: ["service": service]))
        }
        let capacity = capacity(facts, period)
        for key in Set(capacity.keys).union(inPeriod.keys).sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            cells.append(
                .ratio(
                    "V1", "Utilisation", inPeriod[key]?.delivered ?? 0, capacity[key] ?? 0,
                    breakdown: ["service": key[0], "provider": key[1]]))
        }
        for (key, sums) in inPeriod.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            cells.append(
                .ratio(
                    "V2", "Fulfilment", sums.delivered, sums.authorised,
                    breakdown: ["service": key[0], "provider": key[1]]))
        }
        return cells
    }

    /// D1 (c) per service: over plans ending in P, the units delivered (ever) under authorisations ordered for
    /// them, and their latest version's unitsPlanned.
    static func plannedAgainstDelivered(
        _ facts: MetricsFacts, _ period: MetricsPeriod, _ authorisations: [AuthorisationID: MetricsFacts.Authorisation]
    ) -> [String: (delivered: Int64, planned: Int64)] {
        var sums: [String: (delivered: Int64, planned: Int64)] = [:]
        var ending: Set<PlanID> = []
        for plan in facts.plans where plan.end != nil && (plan.endedOn.map(period.contains) ?? false) {
            guard let id = plan.id else { continue }
            ending.insert(id)
            for (service, units) in plan.unitsPlanned { sums[service, default: (0, 0)].planned += units }
        }
        for delivery in facts.deliveries {
            guard let id = delivery.authorisationId, let authorisation = authorisations[id],
                let plan = authorisation.planId, ending.contains(plan)
            else { continue }
            sums[authorisation.serviceId, default: (0, 0)].delivered += delivery.units
        }
        return sums
    }

    /// V1's denominator per [service, provider]: Σ over P's months of the capacity (units per month) of every
    /// engagement running in the month.
    static func capacity(_ facts: MetricsFacts, _ period: MetricsPeriod) -> [[String]: Int64] {
        var capacity: [[String]: Int64] = [:]
        for engagement in facts.engagements {
            for month in period.months {
                guard let span = MonthSpan(MonthlyAllocation.month(of: month.from)), engagement.terms.runs(in: span)
                else { continue }
                capacity[[engagement.serviceId, engagement.providerId], default: 0] += Int64(
                    clamping: engagement.terms.capacity(in: span).unitsPerMonth)
            }
        }
        return capacity
    }
}
