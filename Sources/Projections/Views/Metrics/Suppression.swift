public import Domain

/// Small-cell suppression (domain.md §6.3), run last on everything an evaluator sees. `threshold` is the rule
/// set's `privacy.smallCellThreshold` (k); the rules, for 0 < x < k:
///
/// 1. a count of x shows as "<k"; 0 is shown;
/// 2. a ratio or mean is hidden if its numerator or denominator is x (for money ratios: if it covers x persons;
///    a ratio of other counts that also names its persons, O1's goals, is hidden on either ground);
/// 3. a median or percentile is hidden if n < k (n = 0 has no value and nothing to hide);
/// 4. a money sum is hidden if it covers x persons;
/// 5. secondary suppression: among sibling cells (same indicator, statistic and variant, breakdown by the same
///    dimensions), when exactly one is hidden and the total is shown, the smallest shown sibling is hidden too
///    (display "x"; never a zero cell, which would protect nothing), repeated until no hidden cell can be recovered by subtraction;
///    the same across indicators whose formulas tie them (`crossIndicatorSecondary`);
///
/// and a cell of the erased persons' "not available" bucket (§6.4) is always hidden.
public struct Suppression: Sendable {
    public static let notAvailable = "not available"
    public static let secondaryDisplay = "x"

    public var threshold: Int

    public init(threshold: Int) { self.threshold = threshold }

    public var display: String { "<\(threshold)" }

    /// The indicators whose sums and ratios are money (domain.md §6.2's finance block).
    static let moneyIndicators: Set<String> = ["F1", "F2", "F3", "F4", "F5"]

    func small(_ value: Int64?) -> Bool { value.map { $0 > 0 && $0 < Int64(threshold) } ?? false }

    /// Whether a cell is hidden on its own (rules 1–4 and the "not available" bucket).
    public func isPrimary(_ cell: IndicatorValue) -> Bool {
        if cell.breakdown.values.contains(Self.notAvailable) { return true }
        if let persons = cell.persons, persons > 0, persons < threshold { return true }
        switch cell.statistic {
        case .count:
            return small(cell.numerator ?? cell.value.map { Int64($0) })
        case .sum:
            return false
        case .ratio, .mean:
            // A money ratio's numerator and denominator are amounts, not counts: the persons it covers decide it.
            if cell.persons != nil && Self.moneyIndicators.contains(cell.id) { return false }
            return small(cell.numerator) || small(cell.denominator) || (cell.statistic == .mean && small(Int64(cell.n)))
        case .median, .p90:
            return cell.n > 0 && cell.n < threshold
        }
    }

