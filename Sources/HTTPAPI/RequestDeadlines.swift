import Hummingbird
import Synchronization

/// Cuts route handlers off after `timeout` with one watchdog for all requests in flight, rather than a timer
/// and a task group of two child tasks per request (together ≈ 10 % of a command's CPU in `perf`, ADR 0018).
///
/// Each handler runs in a task of its own, so cancelling it at the deadline leaves alone the connection's task,
/// which serves the connection's later requests. The caller gets 503 `request-timeout` once the watchdog sees
/// the deadline pass, between `timeout` and `timeout + tick`, also when the handler never checks for
/// cancellation; the handler's own answer is then dropped. A command already handed to the writer still
/// commits, and its client retries with the same Idempotency-Key to get the original result.
final class RequestDeadlines: Sendable {
    let timeout: Duration
    /// How often the watchdog looks, while any request is in flight: a quarter of the timeout, 10 ms to 1 s.
    let tick: Duration
    private let state = Mutex(State())

    private struct State {
        var nextID: UInt64 = 0
        var inFlight: [UInt64: Watched] = [:]
        var watching = false
    }

    private struct Watched {
        let deadline: ContinuousClock.Instant
        let answer: Answer
    }

    init(timeout: Duration) {
        self.timeout = timeout
        tick = min(max(timeout / 4, .milliseconds(10)), .seconds(1))
    }

    /// The handler's response, or `Problem.requestTimeout` once its deadline passed.
    func run(_ handler: @escaping @Sendable () async throws -> Response) async throws -> Response {
        let answer = Answer()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                answer.expect(continuation)
                let id = watch(answer, deadline: .now + timeout)
                answer.attach(
                    Task {
                        let result: Result<Response, any Error>
                        do { result = .success(try await handler()) } catch { result = .failure(error) }
                        forget(id)  // before the caller resumes, so a finished request is never still watched
                        answer.give(result)
                    })
            }
        } onCancel: {
            answer.cancelHandler()
        }
    }

    /// Requests being watched now (for tests).
    var watchedCount: Int { state.withLock { $0.inFlight.count } }

    private func watch(_ answer: Answer, deadline: ContinuousClock.Instant) -> UInt64 {
        let (id, startWatchdog) = state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.inFlight[id] = Watched(deadline: deadline, answer: answer)
            defer { state.watching = true }
            return (id, !state.watching)
        }
        if startWatchdog { Task.detached { await self.watchUntilIdle() } }
        return id
    }

    private func forget(_ id: UInt64) {
        _ = state.withLock { $0.inFlight.removeValue(forKey: id) }
    }

    /// Times out overdue requests every `tick`; ends when none is in flight (the next request starts another).
    private func watchUntilIdle() async {
        while true {
            try? await Task.sleep(for: tick)
            let now = ContinuousClock.now
            let (overdue, idle) = state.withLock { state in
                let overdue = state.inFlight.filter { $0.value.deadline <= now }
                for id in overdue.keys { state.inFlight.removeValue(forKey: id) }
                if state.inFlight.isEmpty { state.watching = false }
                return (overdue.values.map(\.answer), state.inFlight.isEmpty)
            }
            for answer in overdue {
                answer.give(.failure(Problem.requestTimeout))
                answer.cancelHandler()
            }
            if idle { return }
        }
    }
}

/// The one answer of a request: the first of the handler's result and the timeout resumes the caller.
private final class Answer: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Response, any Error>?
        var handler: Task<Void, Never>?
        var handlerCancelled = false
    }

    private let state = Mutex(State())

    func expect(_ continuation: CheckedContinuation<Response, any Error>) {
        state.withLock { $0.continuation = continuation }
    }

    func attach(_ handler: Task<Void, Never>) {
        let cancelNow = state.withLock { state in
            state.handler = handler
            return state.handlerCancelled
        }
        if cancelNow { handler.cancel() }
    }

    func give(_ result: Result<Response, any Error>) {
        let continuation = state.withLock { state in
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume(with: result)
    }

    func cancelHandler() {
        let handler = state.withLock { state in
            state.handlerCancelled = true
            return state.handler
        }
        handler?.cancel()
    }
}
