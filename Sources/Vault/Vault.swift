import Crypto
import LMDB
import Synchronization
import Ledger

/// The keys env (ledger.md §4): one data key per subject and scope, wrapped under the master key; sealing and
/// opening of personal fields; the keyed PESEL blind index; and erasure by destroying keys (crypto-shredding).
/// Opening checks the master and lookup key files against check values stored in the env, so a wrong file is
/// a clear start-up error and a missing one is never replaced by a silently new key.
public final class Vault: Sendable {
    /// Plaintext bytes one sealed part may hold (ledger.md §3.1: the sealed field is at most 65,552 bytes).
    public static let sealedPlaintextBytesMax = 65_536
    /// National ID bytes accepted by the blind index.
    public static let nationalIDBytesMax = 32
    public static let dataKeyCacheEntriesMax = 4096

    public let options: VaultOptions
    let store: SwappableKeysStore
    let masterKey: SymmetricKey
    /// The epoch of `masterKey`, from the env's meta (ledger.md §4.5).
    public let masterKeyEpoch: UInt32
    let lookupKey: SymmetricKey
    let cache = DataKeyCache(entriesMax: Vault.dataKeyCacheEntriesMax)
    /// Keys whose subject's erasure is being recorded (`withhold`), each with how many erasures in progress hold
    /// it: `open` refuses them.
    let withheld = Mutex<[UUID128: Int]>([:])
    let groupCommit: KeysGroupCommit

    public init(_ options: VaultOptions) throws(VaultError) {
        self.options = options
        let store = try Self.openStore(options)
        do throws(VaultError) {
            let opening = VaultOpening(store: store, options: options)
            let keys = try opening.loadKeys()
            (masterKey, masterKeyEpoch, lookupKey) = (keys.master, keys.masterEpoch, keys.lookup)
            let swappable = SwappableKeysStore(store)
            self.store = swappable
            groupCommit = KeysGroupCommit(
                store: swappable, linger: GroupCommitLinger(microsecondsMax: options.groupCommitLingerMicroseconds))
        } catch {
            store.environment.close()
            throw error
        }
    }

    /// Opens the keys env at `options.keysEnvironmentPath` and its databases (creating them for a writer).
    static func openStore(_ options: VaultOptions) throws(VaultError) -> KeysStore {
        let path = options.keysEnvironmentPath
        let environment: Environment
        do {
            environment = try Environment(
                path: path,
                options: Environment.Options(
                    mapSizeBytes: options.mapSizeBytes, maxReaders: options.maxReaders, maxDatabases: 8,
                    flags: options.readOnly ? .readOnly : [], forbiddenFlags: .weakeningDurability))
        } catch {
            throw VaultError.storage(error, "cannot open the keys env at \(path)")
        }
        do {
            try environment.clearStaleReaders()
            return try KeysStore(environment: environment, create: !options.readOnly)
        } catch {
            environment.close()
            throw VaultError.storage(error, "cannot open the databases of the keys env at \(path)")
        }
    }

    /// The keys env's group commit so far: transactions committed and the writes they carried.
    public var groupCommitStatistics: (commits: Int, writes: Int) { groupCommit.statistics }

    /// Closes the keys env; later calls throw. The env also closes when the last reference goes away.
    public func close() { store.withShared { $0.environment.close() } }

    /// True while no wrapped data key exists (key files may still be created only before the env is set up).
    public var isEmpty: Bool {
        let entries = try? store.read("cannot count data keys") { txn in
            try txn.statistics(of: store.dataKeys).entries
        }
        return entries == 0
    }

    /// A backup of the keys env alone (ledger.md §4.5), compacted (`MDB_CP_COMPACT`): free pages, which may
    /// still hold destroyed keys, are not copied. `directory` must not hold a `data.mdb` yet.
    public func compactCopy(to directory: String) throws(VaultError) {
        try store.withShared { store throws(VaultError) in try Self.compactCopy(of: store, to: directory) }
    }

    static func compactCopy(of store: KeysStore, to directory: String) throws(VaultError) {
        do { try store.environment.copy(to: directory, compact: true) } catch {
            throw VaultError.storage(error, "cannot copy the keys env to \(directory)")
        }
    }
}
