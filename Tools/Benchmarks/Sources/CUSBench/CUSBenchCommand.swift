import ArgumentParser

/// `cus-bench`: the project's benchmarks, each beside a raw-LMDB baseline in the same process. Benchmarks are
/// not tests (style.md §6): they print figures and ratios and never fail on elapsed time.
@main
struct CUSBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cus-bench",
        abstract: "Benchmarks of CUSLedger against raw LMDB baselines (ledger.md §5.2).",
        subcommands: [LedgerCommand.self, DomainCommand.self, ProjectionsCommand.self])
}
