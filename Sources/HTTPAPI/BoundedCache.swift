import Synchronization

/// A bounded map from keys to values made once, under the API's caches of answers (`ViewRowsCache`,
/// `IndicatorReportCache`). The oldest entries go first once more than `entriesMax` are held or their weights add
/// up past `weightMax`; a value heavier than `weightMax` on its own is returned without being kept.
final class BoundedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    let entriesMax: Int
    let weightMax: Int
    private let weight: @Sendable (Value) -> Int
    private let state = Mutex<(order: [Key], values: [Key: Value], held: Int, generation: Int)>(([], [:], 0, 0))

    init(entriesMax: Int, weightMax: Int = .max, weight: @escaping @Sendable (Value) -> Int = { _ in 1 }) {
        self.entriesMax = max(1, entriesMax)
        self.weightMax = max(1, weightMax)
        self.weight = weight
    }

    /// The value held under `key`, or the one `make` returns (kept when it fits, and when no `removeAll` came while
    /// it was being made). Two callers racing for the same key may both make it; the first kept answers both from
    /// then on.
    func value<E: Error>(_ key: Key, make: () throws(E) -> Value) throws(E) -> Value {
        try valueAndGeneration(key, make: make).value
    }

    /// `value(_:make:)` and the generation it belongs to, for `update(_:generation:_:)`.
    func valueAndGeneration<E: Error>(_ key: Key, make: () throws(E) -> Value) throws(E) -> (
        value: Value, generation: Int
    ) {
        let (held, generation) = state.withLock { ($0.values[key], $0.generation) }
        if let held { return (held, generation) }
        let made = try make()
        let cost = weight(made)
        guard cost <= weightMax else { return (made, generation) }
        return state.withLock { state in
            guard state.generation == generation else { return (made, generation) }
            if let raced = state.values[key] { return (raced, generation) }
            state.values[key] = made
            state.order.append(key)
            state.held += cost
            while state.held > weightMax || state.order.count > entriesMax {
                let oldest = state.order.removeFirst()
                if let gone = state.values.removeValue(forKey: oldest) { state.held -= weight(gone) }
            }
            return (made, generation)
        }
    }

    /// Changes the value held under `key`, if it is still held and no `removeAll` came since `generation` (so a
    /// value made before it cannot change one made after); `body` must keep its weight.
    func update(_ key: Key, generation: Int, _ body: (inout Value) -> Void) {
        state.withLock { state in
            guard state.generation == generation, var value = state.values[key] else { return }
            body(&value)
            state.values[key] = value
        }
    }

    /// Drops every entry; values being made meanwhile are returned to their callers but not kept.
    func removeAll() {
        state.withLock { state in
            state.order.removeAll()
            state.values.removeAll()
            state.held = 0
            state.generation += 1
        }
    }

    /// The entries held that `isIncluded` picks.
    func entries(where isIncluded: (Key, Value) -> Bool) -> [(key: Key, value: Value)] {
        state.withLock { state in state.values.filter { isIncluded($0.key, $0.value) }.map { ($0.key, $0.value) } }
    }
}
