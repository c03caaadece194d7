import Crypto
import Ledger
import Synchronization

/// Decrypted data keys, bounded (ledger.md §4.1), so opening a stream's events unwraps each key once. Erasure
/// evicts a key and bars it for good, so an `open` racing the erasure cannot put it back.
final class DataKeyCache: Sendable {
    private struct State {
        var keys: [UUID128: SymmetricKey] = [:]
        var barred: Set<UUID128> = []
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
            guard !state.barred.contains(keyID) else { return }
            if state.keys[keyID] == nil && state.keys.count >= entriesMax {
                state.keys.remove(at: state.keys.startIndex)
            }
            state.keys[keyID] = key
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
