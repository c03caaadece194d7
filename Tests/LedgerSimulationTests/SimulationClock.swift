import Ledger
import Synchronization

/// The simulation's clock: it stands still within a step (so the ledger and the model stamp the same
/// `recordedAt`) and moves only when the simulation moves it, forwards or back.
final class SimulationClock: Sendable {
    private let microseconds: Mutex<Int64>

    init(startingAt start: Int64 = 1_700_000_000_000_000) { microseconds = Mutex(start) }

    var ledgerClock: LedgerClock { LedgerClock { [self] in Timestamp(microseconds: now) } }

    var now: Int64 { microseconds.withLock { $0 } }

    func move(byMicroseconds delta: Int64) { microseconds.withLock { $0 += delta } }
}
