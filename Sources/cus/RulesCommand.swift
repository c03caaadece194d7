import ArgumentParser
import Commands
import Domain
import Foundation

/// `--rules DIR`, shared by every command that decides or shows rules.
struct RulesOptions: ParsableArguments {
    @Option(name: .long, help: "A directory of further rule-set files (*.json) added to the compiled-in ones.")
    var rules: String?

    func ruleBook() throws -> RuleBook {
        do { return try RuleSetDirectory.ruleBook(adding: rules) } catch { throw CommandFailure(error) }
    }
}

/// `cus rules …`
struct RulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Show the legal rule sets (domain.md §3.1) and which one is in force.",
        subcommands: [RulesListCommand.self])
}

/// `cus rules list [--rules DIR] [--on DATE] [--json]`
struct RulesListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the rule sets, their effective dates and content hashes.")

    @OptionGroup var rulesOptions: RulesOptions
    @OptionGroup var output: OutputOptions
    @Option(name: .long, help: "Also name the set in force on this date (YYYY-MM-DD).")
    var on: String?

    func validate() throws {
        if let on, LocalDate(on) == nil { throw ValidationError("--on takes a date YYYY-MM-DD, got \(on)") }
    }

    func run() async throws {
        try await reportingFailures {
            let book = try rulesOptions.ruleBook()
            let inForce = try on.flatMap(LocalDate.init).map { date in
                do { return try book.ruleSet(inForceOn: date).ruleSetVersion } catch {
                    throw CommandFailure(exitCode: 64, reason: "\(error)")
                }
            }
            let rows = book.ruleSets.map { ruleSet in
                (
                    version: ruleSet.ruleSetVersion.description, from: ruleSet.effectiveFrom.description,
                    to: ruleSet.effectiveTo?.description, hash: RuleSetHash.hex(ruleSet),
                    inForce: ruleSet.ruleSetVersion == inForce
                )
            }
            if output.json {
                let objects = rows.map {
                    JSONText.object([
                        ("version", .string($0.version)), ("effectiveFrom", .string($0.from)),
                        ("effectiveTo", $0.to.map(JSONText.string) ?? .null), ("contentHash", .string($0.hash)),
                        ("inForce", .bool($0.inForce)),
                    ])
                }
                print(JSONText.array(objects).text)
            } else {
                for row in rows {
                    let marker = row.inForce ? "  ← in force on \(on ?? "")" : ""
                    print("\(row.version)  \(row.from) … \(row.to ?? "open")  sha256:\(row.hash)\(marker)")
                }
            }
        }
    }
}
