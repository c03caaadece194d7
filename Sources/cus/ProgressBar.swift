import Synchronization
#if canImport(Glibc)
    import Glibc
#endif

/// A one-line progress bar on stderr, drawn only when stderr is a terminal (scripts and CI get no noise).
struct ProgressBar {
    let total: UInt64
    let label: String
    private let enabled = isatty(STDERR_FILENO) == 1
    private let started = Stopwatch()
    private var lastDrawn: UInt64 = 0

    init(total: UInt64, label: String) {
        self.total = total
        self.label = label
    }

    mutating func update(_ done: UInt64) {
        guard enabled, total > 0, done == total || done - lastDrawn >= max(1, total / 200) else { return }
        lastDrawn = done
        let fraction = Double(done) / Double(total)
        let width = 30
        let filled = Int(fraction * Double(width))
        let seconds = started.seconds
        let rate = seconds > 0 ? Double(done) / seconds : 0
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        var standardError = StandardError()
        standardError.write("\r\(label) [\(bar)] \(done)/\(total) \(Int(rate))/s ETA \(Int(eta))s ")
        if done == total { standardError.write("\n") }
    }
}

/// Elapsed wall time from a monotonic clock.
struct Stopwatch {
    private let start = Stopwatch.now()

    var seconds: Double { Double(Stopwatch.now() - start) / 1e9 }

    private static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }
}

/// A progress bar shared with a `@Sendable` progress callback.
final class ProgressBarBox: Sendable {
    private let bar: Mutex<ProgressBar>

    init(total: UInt64, label: String) { bar = Mutex(ProgressBar(total: total, label: label)) }

    func update(_ done: UInt64) { bar.withLock { $0.update(done) } }
}
