public import Domain
import Foundation
import Synchronization

/// Where the duties get the time (domain.md §3: clocks are derived, never stored): the wall clock in production, a
/// clock the test moves in tests.
public protocol DutyClock: Sendable {
    func now() -> Instant
}

/// The system's wall clock.
public struct SystemDutyClock: DutyClock {
    public init() {}
    public func now() -> Instant { Instant(Date()) }
}

/// A clock that stands still until told to move, for tests and for `cus ops run-due --today`.
public final class FixedDutyClock: DutyClock {
    private let current: Mutex<Instant>

    public init(_ instant: Instant) { current = Mutex(instant) }

    public func now() -> Instant { current.withLock { $0 } }

    public func set(_ instant: Instant) { current.withLock { $0 = instant } }
}
