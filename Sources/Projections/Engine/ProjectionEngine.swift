public import Ledger
public import Logging
import Synchronization

/// Keeps projections live beside the ledger (issue 7): after commits one catch-up extends every current
/// projection in **one** write transaction of the projections env and one scan of the new events (ADR 0015), on
/// the engine's `ProjectionWriterQueue`, off the cooperative threads. A projection whose code version changed is
/// rebuilt blue/green on start by a task of its own and joins the catch-ups once switched; one that fails on an
/// event stops alone (the builder redoes it alone up to the event and records where and why) and leaves the
/// catch-ups. Catch-ups are spaced by `catchUpInterval` while nobody waits (ADR 0021). `waitUntilProjected`
/// gives read-your-writes, `status` reports lag.
public final class ProjectionEngine: Sendable {
    /// The default shortest time from the start of one live catch-up to the next while no reader waits.
    public static let catchUpIntervalDefault = Duration.milliseconds(10)

    struct Waiter {
        var id: UInt64
        var threshold: UInt64
        var continuation: CheckedContinuation<Void, Never>
    }

    public let builder: ProjectionBuilder
    public let projections: [any Projection]
    let logger: Logger
    private let checkpoints: Mutex<[String: UInt64]> = Mutex([:])
    private let waiters: Mutex<[Waiter]> = Mutex([])
    private let nextWaiterID = Mutex<UInt64>(0)
    private let tasks: Mutex<[Task<Void, Never>]> = Mutex([])
    private let writer = ProjectionWriterQueue()
    /// The projections the catch-ups extend: current on start, or rebuilt and switched since; a failed one leaves.
    private let current: Mutex<[any Projection]> = Mutex([])
    private let pacer: CatchUpPacer

    /// `catchUpInterval` spaces the live catch-ups while no reader waits for a position (zero: one per commit).
    public init(
        builder: ProjectionBuilder, projections: [any Projection], logger: Logger,
        catchUpInterval: Duration = catchUpIntervalDefault
    ) {
        self.builder = builder
        self.projections = projections
        self.logger = logger
        self.pacer = CatchUpPacer(interval: max(.zero, catchUpInterval))
    }

    /// Starts the catch-up task, and one rebuild task for the projections whose live generation is missing or
    /// of another code version (built together, ADR 0023); they end with `stop()` or when the ledger closes.
    public func start() {
        var started: [Task<Void, Never>] = []
        var outdated: [any Projection] = []
        for projection in projections {
            if isCurrent(projection) {
                current.withLock { $0.append(projection) }
            } else {
                outdated.append(projection)
            }
        }
        if !outdated.isEmpty {
            started.append(Task.detached { [self, outdated] in await self.rebuildAndJoin(outdated) })
        }
        started.append(Task.detached { [self] in await self.catchUpAfterEachCommit() })
        tasks.withLock { $0.append(contentsOf: started) }
    }

    public func stop() async {
        let running = tasks.withLock { tasks in
            defer { tasks.removeAll() }
            return tasks
        }
        for task in running { task.cancel() }
        for task in running { await task.value }
        let pending = waiters.withLock { waiters in
            defer { waiters.removeAll() }
            return waiters
        }
        for waiter in pending { waiter.continuation.resume() }
    }

