@_spi(Testing) public import Ledger
import Synchronization

/// The fault injection of the crash simulation: armed at one `CommitStep`, it fails the first commit that reaches
/// that step, once, as if the process died there. Pass it as `Ledger.Options.commitFaults`.
@_spi(Testing) public final class CommitCrasher: CommitFaults {
    /// The failure the crasher raises; the writer answers the batch `outcomeUnknown` and stops.
    public struct SimulatedCrash: Error, Sendable {
        public let step: CommitStep
    }

    private struct State {
        var armed: CommitStep?
        var fired: CommitStep?
    }

    private let state = Mutex(State())

    public init() {}

    /// Fails the next commit that reaches `step`; clears what fired before.
    public func arm(at step: CommitStep) { state.withLock { $0 = State(armed: step, fired: nil) } }

    /// Disarms and returns the step that fired since `arm`, if one did.
    public func disarm() -> CommitStep? {
        state.withLock { state in
            defer { state = State() }
            return state.fired
        }
    }

    public func reached(_ step: CommitStep) throws {
        let fire = state.withLock { state in
            guard state.armed == step else { return false }
            state = State(armed: nil, fired: step)
            return true
        }
        if fire { throw SimulatedCrash(step: step) }
    }
}
