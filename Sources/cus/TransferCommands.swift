import ArgumentParser
import Commands
import Ledger

/// `cus ledger export`: JSON Lines in position order, with the newest checkpoint beside it.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export the ledger as JSON Lines (ledger.md §3.4), read-only.")

    @OptionGroup var store: StoreOptions
    @Option(help: "The JSON Lines file to write.") var out: String
    @Option(help: "Export only the first N events.") var asOfSize: UInt64?

    func run() async throws {
        try await reportingFailures {
            let ledger = try store.openLedger(readOnly: true, purpose: "cus ledger export")
            defer { ledger.close() }
            var bar = ProgressBar(total: 0, label: "exporting")
            let summary = try LedgerExporter(ledger: ledger, payloadJSON: DomainPayloadJSON.renderer).export(
                to: out, asOfSize: asOfSize
            ) { done, total in
                if bar.total != total { bar = ProgressBar(total: total, label: "exporting") }
                bar.update(done)
            }
            let beside = summary.checkpoint.map { "checkpoint at size \($0.checkpoint.size) in \(out).checkpoint" }
            print(
                "exported \(summary.size) events, root \(summary.root.hex); "
                    + (beside ?? "no checkpoint at or below that size"))
        }
    }
}

/// `cus ledger import`: validates a whole export file, then rebuilds an identical ledger in an empty directory.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import an export file into an empty data directory (identical root).")

    @OptionGroup var store: StoreOptions
    @Argument(help: "A file written by `cus ledger export`.") var file: String
    @Option(help: "Also check the checkpoint beside the file against this verifier key (vkey or @FILE).")
    var publicKey: [String] = []

    func run() async throws {
        try await reportingFailures {
            let importer = LedgerImporter(
                path: file, verifiers: try publicKey.map(VerifierKeyArgument.parse),
                payloadJSON: DomainPayloadJSON.renderer)
            let expected = try importer.validate()
            try store.refuseWhileServed("cus ledger import")
            var options = store.ledgerOptions(readOnly: false, purpose: "cus ledger import")
            if let origin = expected.checkpoint?.checkpoint.origin { options.origin = origin }
            let ledger: Ledger
            do { ledger = try Ledger(options) } catch { throw CommandFailure(error) }
            defer { ledger.close() }
            var bar = ProgressBar(total: expected.size, label: "importing")
            let summary = try await importer.run(into: ledger) { done, _ in bar.update(done) }
            print("imported \(summary.size) events; root \(summary.root.hex) matches the file")
            if publicKey.isEmpty, summary.checkpoint != nil {
                var standardError = StandardError()
                print(
                    "cus: warning: the checkpoint beside the file was checked against the records, not its signature; "
                        + "pass --public-key to check who signed it", to: &standardError)
            }
        }
    }
}

/// `cus ledger backup --to DIR`: a hot, compacting copy, verified after the copy.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Copy the ledger (compacting, hot) into DIR/ledger and verify the copy.")

    @OptionGroup var store: StoreOptions
    @Option(help: "The backup data directory; DIR/ledger must not exist.") var to: String

    func run() async throws {
        // A damaged ledger can fault inside liblmdb while it is copied and the copy verified.
        DamagedFileFaults.reportAsNotOK()
        try await reportingFailures {
            let ledger = try store.openLedger(readOnly: true, purpose: "cus ledger backup")
            defer { ledger.close() }
            let report = try LedgerBackup.run(ledger, to: to)
            guard report.ok else {
                throw CommandFailure(
                    exitCode: 1, reason: "the backup in \(to) does not verify: \(report.problems.first?.detail ?? "")")
            }
            print(
                "backed up \(report.size) events to \(to)/ledger; verified, root \(report.root.hex), "
                    + "\(report.checkpointsVerified) checkpoint(s) checked")
        }
    }
}
