import ArgumentParser
import Ledger

/// `cus ledger verify`: re-reads every record, re-hashes, rebuilds the tree and checks it against every signed
/// checkpoint and the indexes. Read-only; exit 1 when anything is wrong, also when a damaged page makes a read
/// fault.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify every record, the Merkle tree, the signed checkpoints and the indexes (read-only).")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Verify only the tree of the first N events.") var asOfSize: UInt64?
    @Option(help: "Trust this verifier key (vkey or @FILE) instead of the one recorded in the ledger.")
    var publicKey: [String] = []
    @Option(help: "A witness's cosignature/v1 verifier key (vkey or @FILE): report its cosignature (repeatable).")
    var witnessKey: [String] = []

    func run() async throws {
        DamagedFileFaults.reportAsNotOK()
        try await reportingFailures {
            let verifiers = try publicKey.map(VerifierKeyArgument.parse)
            let witnesses = try witnessKey.map(WitnessKeyArgument.parse)
            let ledger = try store.openLedger(readOnly: true, purpose: "cus ledger verify")
            defer { ledger.close() }
            var bar = ProgressBar(total: 0, label: "verifying")
            let report = try LedgerVerifier(
                ledger: ledger, options: LedgerVerifier.Options(asOfSize: asOfSize, verifiers: verifiers)
            ).verify { done, total in
                if bar.total != total { bar = ProgressBar(total: total, label: "verifying") }
                bar.update(done)
            }
            let cosigners = report.newestCheckpoint?.cosigners(among: witnesses) ?? []
            let unverified = (report.newestCheckpoint?.otherSignatureNames(verifiers: [], witnesses: witnesses) ?? [])
                .filter { !report.newestCheckpointSigners.contains($0) }
            if output.json {
                print(
                    JSONText.object([
                        ("ok", .bool(report.ok)), ("size", .number(report.size)), ("root", .string(report.root.hex)),
                        ("firstBadPosition", report.firstBadPosition.map(JSONText.number) ?? .null),
                        ("checkpointsVerified", .number(UInt64(report.checkpointsVerified))),
                        ("newestCheckpointSigners", .array(report.newestCheckpointSigners.map(JSONText.string))),
                        ("newestCheckpointCosigners", .array(cosigners.map(WitnessReport.json))),
                        ("unverifiedSignatures", .array(unverified.map(JSONText.string))),
                        ("problemCount", .number(UInt64(report.problemCount))),
                        (
                            "problems",
                            .array(
                                report.problems.map { problem in
                                    .object([
                                        ("position", problem.position.map(JSONText.number) ?? .null),
                                        ("check", .string(problem.check)), ("detail", .string(problem.detail)),
                                    ])
                                })
                        ),
                    ]).text)
            } else {
                print("size \(report.size), root \(report.root.hex)")
                print(
                    "checkpoints verified: \(report.checkpointsVerified); newest signed by: "
                        + (report.newestCheckpointSigners.isEmpty
                            ? "–" : report.newestCheckpointSigners.joined(separator: ", ")))
                print(WitnessReport.line(cosigners: cosigners, unverified: unverified))
                for problem in report.problems {
                    print(
                        "problem at \(problem.position.map(String.init) ?? "–") [\(problem.check)]: \(problem.detail)")
                }
                print(
                    report.ok
                        ? "OK"
                        : "FAILED: \(report.problemCount) problem(s), first bad position "
                            + (report.firstBadPosition.map(String.init) ?? "–"))
            }
            if !report.ok { throw ExitCode(1) }
        }
    }
}
