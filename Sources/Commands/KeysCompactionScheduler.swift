public import Vault

/// Compacts the keys env after erasures while the server runs (ledger.md §4.5: "after each erasure batch").
/// `request()` returns at once; one compaction runs `debounce` after the last request of a burst, on its own
/// task (never on a request's path), and never two at once: requests made while one runs lead to one more.
public actor KeysCompactionScheduler {
    /// One compaction: its report, or why it failed, and how long it took.
    public struct Outcome: Sendable {
        public var report: KeysCompactionReport?
        public var failure: VaultError?
        public var duration: Duration
    }

    let vault: Vault
    public let debounce: Duration
    private let observer: @Sendable (Outcome) -> Void
    private let clock = ContinuousClock()
    private var lastRequest: ContinuousClock.Instant?
    private var worker: Task<Void, Never>?
    private var stopped = false
    /// Compactions finished (failed ones included).
    public private(set) var completed = 0

    /// `observer` gets every outcome (metrics, the log).
    public init(vault: Vault, debounce: Duration, observer: @escaping @Sendable (Outcome) -> Void) {
        self.vault = vault
        self.debounce = debounce
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
            observer(compact())
            completed += 1
        }
        worker = nil
    }

    private func compact() -> Outcome {
        let start = clock.now
        do {
            let report = try vault.compactOnline()
            return Outcome(report: report, failure: nil, duration: clock.now - start)
        } catch {
            return Outcome(report: nil, failure: error, duration: clock.now - start)
        }
    }
}
