#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// When the writer signs (ledger.md §3.3): every `intervalSeconds` or `everyEvents` events, whichever comes
/// first, and only if the tree grew; never per event. `signer` is nil for a writer that may not sign.
public struct CheckpointPolicy: Sendable {
    public static let defaultEveryEvents: UInt64 = 10_000
    public static let defaultIntervalSeconds: Double = 600

    public var signer: NoteSigner?
    public var everyEvents: UInt64
    public var intervalSeconds: Double

    public init(
        signer: NoteSigner?, everyEvents: UInt64 = defaultEveryEvents,
        intervalSeconds: Double = defaultIntervalSeconds
    ) {
        self.signer = signer
        self.everyEvents = everyEvents
        self.intervalSeconds = intervalSeconds
    }

    /// Whether a tree of `size` needs a checkpoint now, given the last one.
    func isDue(size: UInt64, lastSize: UInt64?, secondsSinceLast: Double, force: Bool) -> Bool {
        guard signer != nil, size > 0, size != lastSize else { return false }
        guard let lastSize else { return true }
        return force || size - lastSize >= everyEvents || secondsSinceLast >= intervalSeconds
    }
}

/// Seconds from a monotonic clock, for cadences that must not jump with the wall clock.
enum MonotonicClock {
    static func seconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
