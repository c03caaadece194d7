import LMDB
import Synchronization

/// The keys env as a running `Vault` uses it: every transaction runs under the shared side of a gate, so
/// `swap` (online compaction, ledger.md §4.5) can close the env and open its compacted copy while no
/// transaction of this process is active. Tasks that arrive meanwhile wait, then run on the new env.
/// Database handles are read through `current` inside the transaction, so they always belong to its env.
@dynamicMemberLookup
final class SwappableKeysStore: Sendable {
    private let gate = ReadWriteGate()
    private let current: Mutex<KeysStore>

    init(_ store: KeysStore) { current = Mutex(store) }

    /// The env in use now; stable only while the caller holds the gate (inside `read`, `write` or `swap`).
    var store: KeysStore { current.withLock { $0 } }

    subscript<T>(dynamicMember keyPath: KeyPath<KeysStore, T>) -> T { store[keyPath: keyPath] }

    func read<R>(_ context: @autoclosure () -> String, _ body: (Transaction) throws -> R) throws(VaultError) -> R {
        try withShared { store throws(VaultError) in try store.read(context(), body) }
    }

    func write<R>(_ context: @autoclosure () -> String, _ body: (Transaction) throws -> R) throws(VaultError) -> R {
        try withShared { store throws(VaultError) in try store.write(context(), body) }
    }

    func keys(in database: Database, prefix: [UInt8], limit: Int, _ txn: Transaction) throws -> [[UInt8]] {
        try store.keys(in: database, prefix: prefix, limit: limit, txn)
    }

    /// Runs `body` with the env while no `swap` can run (a copy, a close).
    func withShared<R, E: Error>(_ body: (KeysStore) throws(E) -> R) throws(E) -> R {
        let result = gate.withShared { Result { () throws(E) in try body(store) } }
        return try result.get()
    }

    /// Runs `body` with no transaction of this process active; the store it returns replaces the current one.
    func swap<R>(_ body: (KeysStore) throws(VaultError) -> (KeysStore, R)) throws(VaultError) -> R {
        let result = gate.withExclusive {
            Result { () throws(VaultError) in
                let (next, value) = try body(store)
                current.withLock { $0 = next }
                return value
            }
        }
        return try result.get()
    }
}
