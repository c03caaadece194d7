import Domain
import Foundation

/// ProgrammeDashboard's published values (domain.md §5, §6.4; ADR 0012): one programme's suppressed M&E cells for
/// one reporting period as evaluators saw them, frozen with the cutoff they were computed at, the indicator
/// version and the rule-set version. A later publication whose values differ is the next revision; one whose
/// values are the same publishes nothing.
public struct PublishedRevision: Codable, Sendable, Hashable {
    /// One cell as published: after suppression, so a hidden cell has no value, numerator or denominator.
    public struct Cell: Codable, Sendable, Hashable {
        public var id: String
        public var name: String
        public var statistic: String
        public var variant: String?
        public var breakdown: [String: String]
        public var value: Double?
        public var numerator: Int64?
        public var denominator: Int64?
        public var suppressed: Bool
        public var display: String?

        public init(_ cell: IndicatorValue) {
            id = cell.id
            name = cell.name
            statistic = cell.statistic.rawValue
            variant = cell.variant
            breakdown = cell.breakdown
            value = cell.value
            numerator = cell.numerator
            denominator = cell.denominator
            suppressed = cell.suppressed
            display = cell.display
        }

        /// What identifies the cell across revisions: indicator, statistic, variant and breakdown.
        public var key: String {
            let dimensions = breakdown.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            return ([id, statistic, variant ?? ""] + dimensions).joined(separator: "|")
        }
    }

    /// A cell that a revision changed: added (no `before`), dropped (no `after`) or with another value or display.
    public struct Change: Sendable, Hashable {
        public var before: Cell?
        public var after: Cell?

        /// after − before, when both are shown.
        public var delta: Double? {
            guard let old = before?.value, let new = after?.value else { return nil }
            return new - old
        }
    }

    public var programme: String
    public var period: String
    public var from: String
    public var to: String
    public var revision: Int
    /// When it was published (RFC 3339, UTC), for the reader; revisions are ordered by `revision`.
    public var publishedAt: String
    public var cutoff: AsOfBuild.Cutoff
    public var indicatorVersion: Int
    public var ruleSetVersion: String
    public var cells: [Cell]

    /// Revision `revision` of `report`'s suppressed cells for `period`.
    public init(_ report: MetricsReport, period: ReportingPeriod, revision: Int, publishedAt: String) {
        programme = report.programme.uuid.lowercasedText
        self.period = period.description
        from = "\(period.period.from)"
        to = "\(period.period.to)"
        self.revision = revision
        self.publishedAt = publishedAt
        cutoff = report.cutoff
        indicatorVersion = report.indicatorVersion
        ruleSetVersion = report.ruleSetVersion
        cells = report.indicators.map(Cell.init)
    }

    /// Whether `other` publishes the same values under the same versions, whatever its cutoff.
    public func publishesSameValues(as other: PublishedRevision) -> Bool {
        cells == other.cells && indicatorVersion == other.indicatorVersion && ruleSetVersion == other.ruleSetVersion
    }

    /// The cells that differ from `previous`, in this revision's order (dropped cells last).
    public func changes(since previous: PublishedRevision) -> [Change] {
        let before = Dictionary(previous.cells.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let keys = Set(cells.map(\.key))
        var changes = cells.compactMap { cell -> Change? in
            before[cell.key] == cell ? nil : Change(before: before[cell.key], after: cell)
        }
        changes += previous.cells.filter { !keys.contains($0.key) }.map { Change(before: $0, after: nil) }
        return changes
    }
}
