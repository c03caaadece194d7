import Domain

/// F1–F5 (domain.md §6.2) over charges whose charge period is in P; money in grosze.
extension Indicators {
    /// F3 is also given per exemption rule; F5 is what is outstanding at p₁: payments and write-offs dated
    /// before p₁ count, later ones do not (cancellations are corrections and count whenever recorded).
    static func finance(_ facts: MetricsFacts, _ period: MetricsPeriod) -> [IndicatorValue] {
        let charges = facts.charges.filter { period.contains(chargePeriod: $0.chargePeriod) }
        let standing = charges.filter { !$0.cancelledInFull }
        let charged = Set(standing.map(\.personRef)).count
        // A charge cancelled in full drops out whole, its exempted part with it, as F2 leaves it out (§6.1).
        let assessed = standing.reduce(0) { $0 + $1.gross - $1.cancelled }
        let partial = standing.reduce(0) { $0 + $1.exemptedPartial }
        let total = standing.reduce(0) { $0 + $1.exemptedTotal }
        let exempted = partial + total
        let paid = charges.reduce(0) { $0 + $1.paid }
        let settledByEnd = charges.reduce(0) { $0 + $1.settled(before: period.to) }
        let exemptedPersons = Set(standing.filter { $0.exempted > 0 }.map(\.personRef)).count
        func persons(_ include: (MetricsFacts.Charge) -> Bool) -> Int {
            Set(standing.filter(include).map(\.personRef)).count
        }
        let paidPersons = persons { $0.paid > 0 }
        // A money ratio covers the fewer persons of its two sums (rule 4 through rule 2).
        var cells: [IndicatorValue] = [
            .sum("F1", "Assessed", assessed, persons: charged),
            .sum("F2", "Exempted", exempted, persons: exemptedPersons),
            .sum(
                "F2", "Exempted", partial, persons: persons { $0.exemptedPartial > 0 }, breakdown: ["kind": "partial"]),
            .sum("F2", "Exempted", total, persons: persons { $0.exemptedTotal > 0 }, breakdown: ["kind": "total"]),
            .ratio(
                "F3", "Exemption rate", exempted, assessed, variant: "amount", persons: min(exemptedPersons, charged)),
            .ratio("F3", "Exemption rate", Int64(exemptedPersons), Int64(charged), variant: "persons"),
        ]
        var rules: [String: (amount: Int64, persons: Set<PersonRef>)] = [:]
        for charge in standing where charge.exempted > 0 {
            let rule = charge.exemptionRule ?? "unknown"
            rules[rule, default: (0, [])].amount += charge.exempted
            rules[rule, default: (0, [])].persons.insert(charge.personRef)
        }
        for (rule, sums) in rules.sorted(by: { $0.key < $1.key }) {
            cells.append(
                .ratio(
                    "F3", "Exemption rate", sums.amount, assessed, variant: "amount", breakdown: ["rule": rule],
                    persons: min(sums.persons.count, charged)))
            cells.append(
                .ratio(
                    "F3", "Exemption rate", Int64(sums.persons.count), Int64(charged), variant: "persons",
                    breakdown: ["rule": rule]))
        }
        return cells + [
            .ratio("F4", "Collection", paid, assessed - exempted, persons: min(paidPersons, charged)),
            .sum("F5", "Outstanding", assessed - exempted - settledByEnd, persons: charged),
        ]
    }
}
