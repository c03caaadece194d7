import ArgumentParser
import Commands
import Domain
import Foundation
import Ledger

/// `cus generate`: realistic synthetic CUS data through the real command handlers.
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Fill a data directory with a realistic synthetic CUS, written through the real command handlers.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var keys: KeyFileOptions
    @OptionGroup var rulesOptions: RulesOptions
    @Option(help: "How many residents come to the centre over the period.") var residents: Int = 1_000
    @Option(help: "How many months the period lasts.") var months: Int = 12
    @Option(help: "The seed: the same seed gives the same residents, decisions and event counts.") var seed: UInt64 = 1
    @Option(help: "The first day of the period (YYYY-MM-DD).") var from: String = "2025-01-01"

    func validate() throws {
        guard (1...1_000_000).contains(residents) else { throw ValidationError("--residents must be 1…1,000,000") }
        guard (1...120).contains(months) else { throw ValidationError("--months must be 1…120") }
        guard LocalDate(from) != nil else { throw ValidationError("--from takes a date YYYY-MM-DD, got \(from)") }
    }

    func run() async throws {
        try await reportingFailures {
            try store.refuseWhileServed("cus generate")
            let options = store.ledgerOptions(readOnly: false, purpose: "cus generate")
            let services = try CommandServices.open(
                options, masterKeyPath: keys.masterKeyFile, lookupKeyPath: keys.lookupKeyFile,
                ruleBook: try rulesOptions.ruleBook())
            defer { services.close() }
            let firstDay = LocalDate(from) ?? LocalDate(daysSinceEpoch: 0)
            let generator = CUSDataGenerator(
                services: services,
                options: .init(residents: residents, months: months, seed: seed, firstDay: firstDay))
            let started = Date()
            let bar = ProgressBarBox(total: UInt64(residents * months), label: "generating")
            let summary = try await generator.run { done, _ in bar.update(UInt64(done)) }
            let elapsed = Date().timeIntervalSince(started)
            let stats = try services.ledger.statistics()
            print(
                "generated \(residents) residents over \(months) months (seed \(seed)) in \(String(format: "%.1f", elapsed)) s"
            )
            print(
                "\(summary.eventsWritten) events, \(Int(Double(summary.eventsWritten) / max(elapsed, 0.001))) events/s; "
                    + "\(summary.commands) commands, \(summary.rejectedAsExpected) refused by a rule as the simulation expected"
            )
            for (type, count) in stats.byType.sorted(by: { $0.key < $1.key }) { print("  \(type): \(count)") }
        }
    }
}
