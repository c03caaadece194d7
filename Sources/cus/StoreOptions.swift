import ArgumentParser
import Foundation
import HTTPAPI
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
        if !readOnly { try refuseWhileServed(purpose) }
        do {
            return try Ledger(ledgerOptions(readOnly: readOnly, purpose: purpose))
        } catch {
            throw CommandFailure(error)
        }
    }
}

extension StoreOptions {
    /// Exit 75 with a one-line reason when a `cus serve` holds DIR (its live `server.json`): while it runs it is the
    /// only writer, and this command has no API route yet to send its writes through (issue #10).
    func refuseWhileServed(_ purpose: String) throws {
        guard let server = ServerFile.live(dataDirectory: data) else { return }
        throw CommandFailure(
            exitCode: 75,
            reason: "cus serve (pid \(server.pid), \(server.url)) holds the writer lock of \(data); "
                + "\(purpose) has no API route: stop the server first")
    }
}

/// A verifier key argument: the vkey string itself, or `@FILE` holding it.
enum VerifierKeyArgument {
    static func parse(_ argument: String) throws -> NoteVerifier {
        let text = try KeyArgumentText.read(argument, what: "verifier key")
        do {
            return try NoteVerifier(verifierKey: text)
        } catch {
            throw ValidationError("\(error)")
        }
    }
}

/// The text of a key argument: the argument itself, or the contents of FILE for `@FILE`.
enum KeyArgumentText {
    static func read(_ argument: String, what: String) throws -> String {
        guard argument.hasPrefix("@") else { return argument }
        let path = String(argument.dropFirst())
        guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CommandFailure(exitCode: 66, reason: "cannot read the \(what) file \(path)")
        }
        return contents
    }
}

/// `--json`, for commands whose output is data.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false
}

extension OutputOptions {
    /// Prints `value` as one line of JSON: sorted keys, ISO 8601 dates.
    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
