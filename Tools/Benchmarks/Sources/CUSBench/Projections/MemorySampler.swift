import Foundation
import Synchronization

/// Samples the process's `RssAnon` and `RssFile` (`/proc/self/status`, Linux) every few milliseconds on its own
/// thread and keeps the peaks: P5 bounds anonymous memory (heap, row caches, LMDB's dirty pages), while mapped
/// ledger pages count as `RssFile` and are reported apart.
final class MemorySampler: Sendable {
    struct Peaks: Sendable {
        var anonymousKiB = 0
        var fileKiB = 0
        var samples = 0
    }

    private let peaks = Mutex(Peaks())
    private let stopped = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private let intervalMicroseconds: UInt32

    init(intervalMicroseconds: UInt32 = 2_000) { self.intervalMicroseconds = intervalMicroseconds }

    /// The current values, or nil where `/proc/self/status` is missing.
    static func current() -> (anonymousKiB: Int, fileKiB: Int)? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        var anonymous: Int?
        var file: Int?
        for line in status.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2 else { continue }
            if fields[0] == "RssAnon:" { anonymous = Int(fields[1]) }
            if fields[0] == "RssFile:" { file = Int(fields[1]) }
        }
        guard let anonymous, let file else { return nil }
        return (anonymous, file)
    }

    func start() {
        let thread = Thread { [self] in
            while !stopped.load(ordering: .acquiring) {
                sample()
                usleep(intervalMicroseconds)
            }
            sample()
            finished.signal()
        }
        thread.start()
    }

    /// Stops sampling and returns the peaks seen since `start`.
    func stop() -> Peaks {
        stopped.store(true, ordering: .releasing)
        finished.wait()
        return peaks.withLock { $0 }
    }

    private func sample() {
        guard let now = Self.current() else { return }
        peaks.withLock { peaks in
            peaks.anonymousKiB = max(peaks.anonymousKiB, now.anonymousKiB)
            peaks.fileKiB = max(peaks.fileKiB, now.fileKiB)
            peaks.samples += 1
        }
    }
}
