import Domain
import Foundation
import Projections

/// How `cus metrics --publish` and `--revisions` print published revisions (ADR 0012).
extension MetricsCommand {
    static func publicationLine(_ revision: PublishedRevision, appended: Bool) -> String {
        let cutoff = "cutoff size \(revision.cutoff.size), root \(revision.cutoff.root)"
        return appended
            ? "published \(revision.period) revision \(revision.revision) (\(cutoff))"
            : "unchanged: \(revision.period) revision \(revision.revision) (\(cutoff)) stands"
    }

    /// `{"programme", "period": {"label", "from", "to"}, "revisions": [{"revision", "publishedAt", "cutoff",
    /// "indicatorVersion", "ruleSetVersion", "indicators": [...], "changes": [{"id", "statistic", "variant",
    /// "breakdown", "before", "after", "delta"}]}]}`; a revision's changes are against the one before it.
    static func json(_ revisions: [PublishedRevision], programme: ProgrammeID, period: ReportingPeriod) -> JSONText {
        .object([
            ("programme", .string(programme.uuid.lowercasedText)),
            (
                "period",
                .object([
                    ("label", .string(period.description)), ("from", .string("\(period.period.from)")),
                    ("to", .string("\(period.period.to)")),
                ])
            ),
            (
                "revisions",
                .array(
                    revisions.enumerated().map { index, revision in
                        json(revision, previous: index > 0 ? revisions[index - 1] : nil)
                    })
            ),
        ])
    }

    static func json(_ revision: PublishedRevision, previous: PublishedRevision?) -> JSONText {
        .object([
            ("revision", .number(UInt64(revision.revision))), ("publishedAt", .string(revision.publishedAt)),
            ("cutoff", .object([("size", .number(revision.cutoff.size)), ("root", .string(revision.cutoff.root))])),
            ("indicatorVersion", .number(UInt64(revision.indicatorVersion))),
            ("ruleSetVersion", .string(revision.ruleSetVersion)),
            ("indicators", .array(revision.cells.map(json))),
            ("changes", .array((previous.map { revision.changes(since: $0) } ?? []).map(json))),
        ])
    }

    static func json(_ cell: PublishedRevision.Cell) -> JSONText {
        .object(
            identity(cell) + [
                ("value", number(cell.value)), ("numerator", number(cell.numerator.map(Double.init))),
                ("denominator", number(cell.denominator.map(Double.init))), ("suppressed", .bool(cell.suppressed)),
                ("display", cell.display.map(JSONText.string) ?? .null),
            ])
    }

    static func json(_ change: PublishedRevision.Change) -> JSONText {
        guard let cell = change.after ?? change.before else { return .null }
        func shown(_ cell: PublishedRevision.Cell?) -> JSONText {
            cell.map { .object([("value", number($0.value)), ("display", $0.display.map(JSONText.string) ?? .null)]) }
                ?? .null
        }
        return .object(
            identity(cell) + [
                ("before", shown(change.before)), ("after", shown(change.after)), ("delta", number(change.delta)),
            ])
    }

    static func identity(_ cell: PublishedRevision.Cell) -> [(String, JSONText)] {
        [
            ("id", .string(cell.id)), ("statistic", .string(cell.statistic)),
            ("variant", cell.variant.map(JSONText.string) ?? .null),
            ("breakdown", .object(cell.breakdown.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
        ]
    }

    /// One line per revision, then its changes indented: `R1 count variant breakdown: before → after (delta)`.
    static func table(_ revisions: [PublishedRevision]) -> String {
        guard !revisions.isEmpty else { return "no published revisions" }
        var lines: [String] = []
        for (index, revision) in revisions.enumerated() {
            lines.append(
                "revision \(revision.revision) published \(revision.publishedAt), cutoff size \(revision.cutoff.size) "
                    + "root \(revision.cutoff.root), indicators v\(revision.indicatorVersion), rule set "
                    + "\(revision.ruleSetVersion), \(revision.cells.count) cells")
            guard index > 0 else { continue }
            for change in revision.changes(since: revisions[index - 1]) {
                guard let cell = change.after ?? change.before else { continue }
                let breakdown = cell.breakdown.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                    .joined(separator: ";")
                func shown(_ cell: PublishedRevision.Cell?) -> String {
                    guard let cell else { return "—" }
                    return cell.display ?? number(cell.value).text
                }
                let delta = change.delta.map { " (\($0 >= 0 ? "+" : "")\(number($0).text))" } ?? ""
                lines.append(
                    "  \(cell.id) \(cell.statistic) \(cell.variant ?? "") \(breakdown): "
                        + "\(shown(change.before)) → \(shown(change.after))\(delta)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
