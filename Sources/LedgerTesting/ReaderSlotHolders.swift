import Foundation
public import LMDB
import Synchronization

/// Threads that each hold one read transaction (one reader slot, `MDB_NOTLS`) of an environment until released:
/// how tests run an environment out of reader slots (`MDB_READERS_FULL`).
public final class ReaderSlotHolders: Sendable {
    private let gate = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let count: Int
    private let held = Mutex(0)

    /// Starts `count` threads and returns once each holds a read transaction or failed to begin one.
    public init(environment: Environment, count: Int) {
        let entered = DispatchSemaphore(value: 0)
        let gate = gate
        let finished = finished
        self.count = count
        let threads = (0..<count).map { _ in
            Thread { [self] in
                do {
                    try environment.read { _ in
                        held.withLock { $0 += 1 }
                        entered.signal()
                        gate.wait()
                    }
                } catch {
                    entered.signal()
                }
                finished.signal()
            }
        }
        for thread in threads { thread.start() }
        for _ in 0..<count { entered.wait() }
    }

    /// How many of the threads hold a read transaction.
    public var holding: Int { held.withLock { $0 } }

    /// Ends every read transaction and returns once their slots are free.
    public func release() {
        for _ in 0..<count { gate.signal() }
        for _ in 0..<count { finished.wait() }
    }
}
