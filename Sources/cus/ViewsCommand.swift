import ArgumentParser
import Commands
import Domain
import Foundation
import Ledger
import Projections

/// `cus views …`
struct ViewsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "views", abstract: "Read the views (domain.md §5).", subcommands: [ViewsShowCommand.self])
}

/// `cus views show NAME`: a view's rows, live (caught up first) or as of a cutoff, as a table, JSON or CSV.
struct ViewsShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Print a view's rows; the cutoff (size and root) goes to stderr.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var cutoff: CutoffOptions

    @Argument(help: "The view: \(ProjectionCatalogue.views.map(\.name).joined(separator: ", ")).")
    var name: String

    @Option(name: .long, help: "Only the row(s) with this key (the view's key, e.g. a planId).")
    var key: String?

    @Option(name: .long, help: "The day read-time columns are computed for (default: today in Europe/Warsaw).")
    var today: String?

    @Option(name: .long, help: "A directory of rule-set files to use besides the built-in ones.")
    var rules: String?

    @Flag(name: .long, help: "Print a JSON array of row objects.")
    var json = false

    @Flag(name: .long, help: "Print CSV with a header row (nested rows as JSON).")
    var csv = false

    @Option(
        name: .long,
        help: "ResidentTimeline (required there): why the resident's personal data is read, for the access log.")
    var purpose: String?

    @Option(
        name: .long,
        help: "ResidentTimeline: the staffId of whoever reads, logged with the operator role (default: system:cli).")
    var viewer: String?

    @OptionGroup var keys: KeyFileOptions

    /// ResidentTimeline shows decrypted personal fields, so it is read through the access log (domain.md §4.12).
    var revealsPersonalData: Bool { name == ResidentTimelineProjection.name }

    func validate() throws {
        if json && csv { throw ValidationError("give --json or --csv, not both") }
        if let today, LocalDate(today) == nil { throw ValidationError("--today wants a date YYYY-MM-DD, not \(today)") }
        guard revealsPersonalData else {
            if purpose != nil || viewer != nil {
                throw ValidationError("--purpose and --viewer are for ResidentTimeline")
            }
            return
        }
        guard let key, PersonRef(key) != nil else {
            throw ValidationError("ResidentTimeline shows one resident: give --key PERSONREF")
        }
        guard let purpose, !purpose.allSatisfy(\.isWhitespace), purpose.count <= PersonalDataReader.purposeLengthMax
        else {
            throw ValidationError(
                "ResidentTimeline needs --purpose TEXT (at most \(PersonalDataReader.purposeLengthMax) characters): "
                    + "the access log records why personal data was read")
        }
        if let viewer, StaffID(viewer) == nil {
            throw ValidationError("--viewer wants a staffId (UUID), not \(viewer)")
        }
    }

    func run() async throws {
        try await reportingFailures {
            let view = try ProjectionCatalogue.view(named: name)
            let ruleBook = try RuleSetDirectory.ruleBook(adding: rules)
            let context = ViewContext(today: try Self.day(today), ruleBook: ruleBook)
            if revealsPersonalData {
                try await showTimeline(view, context: context)
                return
            }
            let ledger = try store.openLedger(readOnly: true, purpose: "cus views show")
            defer { ledger.close() }
            let (rows, size) = try read(view, ledger: ledger, context: context)
            try printCutoff(view, size: size, ledger: ledger)
            print(render(rows, columns: view.columns))
        }
    }

    /// The cutoff on stderr, so stdout holds only the rows.
    func printCutoff(_ view: ViewDefinition, size: UInt64, ledger: Ledger) throws {
        var standardError = StandardError()
        print("\(view.name) as of size \(size), root \(try ledger.root(atSize: size).hex)", to: &standardError)
    }

    /// Live: catch the projection up to the ledger, then read. As of a cutoff: build into a temporary directory.
    func read(_ view: ViewDefinition, ledger: Ledger, context: ViewContext) throws -> ([ViewRow], UInt64) {
        var context = context
        context.ledger = ledger
        if let size = try cutoff.size(in: ledger) {
            let build = try AsOfBuild.build([view.projection], ledger: ledger, size: size, under: store.data)
            defer { build.remove() }
            let rows = try build.store.read(type(of: view.projection)) { try view.render($0, key, context) }
            return (rows, build.cutoff.size)
        }
        let projectionsStore = try ProjectionsStore(directory: store.projectionsDirectory)
        defer { projectionsStore.close() }
        let builder = ProjectionBuilder(ledger: ledger, store: projectionsStore)
        let record = try builder.build(view.projection, slot: .live, upTo: try ledger.treeSize())
        if let failure = record.failure {
            throw ProjectionError.failed(projection: view.name, position: failure.position, failure.message)
        }
        let rows = try projectionsStore.read(type(of: view.projection)) { try view.render($0, key, context) }
        return (rows, record.checkpoint)
    }

    func render(_ rows: [ViewRow], columns: [String]) -> String {
        if json { return ViewRow.jsonText(rows) }
        if csv {
            let lines = rows.map { row in columns.map { Self.csvField(row[$0]?.csvText ?? "") }.joined(separator: ",") }
            return ([columns.joined(separator: ",")] + lines).joined(separator: "\n")
        }
        let scalar = columns.filter { column in rows.allSatisfy { if case .rows = $0[column] { false } else { true } } }
        let lines = rows.map { row in scalar.map { row[$0]?.csvText ?? "" }.joined(separator: "  ") }
        return ([scalar.joined(separator: "  ")] + lines + ["\(rows.count) rows"]).joined(separator: "\n")
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func day(_ text: String?) throws -> LocalDate {
        if let text, let date = LocalDate(text) { return date }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = CutoffOptions.warsaw
        let parts = calendar.dateComponents([.year, .month, .day], from: Date())
        guard let year = parts.year, let month = parts.month, let day = parts.day,
            let date = LocalDate(year: year, month: month, day: day)
        else { throw ValidationError("cannot tell today's date") }
        return date
    }
}
