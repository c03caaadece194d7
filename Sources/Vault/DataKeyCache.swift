import Crypto
import Ledger
import Synchronization

/// Decrypted data keys, bounded (ledger.md §4.1), so opening a stream's events unwraps each key once. When full,
/// the key cached longest ago leaves first: a key just made by a command is still here when the live projections
/// open the event it sealed (evicting by hash bucket dropped arbitrary keys, fresh ones included). Erasure evicts
/// a key and bars it for good, so an `open` racing the erasure cannot put it back.
final class DataKeyCache: Sendable {
    private struct State {
        var keys: [UUID128: SymmetricKey] = [:]
        var barred: Set<UUID128> = []
        /// Ids in the order they were cached, oldest at `oldest`; ids evicted meanwhile are skipped when reached.
        var order: [UUID128] = []
        var oldest = 0
    }

    let entriesMax: Int
    private let state = Mutex(State())

    init(entriesMax: Int) {
        precondition(entriesMax > 0, "a cache needs room for one key")
        self.entriesMax = entriesMax
    }

    func key(_ keyID: UUID128) -> SymmetricKey? {
        state.withLock { $0.keys[keyID] }
    }

    func insert(_ key: SymmetricKey, for keyID: UUID128) {
        state.withLock { state in
            guard !state.barred.contains(keyID), state.keys.updateValue(key, forKey: keyID) == nil else { return }
            state.order.append(keyID)
            while state.keys.count > entriesMax && state.oldest < state.order.count {
                state.keys[state.order[state.oldest]] = nil
                state.oldest += 1
            }
            if state.oldest >= entriesMax {  // drop the ids already passed, a cache's worth at a time
                state.order.removeFirst(state.oldest)
                state.oldest = 0
            }
        }
    }

    func evict(_ keyIDs: [UUID128]) {
        state.withLock { state in
            for keyID in keyIDs {
                state.keys[keyID] = nil
                state.barred.insert(keyID)
            }
        }
    }

    var count: Int { state.withLock { $0.keys.count } }
}
