public import Vault

/// Compacts an environment after erasures while the server runs ("after each erasure batch": ledger.md §4.4 for
/// the projections env, §4.5 for the keys env). `request()` returns at once; one compaction runs `debounce` after
/// the last request of a burst, on its own task (never on a request's path), and never two at once: requests
/// made while one runs lead to one more.
public actor CompactionScheduler<Outcome: Sendable> {
    public let debounce: Duration
    private let compact: @Sendable () async -> Outcome
    private let observer: @Sendable (Outcome) -> Void
    private let clock = ContinuousClock()
    private var lastRequest: ContinuousClock.Instant?
    private var worker: Task<Void, Never>?
    private var stopped = false
    /// Compactions finished (failed ones included).
    public private(set) var completed = 0

    /// `compact` does one compaction; `observer` gets every outcome (metrics, the log).
    public init(
        debounce: Duration, compact: @escaping @Sendable () async -> Outcome,
        observer: @escaping @Sendable (Outcome) -> Void
    ) {
        self.debounce = debounce
        self.compact = compact
        self.observer = observer
    }

    /// Asks for a compaction after the current burst of erasures.
    public nonisolated func request() { Task { await self.schedule() } }

    /// Ends the worker; a compaction under way finishes first. Later requests are ignored.
    public func stop() async {
        stopped = true
        worker?.cancel()
        await worker?.value
    }

    private func schedule() {
        guard !stopped else { return }
        lastRequest = clock.now
        if worker == nil { worker = Task { await self.drain() } }
    }

    /// Waits out the debounce after the latest request, compacts, and repeats while requests came meanwhile.
    private func drain() async {
        while let requested = lastRequest, !Task.isCancelled {
            let due = requested.advanced(by: debounce)
            if clock.now < due {
                try? await Task.sleep(until: due, clock: clock)
                continue
            }
            lastRequest = nil
            observer(await compact())
            completed += 1
        }
        worker = nil
    }
}

/// One compaction: its report, or why it failed, and how long it took.
public struct CompactionOutcome<Report: Sendable, Failure: Error>: Sendable {
    public var report: Report?
    public var failure: Failure?
    public var duration: Duration

    /// Runs `body` and times it.
    public static func measure(_ body: () async throws(Failure) -> Report) async -> Self {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let report = try await body()
            return Self(report: report, failure: nil, duration: clock.now - start)
        } catch {
            return Self(report: nil, failure: error, duration: clock.now - start)
        }
    }
}

/// The keys env's online compaction after erasures (ledger.md §4.5).
public typealias KeysCompactionScheduler = CompactionScheduler<KeysCompactionOutcome>
public typealias KeysCompactionOutcome = CompactionOutcome<KeysCompactionReport, VaultError>

extension CompactionScheduler where Outcome == KeysCompactionOutcome {
    public init(vault: Vault, debounce: Duration, observer: @escaping @Sendable (Outcome) -> Void) {
        self.init(
            debounce: debounce, compact: { await .measure { () throws(VaultError) in try vault.compactOnline() } },
            observer: observer)
    }
}
