import ArgumentParser
import Commands
import HTTPAPI
import Domain
import Foundation
import Ledger
import Projections

/// `cus audit report --from DATE --to DATE --out report.html`: a self-contained printable HTML report as of the
/// newest signed checkpoint (verification, activity, decisions, erasures, compliance anomalies, rule sets).
struct AuditReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Write a self-contained, printable HTML audit report for a period.")

    @OptionGroup var store: StoreOptions
    @Option(help: "The period's first day, YYYY-MM-DD (Europe/Warsaw).") var from: String
    @Option(help: "The day after the period, YYYY-MM-DD (half-open).") var to: String
    @Option(help: "The HTML file to write.") var out: String
    @Option(help: "A directory of rule-set files to use besides the built-in ones.") var rules: String?
    @Option(help: "Trust this verifier key (vkey or @FILE) instead of the one recorded in the ledger.")
    var publicKey: [String] = []

    func validate() throws {
        guard let start = LocalDate(from), let end = LocalDate(to) else {
            throw ValidationError("--from and --to want dates YYYY-MM-DD")
        }
        if end <= start { throw ValidationError("--to must be after --from") }
    }

    func run() async throws {
        try await reportingFailures {
            guard let start = LocalDate(from), let end = LocalDate(to) else { throw ValidationError("invalid dates") }
            let verifiers = try publicKey.map(VerifierKeyArgument.parse)
            let ruleBook = try RuleSetDirectory.ruleBook(adding: rules)
            let ledger = try store.openLedger(readOnly: true, purpose: "cus audit report")
            defer { ledger.close() }
            guard let checkpoint = try ledger.newestCheckpoint() else {
                throw CommandFailure(exitCode: 1, reason: "the ledger has no signed checkpoint to report against")
            }
            let size = checkpoint.checkpoint.size
            let verification = try LedgerVerifier(
                ledger: ledger, options: LedgerVerifier.Options(asOfSize: size, verifiers: verifiers)
            ).verify()
            var report = try AuditReport.make(
                ledger: ledger, checkpoint: checkpoint, verification: verification, from: start, to: end,
                ruleBook: ruleBook)
            report.anomalies = try anomalies(
                ledger: ledger, size: size, from: start, to: end, ruleBook: ruleBook)
            try AuditFiles.write(report.html, to: out)
            print(
                "wrote \(out): size \(size), root \(checkpoint.checkpoint.root.hex), verification "
                    + (verification.ok ? "OK" : "FAILED (\(verification.problemCount) problems)"))
            if !verification.ok { throw ExitCode(1) }
        }
    }

    /// The ComplianceAlerts raised in the period, from the view built as of the checkpoint's size.
    private func anomalies(ledger: Ledger, size: UInt64, from: LocalDate, to: LocalDate, ruleBook: RuleBook) throws
        -> [AuditReport.Anomaly]
    {
        let view = try ProjectionCatalogue.view(named: ComplianceAlertsProjection.name)
        let build = try AsOfBuild.build([view.projection], ledger: ledger, size: size, under: store.data)
        defer { build.remove() }
        let context = ViewContext(today: to.adding(days: -1), ruleBook: ruleBook, ledger: ledger)
        let rows = try build.store.read(type(of: view.projection)) { try view.render($0, nil, context) }
        return rows.compactMap { row in
            let raisedAt = row["raisedAt"]?.csvText ?? ""
            guard let day = LocalDate(raisedAt), day >= from, day < to else { return nil }
            return AuditReport.Anomaly(
                kind: row["kind"]?.csvText ?? "", subject: row["subjectRef"]?.csvText ?? "", raisedAt: raisedAt,
                rule: row["rule"]?.csvText ?? "", status: row["status"]?.csvText ?? "")
        }
    }
}

/// `cus audit subject-export --person REF --token T --purpose TEXT --out DIR`: GDPR art. 15 export.
struct AuditSubjectExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subject-export",
        abstract: "Export everything held about one resident (GDPR art. 15) as JSON and HTML, access-logged.")

    @OptionGroup var store: StoreOptions
    @Option(help: "The resident's personRef (UUID).") var person: String
    @Option(help: "The staff token that authorises reading the personal data.") var token: String
    @Option(help: "Why the data is exported, for the access log.") var purpose: String
    @Option(help: "The directory to write subject-<ref>.json and subject-<ref>.html into.") var out: String
    @OptionGroup var keys: KeyFileOptions

    func validate() throws {
        if UUID(canonicalText: person) == nil { throw ValidationError("--person wants a UUID") }
    }

    func run() async throws {
        try await reportingFailures {
            guard let uuid = UUID(canonicalText: person) else { throw ValidationError("--person wants a UUID") }
            let authorisation = TokenStaffAuthorisation(
                dataDirectory: store.data, roles: TokenStaffAuthorisation.revealRoles)
            // The token is checked before anything is opened or read.
            _ = try authorisation.staffMember(forToken: token)
            let export = try await gather(PersonRef(uuid: uuid), authorisation: authorisation)
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let base = out + "/subject-" + uuid.lowercasedText
            try AuditFiles.write(String(decoding: try export.json(), as: UTF8.self) + "\n", to: base + ".json")
            try AuditFiles.write(export.html, to: base + ".html")
            print("wrote \(base).json and \(base).html: \(export.entries.count) event(s)")
        }
    }

    /// Revealed here, or through the running server's API when it holds the writer lock (`DIR/server.json`); the
    /// size, root and access log then come from a read-only view of the ledger.
    func gather(_ person: PersonRef, authorisation: TokenStaffAuthorisation) async throws -> SubjectExport {
        let services: CommandServices
        do {
            services = try CommandServices.open(
                store.ledgerOptions(readOnly: false, purpose: "cus audit subject-export"),
                masterKeyPath: keys.masterKeyFile, lookupKeyPath: keys.lookupKeyFile)
        } catch {
            guard let server = RevealClient.fallback(after: error, dataDirectory: store.data) else { throw error }
            let entries = try await RevealClient(server: server, token: token).residentTimeline(
                person.uuid, purpose: purpose, from: nil, to: nil)
            let ledger = try store.openLedger(readOnly: true, purpose: "cus audit subject-export")
            defer { ledger.close() }
            return try SubjectExport.completed(person: person, purpose: purpose, entries: entries, ledger: ledger)
        }
        defer { services.close() }
        return try await SubjectExport.make(
            person: person, token: token, purpose: purpose, authorisation: authorisation, services: services)
    }
}
