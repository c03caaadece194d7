import Domain

/// A dashboard period (domain.md §6.1): a month "2025-04", a quarter "2025-Q2", a half-year "2025-H1" or
/// "2025-H2", or a year "2025", in local dates [first day, first day after) in Europe/Warsaw.
public struct ReportingPeriod: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case month, quarter, halfYear, year
    }

    public let kind: Kind
    public let period: MetricsPeriod
    public let description: String

    /// Nil unless `label` is one of the four forms with a real year and month, quarter or half.
    public init?(_ label: String) {
        let parts = label.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard let yearText = parts.first, yearText.count == 4, let year = Int(yearText),
            let january = LocalDate(year: year, month: 1, day: 1)
        else { return nil }
        let first: LocalDate
        let months: Int
        switch parts.count == 2 ? parts[1] : nil {
        case nil where parts.count == 1:
            (kind, first, months) = (.year, january, 12)
        case let part? where part.count == 2 && part.hasPrefix("Q"):
            guard let quarter = Int(part.dropFirst()), (1...4).contains(quarter) else { return nil }
            (kind, first, months) = (.quarter, january.adding(months: 3 * (quarter - 1)), 3)
        case let part? where part.count == 2 && part.hasPrefix("H"):
            guard let half = Int(part.dropFirst()), (1...2).contains(half) else { return nil }
            (kind, first, months) = (.halfYear, january.adding(months: 6 * (half - 1)), 6)
        case let part? where part.count == 2:
            guard let month = Int(part), (1...12).contains(month) else { return nil }
            (kind, first, months) = (.month, january.adding(months: month - 1), 1)
        default:
            return nil
        }
        period = MetricsPeriod(from: first, to: first.adding(months: months))
        description = label
    }
}
