import ArgumentParser
import Ledger

/// `--data DIR`, shared by every command that reads or writes a data directory.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The data directory (ledger.md §2.1 layout).")
    var data: String = "./data"

    func ledgerOptions(readOnly: Bool, purpose: String) -> Ledger.Options {
        Ledger.Options(dataDirectory: data, readOnly: readOnly, writerPurpose: purpose)
    }

    /// Opens the ledger, or exits with the code and one-line reason of `CommandFailure`.
    func openLedger(readOnly: Bool, purpose: String) throws -> Ledger {
        do {
            return try Ledger(ledgerOptions(readOnly: readOnly, purpose: purpose))
        } catch {
            throw CommandFailure(error)
        }
    }
}

/// `--json`, for commands whose output is data.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false
}
