/// Runs operations with the same key one after another (others concurrently): the in-process serialisation
/// of decisions that read and change one shared queue.
actor KeyedSerialQueue<Key: Hashable & Sendable> {
    private var tails: [Key: Task<Void, Never>] = [:]

    func run<Result: Sendable>(
        _ key: Key, _ operation: @Sendable @escaping () async throws(CommandError) -> Result
    ) async throws(CommandError) -> Result {
        let previous = tails[key]
        let task = Task<Result, any Error> {
            await previous?.value
            return try await operation()
        }
        tails[key] = Task { _ = try? await task.value }
        do { return try await task.value } catch let error as CommandError { throw error } catch {
            throw CommandError(.storage, "the serialised operation failed: \(error)")
        }
    }
}
