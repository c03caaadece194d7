import ArgumentParser
import Foundation
import Ledger
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

extension KeyFileOptions {
    /// Runs `body` on the writable keys env options while this process holds the data directory's writer lock
    /// (ledger.md §2.5): a running server or another writer makes it exit 75.
    func holdingWriterLock<R>(of store: StoreOptions, purpose: String, _ body: (VaultOptions) throws -> R) throws -> R {
        let lock = try WriterLock(dataDirectory: store.data, purpose: purpose)
        defer { lock.release() }
        return try body(vaultOptions(dataDirectory: store.data, readOnly: false))
    }
}

/// `cus keys …`
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Check, back up, rotate and compact the keys env of personal-data keys (ledger.md §4).",
        subcommands: [
            KeysCheckCommand.self, KeysBackupCommand.self, KeysPruneBackupsCommand.self, KeysRotateMasterCommand.self,
            KeysCompactCommand.self,
        ])
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

/// `cus keys backup --to DIR`: a keys backup in its own set (ledger.md §4.5).
struct KeysBackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the keys env (compacted) and the erasure list into DIR/keys-<UTC time>/, never beside a "
            + "ledger backup; the copy opens only with the master key of its epoch.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var keys: KeyFileOptions
    @Option(name: .long, help: "The keys backups directory (outside the data directory).") var to: String
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await reportingFailures {
            let manifest = try KeysBackups(directory: to).create(
                from: keys.vaultOptions(dataDirectory: store.data, readOnly: true), now: Date())
            if output.json {
                try OutputOptions.printJSON(manifest)
            } else {
                print(
                    "keys backup \(to)/\(manifest.name): \(manifest.dataKeys) data keys, \(manifest.erasedKeys) "
                        + "erased, \(manifest.erasureListEntries) erasure-list entries, master-key epoch "
                        + "\(manifest.masterKeyEpoch)")
            }
        }
    }
}

/// `cus keys prune-backups --in DIR --retention-days N`.
struct KeysPruneBackupsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune-backups",
        abstract: "Remove keys backups older than the retention (the newest stays), then destroy the retired master "
            + "key files (master.key.epoch-N) that no kept backup needs.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var keys: KeyFileOptions
    @Option(name: .customLong("in"), help: "The keys backups directory.") var directory: String
    @Option(help: "Days a keys backup is kept (one master-key epoch plus grace).") var retentionDays = 30

    func run() async throws {
        try await reportingFailures {
            let pruning = try KeysBackups(directory: directory).prune(
                retentionDays: retentionDays, now: Date(),
                options: keys.vaultOptions(dataDirectory: store.data, readOnly: true))
            for path in pruning.removedBackups { print("removed keys backup \(path)") }
            for path in pruning.destroyedMasterKeys { print("destroyed retired master key \(path)") }
            if pruning.removedBackups.isEmpty && pruning.destroyedMasterKeys.isEmpty { print("nothing to prune") }
        }
    }
}

/// `cus keys rotate-master`: a new master-key epoch (ledger.md §4.5).
struct KeysRotateMasterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-master",
        abstract: "Re-wrap every data key under a new master key in one transaction, keep the old key file as "
            + "master.key.epoch-N for its backups, and compact the keys env (takes the writer lock).")

    @OptionGroup var store: StoreOptions
    @OptionGroup var keys: KeyFileOptions

    func run() async throws {
        try await reportingFailures {
            let rotation = try keys.holdingWriterLock(of: store, purpose: "cus keys rotate-master") { options in
                try Vault.rotateMasterKey(options)
            }
            print(
                "master-key epoch \(rotation.fromEpoch) → \(rotation.toEpoch): \(rotation.rewrappedKeys) data keys "
                    + "re-wrapped; the old key is \(rotation.retiredKeyPath) until `cus keys prune-backups` finds no "
                    + "backup of its epoch")
        }
    }
}

/// `cus keys compact`: the compacting copy ledger.md §4.5 asks for after an erasure batch.
struct KeysCompactCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Compact the keys env in place so no free page still holds a destroyed key (takes the writer lock, "
            + "so the server must be stopped; a running `cus serve` compacts by itself after each burst of erasures).")

    @OptionGroup var store: StoreOptions
    @OptionGroup var keys: KeyFileOptions

    func run() async throws {
        try await reportingFailures {
            let path = store.data + "/keys/data.mdb"
            let before = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            try keys.holdingWriterLock(of: store, purpose: "cus keys compact") { options in
                try Vault.compactInPlace(options)
            }
            let after = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            print("keys env compacted: \(before) → \(after) bytes")
        }
    }
}