    /// The cells with rules 1–5 applied: hidden cells lose value, numerator and denominator.
    public func apply(_ cells: [IndicatorValue]) -> [IndicatorValue] {
        var hidden = cells.map(isPrimary)
        var secondary = Array(repeating: false, count: cells.count)
        // Rule 5 over additive statistics: siblings add up to their total.
        struct Group: Hashable {
            var id: String
            var statistic: IndicatorStatistic
            var variant: String?
            var dimensions: [String]
        }
        var groups: [Group: [Int]] = [:]
        var totals: [Group: Int] = [:]
        for (index, cell) in cells.enumerated() where [.count, .sum, .ratio].contains(cell.statistic) {
            if cell.breakdown.isEmpty {
                totals[Group(id: cell.id, statistic: cell.statistic, variant: cell.variant, dimensions: [])] = index
            } else {
                let group = Group(
                    id: cell.id, statistic: cell.statistic, variant: cell.variant,
                    dimensions: cell.breakdown.keys.sorted())
                groups[group, default: []].append(index)
            }
        }
        /// Hides the smallest shown siblings until no single hidden one among `members` can be recovered from
        /// `total`.
        func protect(_ members: [Int], total: Int?) {
            // With no total, or a hidden one, a single hidden sibling cannot be recovered by subtraction.
            guard let total, !hidden[total] else { return }
            while members.filter({ hidden[$0] }).count == 1 {
                // A zero sibling hides nothing: the hidden cells would still add up to the recovered value.
                let shown = members.filter { !hidden[$0] && Self.size(cells[$0]) != 0 }
                guard
                    let next = shown.min(by: { a, b in
                        Self.size(cells[a]) == Self.size(cells[b])
                            ? cells[a].breakdownKey < cells[b].breakdownKey
                            : Self.size(cells[a]) < Self.size(cells[b])
                    })
                else { break }
                hidden[next] = true
                secondary[next] = true
            }
        }
        for (group, members) in groups.sorted(by: { $0.key.id < $1.key.id }) {
            protect(
                members,
                total: totals[Group(id: group.id, statistic: group.statistic, variant: group.variant, dimensions: [])])
        }
        for (total, members) in Self.subtotalsAcrossIndicators(cells) { protect(members, total: total) }
        for dependent in Self.dependentsOfHidden(cells, hidden: hidden) where !hidden[dependent] {
            hidden[dependent] = true
            secondary[dependent] = true
        }
        return cells.enumerated().map { index, cell in
            guard hidden[index] else { return cell }
            var copy = cell
            copy.suppressed = true
            copy.value = nil
            copy.numerator = nil
            copy.denominator = nil
            copy.display = secondary[index] ? Self.secondaryDisplay : display
            return copy
        }
    }

    /// Rule 5 across indicators, where domain.md §6.2's formulas make one indicator's cell the total of another's:
    /// D1 (b) of a service is the sum of V2 over the service's providers (numerators and denominators alike).
    static func subtotalsAcrossIndicators(_ cells: [IndicatorValue]) -> [(total: Int, members: [Int])] {
        cells.indices.compactMap { total in
            let cell = cells[total]
            guard cell.id == "D1", cell.variant == "b", cell.breakdown.keys.sorted() == ["service"],
                let service = cell.breakdown["service"]
            else { return nil }
            let members = cells.indices.filter {
                cells[$0].id == "V2" && cells[$0].statistic == .ratio && cells[$0].breakdown["service"] == service
            }
            return (total, members)
        }
    }

    /// Cells that would give a hidden cell away by a subtraction with cells shown elsewhere, so are hidden with it:
    /// F4's denominator is F1 − F2, so F4 goes with a hidden F2 total; P4's variant without needsMet and died
    /// shows `terminated − excluded ÷ ending − excluded` while P3 and P5 show `ending`, so it goes when the P4
    /// total or a needsMet or died cell is hidden.
    static func dependentsOfHidden(_ cells: [IndicatorValue], hidden: [Bool]) -> [Int] {
        func index(_ id: String, variant: String? = nil, breakdown: [String: String] = [:]) -> Int? {
            cells.firstIndex { $0.id == id && $0.variant == variant && $0.breakdown == breakdown }
        }
        var dependents: [Int] = []
        if let exempted = index("F2"), hidden[exempted], let collection = index("F4") {
            dependents.append(collection)
        }
        if let variant = index("P4", variant: Indicators.dropOutWithoutNeedsMetAndDied) {
            let excludedHidden = Indicators.dropOutReasonsExcluded.contains {
                index("P4", breakdown: ["reason": $0]).map { hidden[$0] } ?? false
            }
            if excludedHidden || (index("P4").map { hidden[$0] } ?? false) { dependents.append(variant) }
        }
        return dependents
    }

    /// What "next-smallest" compares: a ratio's denominator, otherwise its value.
    static func size(_ cell: IndicatorValue) -> Int64 {
        cell.statistic == .ratio ? (cell.denominator ?? 0) : (cell.numerator ?? Int64(cell.value ?? 0))
    }
}

extension Suppression {
    /// The policy of a rule set: its `privacy.smallCellThreshold`.
    public init(ruleSet: RuleSet) { self.init(threshold: ruleSet.parameters.privacy.smallCellThreshold) }
}
