import ArgumentParser
import Commands
import Domain
import Foundation
import HTTPAPI
import Ledger
import Projections

/// `cus metrics --programme ID --from DATE --to DATE` (or `--period 2025-Q2`): the M&E indicators of domain.md
/// §6.2 for one programme and period [from, to), suppressed as §6.3 says, live or as of a cutoff. With
/// `--publish` the suppressed values of a reporting period are published as its next revision when they differ
/// from the latest; `--revisions` shows the published revisions with what each changed (§6.4, ADR 0012).
struct MetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Print, publish or list a programme's M&E indicators for a period, small cells suppressed.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var keys: KeyFileOptions
    @OptionGroup var cutoff: CutoffOptions

    @Option(name: .long, help: "The programme's id (a UUID).")
    var programme: String

    @Option(name: .long, help: "The period's first day, YYYY-MM-DD (Europe/Warsaw).")
    var from: String?

    @Option(name: .long, help: "The day after the period's last day, YYYY-MM-DD: the period is [from, to).")
    var to: String?

    @Option(name: .long, help: "A reporting period instead of --from/--to: 2025-04, 2025-Q2, 2025-H1 or 2025.")
    var period: String?

    @Flag(name: .long, help: "Publish the suppressed values of --period as its next revision if they changed.")
    var publish = false

    @Flag(name: .long, help: "List the published revisions of --period and what each changed.")
    var revisions = false

    @Option(name: .long, help: "A directory of rule-set files to use besides the built-in ones.")
    var rules: String?

    @Flag(name: .long, help: "Print the report as one JSON object.")
    var json = false

    @Flag(name: .long, help: "Print CSV with a header row.")
    var csv = false

    @Flag(name: .long, help: "Show cells below the small-cell threshold (staff only: needs --token).")
    var unsuppressed = false

    @Option(name: .long, help: "A staff token (cus tokens create) for --unsuppressed; never an evaluator's.")
    var token: String?

    func validate() throws {
        if json && csv { throw ValidationError("give --json or --csv, not both") }
        guard UUID(canonicalText: programme) != nil else { throw ValidationError("--programme wants a UUID") }
        if publish && revisions { throw ValidationError("give --publish or --revisions, not both") }
        if let period {
            if from != nil || to != nil { throw ValidationError("give --period or --from and --to, not both") }
            if ReportingPeriod(period) == nil {
                throw ValidationError("--period wants YYYY-MM, YYYY-Qn, YYYY-H1, YYYY-H2 or YYYY, not \(period)")
            }
        } else {
            if publish || revisions { throw ValidationError("--publish and --revisions need --period") }
            guard let start = from.flatMap(LocalDate.init), let end = to.flatMap(LocalDate.init) else {
                throw ValidationError("--from and --to want dates YYYY-MM-DD (or give --period)")
            }
            if end <= start { throw ValidationError("--to must be after --from") }
            if let refusal = MetricsPeriod(from: start, to: end).refusal {
                throw ValidationError("--from and --to: \(refusal)")
            }
        }
        if unsuppressed && token == nil { throw ValidationError("--unsuppressed needs --token with a staff token") }
        if unsuppressed && (publish || revisions) {
            throw ValidationError(
                "published values are always suppressed: --unsuppressed takes no --publish or --revisions")
        }
        if revisions && (cutoff.asOfSize != nil || cutoff.asOf != nil) {
            throw ValidationError("--revisions lists what was published, each with its own cutoff; it takes none")
        }
    }

    /// The period asked for, and the reporting period when given as one.
    var requestedPeriod: (MetricsPeriod, ReportingPeriod?)? {
        if let label = period.flatMap(ReportingPeriod.init) { return (label.period, label) }
        guard let start = from.flatMap(LocalDate.init), let end = to.flatMap(LocalDate.init) else { return nil }
        return (MetricsPeriod(from: start, to: end), nil)
    }

    func run() async throws {
        try await reportingFailures {
            if unsuppressed, let token {
                // Checked before anything is opened or computed.
                _ = try TokenStaffAuthorisation(
                    dataDirectory: store.data, roles: TokenStaffAuthorisation.unsuppressedMetricsRoles,
                    action: "see unsuppressed M&E cells"
                ).staffMember(forToken: token)
            }
            guard let uuid = UUID(canonicalText: programme), let (requested, label) = requestedPeriod else {
                throw ValidationError("invalid arguments")
            }
            let programmeId = ProgrammeID(uuid: uuid)
            let log = PublishedMetricsLog(dataDirectory: store.data)
            if revisions, let label {
                let list = try log.revisions(programme: programmeId, period: label)
                print(json ? Self.json(list, programme: programmeId, period: label).text : Self.table(list))
                return
            }
            let ruleBook = try RuleSetDirectory.ruleBook(adding: rules)
            let ledger = try store.openLedger(readOnly: true, purpose: "cus metrics")
            defer { ledger.close() }
            let set = try ProjectionSet.open(store, keys: keys, ledger: ledger)
            defer { set.close() }
            let dimensions = MetricsFactsView.dimensions(among: set.projections)
            let projections: [any Projection] = [MetricsFactsProjection()] + dimensions
            let (facts, cutoffRead) = try read(projections, programme: programmeId, ruleBook: ruleBook, ledger: ledger)
            let report = try MetricsReport(
                facts: facts, programme: programmeId, period: requested, cutoff: cutoffRead, ruleBook: ruleBook,
                suppressed: !unsuppressed)
            print(json ? Self.json(report).text : Self.table(report, csv: csv))
            if publish, let label {
                let published = try log.publish(report, period: label, publishedAt: Date().ISO8601Format())
                var standardError = StandardError()
                print(Self.publicationLine(published.revision, appended: published.appended), to: &standardError)
            }
        }
    }

    /// The facts (with the person dimension's attributes when the Vault is at hand) and the cutoff they hold.
    private func read(
        _ projections: [any Projection], programme: ProgrammeID, ruleBook: RuleBook, ledger: Ledger
    ) throws -> (MetricsFacts, AsOfBuild.Cutoff) {
        func facts(_ projectionsStore: ProjectionsStore) throws -> MetricsFacts {
            try MetricsFactsView.facts(
                in: projectionsStore, programme: programme, ruleBook: ruleBook, withAttributes: projections.count > 1)
        }
        if let size = try cutoff.size(in: ledger) {
            let build = try AsOfBuild.build(projections, ledger: ledger, size: size, under: store.data)
            defer { build.remove() }
            return (try facts(build.store), build.cutoff)
        }
        let projectionsStore = try ProjectionsStore(directory: store.projectionsDirectory)
        defer { projectionsStore.close() }
        let builder = ProjectionBuilder(ledger: ledger, store: projectionsStore)
        let size = try ledger.treeSize()
        var checkpoint = size
        for projection in projections {
            let record = try builder.build(projection, slot: .live, upTo: size)
            if let failure = record.failure {
                throw ProjectionError.failed(
                    projection: type(of: projection).name, position: failure.position, failure.message)
            }
            checkpoint = min(checkpoint, record.checkpoint)
        }
        let cutoff = AsOfBuild.Cutoff(size: checkpoint, root: try ledger.root(atSize: checkpoint).hex)
        return (try facts(projectionsStore), cutoff)
    }

    static func number(_ value: Double?) -> JSONText {
        guard let value else { return .null }
        if value == value.rounded(), abs(value) < 1e15 { return .literal(String(Int64(value))) }
        return .literal(String(value))
    }

    static func json(_ report: MetricsReport) -> JSONText {
        .object([
            ("programme", .string(report.programme.uuid.lowercasedText)),
            ("period", .object([("from", .string("\(report.period.from)")), ("to", .string("\(report.period.to)"))])),
            ("cutoff", .object([("size", .number(report.cutoff.size)), ("root", .string(report.cutoff.root))])),
            ("indicators", .array(report.indicators.map { cell(report, $0) })),
        ])
    }

    static func cell(_ report: MetricsReport, _ cell: IndicatorValue) -> JSONText {
        .object([
            ("id", .string(cell.id)), ("name", .string(cell.name)), ("statistic", .string(cell.statistic.rawValue)),
            ("variant", cell.variant.map(JSONText.string) ?? .null),
            ("breakdown", .object(cell.breakdown.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
            ("value", number(cell.value)), ("numerator", number(cell.numerator.map(Double.init))),
            ("denominator", number(cell.denominator.map(Double.init))), ("suppressed", .bool(cell.suppressed)),
            ("display", cell.display.map(JSONText.string) ?? .null),
            ("indicatorVersion", .number(UInt64(report.indicatorVersion))),
            ("ruleSetVersion", .string(report.ruleSetVersion)),
        ])
    }

    static let columns = [
        "id", "name", "statistic", "variant", "breakdown", "value", "numerator", "denominator", "suppressed", "display",
    ]

    static func table(_ report: MetricsReport, csv: Bool) -> String {
        let lines = report.indicators.map { cell in
            let breakdown = cell.breakdown.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                .joined(separator: ";")
            let fields = [
                cell.id, cell.name, cell.statistic.rawValue, cell.variant ?? "", breakdown,
                number(cell.value).text, number(cell.numerator.map(Double.init)).text,
                number(cell.denominator.map(Double.init)).text, String(cell.suppressed), cell.display ?? "",
            ].map { $0 == "null" ? "" : $0 }
            return csv ? fields.map(ViewsShowCommand.csvField).joined(separator: ",") : fields.joined(separator: "  ")
        }
        let header =
            "\(report.programme.uuid.lowercasedText) [\(report.period.from), \(report.period.to)) as of size "
            + "\(report.cutoff.size), root \(report.cutoff.root); indicators v\(report.indicatorVersion), "
            + "rule set \(report.ruleSetVersion)"
        if csv { return ([columns.joined(separator: ",")] + lines).joined(separator: "\n") }
        return ([header, columns.joined(separator: "  ")] + lines).joined(separator: "\n")
    }
}
