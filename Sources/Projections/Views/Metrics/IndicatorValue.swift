/// The statistic an indicator cell reports (domain.md §6.2).
public enum IndicatorStatistic: String, Sendable, Hashable, CaseIterable {
    case count, sum, ratio, median, p90, mean
}

/// One published cell of one indicator: for one programme, period and breakdown, its value with what it was
/// computed from, and — once `Suppression` has run — whether an evaluator may see it (domain.md §6.3).
public struct IndicatorValue: Sendable, Hashable {
    public var id: String
    public var name: String
    public var statistic: IndicatorStatistic
    /// The variant where an indicator has several (e.g. "partial" / "total" for F2); nil otherwise.
    public var variant: String?
    /// The breakdown dimensions and their values (e.g. ["sex": "female"]); empty for the total.
    public var breakdown: [String: String]
    /// The breakdown as sorted `key=value` pairs: a stable order for cells (a dictionary's `description` lists its
    /// keys in an order that changes from one process to the next).
    var breakdownKey: String {
        breakdown.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
    }
    public var value: Double?
    public var numerator: Int64?
    public var denominator: Int64?
    /// The number of observations a median, percentile or mean is taken over; the count for counts.
    public var n: Int
    /// The distinct persons a money amount covers (rule 4); nil for cells that count persons or events.
    public var persons: Int?
    public var suppressed = false
    /// What an evaluator sees in place of a suppressed value (the policy's "<5", or "x" for a cell hidden
    /// only so that another cannot be recovered); nil when the value is shown.
    public var display: String?

    public init(
        id: String, name: String, statistic: IndicatorStatistic, variant: String? = nil,
        breakdown: [String: String] = [:], value: Double?, numerator: Int64? = nil, denominator: Int64? = nil,
        n: Int, persons: Int? = nil
    ) {
        self.id = id
        self.name = name
        self.statistic = statistic
        self.variant = variant
        self.breakdown = breakdown
        self.value = value
        self.numerator = numerator
        self.denominator = denominator
        self.n = n
        self.persons = persons
    }

    /// A count cell.
    static func count(
        _ id: String, _ name: String, _ count: Int, variant: String? = nil, breakdown: [String: String] = [:]
    )
        -> IndicatorValue
    {
        IndicatorValue(
            id: id, name: name, statistic: .count, variant: variant, breakdown: breakdown, value: Double(count),
            numerator: Int64(count), n: count)
    }

    /// A ratio cell; its value is nil when the denominator is zero.
    static func ratio(
        _ id: String, _ name: String, _ numerator: Int64, _ denominator: Int64, variant: String? = nil,
        breakdown: [String: String] = [:], persons: Int? = nil
    ) -> IndicatorValue {
        IndicatorValue(
            id: id, name: name, statistic: .ratio, variant: variant, breakdown: breakdown,
            value: denominator == 0 ? nil : Double(numerator) / Double(denominator), numerator: numerator,
            denominator: denominator, n: Int(denominator), persons: persons)
    }

    /// A mean of `count` observations adding up to `total`; its value is nil when there are none. `persons` when
    /// the observations are not one per person (suppressed by the persons covered, §6.3).
    static func mean(
        _ id: String, _ name: String, _ total: Int64, over count: Int, variant: String? = nil, persons: Int? = nil
    ) -> IndicatorValue {
        IndicatorValue(
            id: id, name: name, statistic: .mean, variant: variant,
            value: count == 0 ? nil : Double(total) / Double(count), numerator: total, denominator: Int64(count),
            n: count, persons: persons)
    }

    /// A money (or unit) sum cell; `persons` is how many distinct persons it covers.
    static func sum(
        _ id: String, _ name: String, _ amount: Int64, persons: Int?, variant: String? = nil,
        breakdown: [String: String] = [:]
    ) -> IndicatorValue {
        IndicatorValue(
            id: id, name: name, statistic: .sum, variant: variant, breakdown: breakdown, value: Double(amount),
            numerator: amount, n: persons ?? 0, persons: persons)
    }
}

/// Exact order statistics over integer observations (days). The median is the conventional one (the middle
/// value, or the mean of the two middle values for an even count); percentiles are nearest-rank: the p-th
/// percentile of n sorted values is the value at rank ⌈p/100 × n⌉ (1-based). Both are nil for no values.
public enum OrderStatistics {
    public static func median(_ values: [Int64]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        if sorted.count % 2 == 1 { return Double(sorted[middle]) }
        return (Double(sorted[middle - 1]) + Double(sorted[middle])) / 2
    }

    public static func percentile(_ p: Int, _ values: [Int64]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = max(1, (p * sorted.count + 99) / 100)
        return Double(sorted[min(rank, sorted.count) - 1])
    }
}
