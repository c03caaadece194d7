/// Runs operations with the same key one after another (others concurrently): the in-process serialisation
/// of decisions that read and change one shared queue. A key's entry goes once its last operation ends, so keys
/// seen once (a request naming a programme that does not exist) leave nothing behind.
actor KeyedSerialQueue<Key: Hashable & Sendable> {
    private var tails: [Key: (number: UInt64, task: Task<Void, Never>)] = [:]
    private var issued: UInt64 = 0

    func run<Result: Sendable>(
        _ key: Key, _ operation: @Sendable @escaping () async throws(CommandError) -> Result
    ) async throws(CommandError) -> Result {
        let previous = tails[key]?.task
        let task = Task<Result, any Error> {
            await previous?.value
            return try await operation()
        }
        issued += 1
        let number = issued
        tails[key] = (number, Task { _ = try? await task.value })
        let result = await task.result
        if tails[key]?.number == number { tails[key] = nil }
        do { return try result.get() } catch let error as CommandError { throw error } catch {
            throw CommandError(.storage, "the serialised operation failed: \(error)")
        }
    }

    /// Keys with an operation running or waiting (for tests).
    var keyCount: Int { tails.count }
}

/// One operation at a time, in the order they asked, without moving the operation into a task of its own (so it
/// may use the caller's non-`Sendable` values): for decisions that read facts of many streams, such as the units
/// already authorised for a plan item or from a provider.
actor AsyncGate {
    private var held = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Runs `body` once every earlier caller's has ended.
    nonisolated func run<Result>(_ body: () async throws(CommandError) -> Result) async throws(CommandError) -> Result {
        await acquire()
        do {
            let result = try await body()
            await release()
            return result
        } catch {
            await release()
            throw error
        }
    }

    private func acquire() async {
        guard held else {
            held = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        guard !waiters.isEmpty else {
            held = false
            return
        }
        waiters.removeFirst().resume()
    }
}
