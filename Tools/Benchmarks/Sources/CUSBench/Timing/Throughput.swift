#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Events done in a measured time, with the CPU the whole process spent meanwhile. On a VM whose fsync
/// latency swings run to run, CPU per event is the steadier figure of what our code costs.
struct Throughput: Sendable {
    let events: Int
    let seconds: Double
    let cpuSeconds: Double

    var eventsPerSecond: Double { Double(events) / seconds }
    var cpuMicrosecondsPerEvent: Double { cpuSeconds / Double(max(events, 1)) * 1e6 }
}

extension Duration {
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}

/// Times a block with the monotonic clock and `getrusage`; the block returns how many events it did. Setup
/// and teardown stay outside the block.
enum Stopwatch {
    static func measure(_ body: () throws -> Int) rethrows -> Throughput {
        let start = Reading()
        let events = try body()
        return start.throughput(events: events)
    }

    static func measure(_ body: () async throws -> Int) async rethrows -> Throughput {
        let start = Reading()
        let events = try await body()
        return start.throughput(events: events)
    }

    private struct Reading {
        let instant = ContinuousClock.now
        let cpuSeconds = Reading.processCPUSeconds()

        func throughput(events: Int) -> Throughput {
            Throughput(
                events: events, seconds: (ContinuousClock.now - instant).seconds,
                cpuSeconds: Reading.processCPUSeconds() - cpuSeconds)
        }

        #if canImport(Glibc)
            private static let processWho = __rusage_who_t(RUSAGE_SELF.rawValue)
        #else
            private static let processWho = RUSAGE_SELF
        #endif

        /// User plus system time of every thread of the process.
        static func processCPUSeconds() -> Double {
            var usage = rusage()
            getrusage(processWho, &usage)
            let seconds = { (time: timeval) in Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
            return seconds(usage.ru_utime) + seconds(usage.ru_stime)
        }
    }
}

/// Keeps the optimiser from dropping work whose result nobody reads (a scan's checksum).
@inline(never)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}