    /// Returns once every projection has applied the event at `position` (or has stopped at a failure), or the
    /// calling task is cancelled.
    public func waitUntilProjected(_ position: Position) async {
        let threshold = position.rawValue + 1
        let id = nextWaiterID.withLock { next in
            defer { next += 1 }
            return next
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = waiters.withLock { waiters in
                    if Task.isCancelled || minimumCheckpoint() >= threshold { return true }
                    waiters.append(Waiter(id: id, threshold: threshold, continuation: continuation))
                    return false
                }
                if ready { continuation.resume() } else { pacer.wake() }
            }
        } onCancel: {
            let cancelled = waiters.withLock { waiters in
                let found = waiters.first { $0.id == id }
                waiters.removeAll { $0.id == id }
                return found
            }
            cancelled?.continuation.resume()
        }
    }

    /// `waitUntilProjected` bounded by `timeout`: true when every projection reached `position` in time.
    public func waitUntilProjected(_ position: Position, timeout: Duration) async -> Bool {
        if checkpoint > position.rawValue { return true }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await self.waitUntilProjected(position)
                return !Task.isCancelled
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    /// After erasures (ledger.md §4.4): waits until every live projection has applied the ledger as it is now,
    /// receipts included, so the erased persons' attributes are replaced, then compacts the projections env on
    /// the writer queue, between catch-ups.
    public func compactAfterErasures() async throws(ProjectionError) -> ProjectionsStore.CompactionReport {
        let size: UInt64
        do { size = try builder.ledger.treeSize() } catch { throw ProjectionError.storage("\(error)") }
        if size > 0 { await waitUntilProjected(Position(size - 1)) }
        return try await writer.run { [builder] _ throws(ProjectionError) in try builder.store.compact() }
    }

    /// The smallest checkpoint of the live projections: every event below it is reflected in every view
    /// (0 until each projection has caught up once).
    public var checkpoint: UInt64 {
        let minimum = minimumCheckpoint()
        return minimum == .max ? 0 : minimum
    }

    private func minimumCheckpoint() -> UInt64 {
        let known = checkpoints.withLock { $0 }
        guard known.count == projections.count else { return 0 }
        return known.values.min() ?? 0
    }

    /// Publishes a projection's checkpoint; never lower than one published before (two catch-ups of a projection
    /// that just joined may settle in either order).
    private func publish(_ name: String, checkpoint: UInt64) {
        checkpoints.withLock { $0[name] = max($0[name] ?? 0, checkpoint) }
        let minimum = minimumCheckpoint()
        let ready = waiters.withLock { waiters in
            let ready = waiters.filter { $0.threshold <= minimum }
            waiters.removeAll { $0.threshold <= minimum }
            return ready
        }
        for waiter in ready { waiter.continuation.resume() }
    }

    /// Whether the live generation of `projection` exists and was built by this code version (a storage error
    /// counts as not: the rebuild task reports it).
    private func isCurrent(_ projection: any Projection) -> Bool {
        let type = type(of: projection)
        guard let live = try? builder.store.record(.live, of: type.name) else { return false }
        return live.version == type.version
    }

    /// Extends every current projection to the ledger's size in one transaction per batch, then waits for the
    /// next commit and, while no reader waits for a position, for the rest of `catchUpInterval`.
    private func catchUpAfterEachCommit() async {
        do throws(ProjectionError) {
            while !Task.isCancelled {
                let began = ContinuousClock.now
                let reached = try await retryingStorageFailures("catch-up") { () throws(ProjectionError) in
                    try await catchUp()
                }
                if builder.ledger.isClosed { return }
                await builder.ledger.waitForSize(above: reached)
                if builder.ledger.isClosed { return }
                await pacer.pause(since: began, unless: { waiters.withLock { !$0.isEmpty } })
            }
        } catch .cancelled {
            return
        } catch {
            logger.error("projections stopped", metadata: ["error": "\(error)"])
            for projection in current.withLock({ $0 }) { publish(projection.name, checkpoint: .max) }
        }
    }

    static let retryPauseMin = Duration.milliseconds(50)
    static let retryPauseMax = Duration.seconds(1)

    /// Runs `attempt` until it succeeds, retrying a storage failure (no reader slot free, a full disk) after a
    /// pause that doubles up to `retryPauseMax`, so a passing shortage does not leave the views behind until a
    /// restart; waiters keep waiting meanwhile (a `minPosition` read answers 503 `not-yet-projected` after its
    /// bound). Other failures, and any once the ledger has closed, are thrown.
    private func retryingStorageFailures<T>(
        _ what: String, _ attempt: () async throws(ProjectionError) -> T
    ) async throws(ProjectionError) -> T {
        var pause = Self.retryPauseMin
        while true {
            do throws(ProjectionError) {
                return try await attempt()
            } catch .storage(let why) where !builder.ledger.isClosed {
                logger.warning(
                    "projections \(what) failed; retrying", metadata: ["error": "\(why)", "pause": "\(pause)"])
                do { try await Task.sleep(for: pause) } catch { throw .cancelled }
                pause = min(pause * 2, Self.retryPauseMax)
            }
        }
    }

    /// One catch-up of the current projections to the ledger's size; returns the lowest checkpoint reached by
    /// those still live (the size when there are none). A projection that joined while it ran (rebuilt and
    /// switched, then caught up alone to a size read before this catch-up's) counts with what it has published,
    /// so the next catch-up extends it at once instead of at the next commit.
    private func catchUp() async throws(ProjectionError) -> UInt64 {
        let group = current.withLock { $0 }
        let (size, records) = try await buildToLedgerSize(group)
        var reached = size
        for (projection, record) in zip(group, records) where !settle(projection, record) {
            reached = min(reached, record.checkpoint)
        }
        let joined = current.withLock { $0 }.filter { projection in !group.contains { $0.name == projection.name } }
        for projection in joined { reached = min(reached, checkpoints.withLock { $0[projection.name] } ?? 0) }
        return reached
    }

    /// Builds the live generations of `projections` together up to the ledger's current size, on the writer
    /// queue; returns that size and their records.
    private func buildToLedgerSize(_ projections: [any Projection]) async throws(ProjectionError)
        -> (size: UInt64, records: [ProjectionRecord])
    {
        let size: UInt64
        do { size = try builder.ledger.treeSize() } catch { throw ProjectionError.storage("\(error)") }
        guard !projections.isEmpty else { return (size, []) }
        let records = try await writer.run { [builder] shouldStop throws(ProjectionError) in
            try builder.build(projections, slot: .live, upTo: size, shouldStop: shouldStop)
        }
        return (size, records)
    }

    /// Publishes a catch-up's record; a failed projection leaves the catch-ups. Returns whether it failed.
    private func settle(_ projection: any Projection, _ record: ProjectionRecord) -> Bool {
        guard record.failure != nil else {
            publish(projection.name, checkpoint: record.checkpoint)
            return false
        }
        current.withLock { $0.removeAll { $0.name == projection.name } }
        report(projection.name, record)
        return true
    }

    /// Rebuilds `projections` beside their old generations in one build; each joins the catch-ups as soon as it
    /// has switched, and a storage failure retries only those not switched yet. Those that switched then catch
    /// up alone to the ledger's size; a commit after that wakes the catch-up task, which extends them too.
    private func rebuildAndJoin(_ projections: [any Projection]) async {
        let names = projections.map(\.name).joined(separator: ", ")
        logger.info("rebuilding projections", metadata: ["projections": "\(names)"])
        do throws(ProjectionError) {
            try await retryingStorageFailures("rebuild") { () throws(ProjectionError) in
                // A retry leaves out those switched already, here or by another process's rebuild.
                for projection in projections where !isJoined(projection) && isCurrent(projection) {
                    current.withLock { $0.append(projection) }
                }
                let pending = projections.filter { !isJoined($0) }
                guard !pending.isEmpty else { return }
                let outcomes = try await writer.run { [builder, self] shouldStop throws(ProjectionError) in
                    try ProjectionRebuild(builder: builder).run(pending, shouldStop: shouldStop) { index, _ in
                        self.current.withLock { $0.append(pending[index]) }
                    }
                }
                for (projection, outcome) in zip(pending, outcomes) {
                    if case .failed(let record) = outcome { report(projection.name, record) }
                }
            }
        } catch ProjectionError.cancelled {
            return
        } catch {
            // Those that switched stay with the catch-ups; the others stop.
            logger.error("projections stopped", metadata: ["projections": "\(names)", "error": "\(error)"])
            for projection in projections where !isJoined(projection) { publish(projection.name, checkpoint: .max) }
        }
        let joined = projections.filter { isJoined($0) }
        guard !joined.isEmpty else { return }
        do throws(ProjectionError) {
            let caughtUp = try await retryingStorageFailures("catch-up") { () throws(ProjectionError) in
                try await buildToLedgerSize(joined)
            }
            for (projection, record) in zip(joined, caughtUp.records) { _ = settle(projection, record) }
        } catch ProjectionError.cancelled {
            return
        } catch {
            logger.error("projections stopped", metadata: ["projections": "\(names)", "error": "\(error)"])
            for projection in joined {
                current.withLock { $0.removeAll { $0.name == projection.name } }
                publish(projection.name, checkpoint: .max)
            }
        }
    }

    private func isJoined(_ projection: any Projection) -> Bool {
        current.withLock { $0.contains { $0.name == projection.name } }
    }

    /// A failed projection stops alone; waiters must not hang on it.
    private func report(_ name: String, _ record: ProjectionRecord) {
        if let failure = record.failure {
            logger.error(
                "projection failed on an event",
                metadata: ["projection": "\(name)", "position": "\(failure.position)", "error": "\(failure.message)"])
        }
        publish(name, checkpoint: .max)
    }
}
