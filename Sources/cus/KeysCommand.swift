import ArgumentParser
import Foundation
import Vault

/// `--master-key-file`, `--lookup-key-file` (ledger.md §3.3), for commands that open the keys env.
struct KeyFileOptions: ParsableArguments {
    @Option(name: .long, help: "The master key file that wraps data keys (default: DIR.keys/master.key).")
    var masterKeyFile: String?

    @Option(name: .long, help: "The PESEL lookup key file (default: DIR.keys/lookup.key).")
    var lookupKeyFile: String?

    func vaultOptions(dataDirectory: String, readOnly: Bool) -> VaultOptions {
        VaultOptions(
            dataDirectory: dataDirectory, masterKeyPath: masterKeyFile, lookupKeyPath: lookupKeyFile,
            readOnly: readOnly)
    }
}

/// `cus keys …`
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Check the keys env of personal-data keys (ledger.md §4).",
        subcommands: [KeysCheckCommand.self])
}

/// `cus keys check`: opens the keys env read-only with the key files, as start-up does, and reports.
struct KeysCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check that the master and lookup key files fit the keys env (e.g. after a restore).")

    @OptionGroup var store: StoreOptions
    @OptionGroup var keys: KeyFileOptions

    func run() async throws {
        try await reportingFailures {
            let options = keys.vaultOptions(dataDirectory: store.data, readOnly: true)
            guard FileManager.default.fileExists(atPath: options.keysEnvironmentPath + "/data.mdb") else {
                print("no keys env at \(options.keysEnvironmentPath): it is created on first use")
                return
            }
            let vault = try Vault(options)
            defer { vault.close() }
            let erased = try ErasureList(path: options.erasureListPath).entries().count
            print(
                "keys env \(options.keysEnvironmentPath): "
                    + (vault.isEmpty ? "no data keys yet" : "opens with \(options.resolvedMasterKeyPath)")
                    + "; \(erased) erased keys listed in \(options.erasureListPath)")
        }
    }
}
