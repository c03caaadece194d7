import ArgumentParser

/// The one executable of CUSLedger: ledger tools now; the server, projections and audit tools as they land.
@main
struct CUS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cus",
        abstract: "CUSLedger: the audit-grade event ledger of a social services centre (CUS).",
        subcommands: [
            LedgerCommand.self, GenerateCommand.self, EventsCommand.self, RulesCommand.self, KeysCommand.self,
            ProjectionsCommand.self, ViewsCommand.self, MetricsCommand.self, OpsCommand.self, ServeCommand.self,
            TokensCommand.self, AuditCommand.self, RestoreCommand.self,
        ])
}

/// `cus ledger …`
struct LedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Inspect and maintain the append-only ledger.",
        subcommands: [
            SeedCommand.self, StatsCommand.self, VerifyCommand.self, CheckpointCommand.self, PublicKeyCommand.self,
            VerifyCheckpointCommand.self, CosignedCommand.self, ExportCommand.self, ImportCommand.self,
            BackupCommand.self,
        ])
}
