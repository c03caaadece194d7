import ArgumentParser
import Foundation
import Ledger

/// `--data DIR`, shared by every command that reads or writes a data directory.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The data directory (ledger.md §2.1 layout).")
    var data: String = "./data"

    @Option(name: .long, help: "The checkpoint signing key file (default: DIR.keys/signing.key).")
    var signingKey: String?

    @Option(name: .long, help: "The checkpoint origin of a new ledger, <host>/ledger/v1.")
    var origin: String = "cusledger.local/ledger/v1"

    func ledgerOptions(readOnly: Bool, purpose: String) -> Ledger.Options {
        Ledger.Options(
            dataDirectory: data, readOnly: readOnly, writerPurpose: purpose, origin: origin, signingKeyPath: signingKey)
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

/// A verifier key argument: the vkey string itself, or `@FILE` holding it.
enum VerifierKeyArgument {
    static func parse(_ argument: String) throws -> NoteVerifier {
        var text = argument
        if argument.hasPrefix("@") {
            let path = String(argument.dropFirst())
            guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ValidationError("cannot read the verifier key file \(path)")
            }
            text = contents
        }
        do {
            return try NoteVerifier(verifierKey: text)
        } catch {
            throw ValidationError("\(error)")
        }
    }
}

/// `--json`, for commands whose output is data.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false
}
