import Domain
import Foundation
public import Ledger
import LMDB

/// Extends projection generations by batches of events: each batch is one write transaction of the projections
/// environment holding the batch's coalesced rows and the new checkpoints (issue 7). Several projections can
/// share one scan of the ledger: a record's type is matched by its bytes against what each of them reads, and
/// a record is decoded once, only when one of them reads it. A projection that refuses an event keeps every
/// earlier event's rows, records the position and the error, and stops; the others go on.
public struct ProjectionBuilder: Sendable {
    /// The most events one batch (one write transaction) applies. A row changed by many events is written once
    /// per batch, so a rebuild writes each busy row a few times instead of once per 10,000 events.
    public static let batchEventsMax = 1_000_000
    /// A batch also ends once its projections hold this many changed rows waiting to be written (P5 bounds a
    /// rebuild's memory; a view with a row per event reaches it first). Clean cached rows are bounded apart
    /// (`RowTable.cachedRowsMax`).
    public static let batchRowsMax = 200_000
    /// A batch reads the ledger in scans of at most this many events, and checks its bounds and `shouldStop`
    /// between them.
    public static let scanEventsMax = 10_000

    /// A build of several projections that has at least this many events to apply splits them among
    /// `workers` builders applying at once (`build`); a live catch-up of a few commits stays on one thread.
    public static let parallelEventsMin: UInt64 = 50_000

    /// One worker per core this process may run on.
    public static var coresAvailable: Int { ProcessInfo.processInfo.activeProcessorCount }

    public let ledger: Ledger
    public let store: ProjectionsStore
    public let batchEvents: Int
    public let batchRows: Int
    public let scanEvents: Int
    /// How many builders a long build of several projections runs at once (one per core by default).
    public let workers: Int
    public let parallelEventsMin: UInt64

    public init(
        ledger: Ledger, store: ProjectionsStore, batchEvents: Int = Self.batchEventsMax,
        batchRows: Int = Self.batchRowsMax, scanEvents: Int = Self.scanEventsMax,
        workers: Int = Self.coresAvailable,
        parallelEventsMin: UInt64 = Self.parallelEventsMin
    ) {
        self.ledger = ledger
        self.store = store
        self.batchEvents = max(1, min(batchEvents, Self.batchEventsMax))
        self.batchRows = max(1, min(batchRows, Self.batchRowsMax))
        self.scanEvents = max(1, min(scanEvents, Self.scanEventsMax))
        self.workers = max(1, workers)
        self.parallelEventsMin = parallelEventsMin
    }

    /// Applies one batch of at most `batchEvents` events below `limit` to the generation in `slot`, creating
    /// the record (a new generation after `firstGeneration`) when there is none. The batch ends earlier once
    /// its changed rows reach `batchRows`. Returns the record after the batch; its checkpoint equals the old
    /// one when there was nothing to do.
    @discardableResult
    public func advance(
        _ projection: any Projection, slot: ProjectionSlot, upTo limit: UInt64, firstGeneration: UInt64? = 0
    ) throws(ProjectionError) -> ProjectionRecord {
        try advance([projection], slot: slot, upTo: limit, firstGeneration: firstGeneration)[0]
    }

    /// `advance` for several projections (each named once) in one transaction and one scan, from the lowest of
    /// their checkpoints; each applies only the events at or after its own.
    public func advance(
        _ projections: [any Projection], slot: ProjectionSlot, upTo limit: UInt64, firstGeneration: UInt64? = 0
    ) throws(ProjectionError) -> [ProjectionRecord] {
        var carried = CarriedRows()
        return try advance(
            projections, slot: slot, upTo: limit, firstGeneration: firstGeneration, carrying: &carried,
            shouldStop: { false })
    }

    private func advance(
        _ projections: [any Projection], slot: ProjectionSlot, upTo limit: UInt64, firstGeneration: UInt64?,
        carrying carried: inout CarriedRows, shouldStop: () -> Bool
    ) throws(ProjectionError) -> [ProjectionRecord] {
        try Self.requireDistinctNames(projections)
        let outcome = try batch(
            projections, slot: slot, upTo: limit, firstGeneration: firstGeneration, carrying: &carried,
            endsEarly: { rows in rows >= batchRows || shouldStop() })
        var records = outcome.records
        // A projection that refused an event wrote nothing in that batch: redo it alone up to the refused event,
        // so its rows are kept, and record the failure with them.
        for (index, refusal) in outcome.refusals {
            let projection = projections[index]
            carried[projection.name] = nil
            var alone = CarriedRows()
            // Unbounded by rows: it must reach the refused event (it holds fewer rows than the batch did there).
            let kept = try batch(
                [projection], slot: slot, upTo: refusal.position, firstGeneration: firstGeneration, carrying: &alone,
                endsEarly: { _ in false })
            records[index] = try write { txn throws(ProjectionError) in
                var record = kept.records[0]
                record.failure = .init(position: refusal.position, message: refusal.message)
                try store.save(record, slot, projection.name, in: txn)
                return record
            }
        }
        return records
    }

    /// Runs batches until the generation holds every event below `limit` or the ledger's last, fails, or
    /// `shouldStop` says so (then `cancelled`; the checkpoint keeps what was built, so a rerun resumes).
    @discardableResult
    public func build(
        _ projection: any Projection, slot: ProjectionSlot, upTo limit: UInt64, firstGeneration: UInt64? = 0,
        progress: (ProjectionRecord) -> Void = { _ in }, shouldStop: () -> Bool = { false }
    ) throws(ProjectionError) -> ProjectionRecord {
        try build(
            [projection], slot: slot, upTo: limit, firstGeneration: firstGeneration, progress: { progress($0[0]) },
            shouldStop: shouldStop)[0]
    }

    /// `build` for several projections at once: one scan of the ledger feeds them all. With at least
    /// `parallelEventsMin` events to apply and more than one worker, the projections are split into groups of
    /// about equal cost (`Projection.rebuildCost`), each built by its own builder on its own thread: the groups
    /// apply their events at once and take turns at the write transaction (`batch`). Each projection is still
    /// applied in ledger order by one thread, so its rows and checkpoints are what one builder writes.
    @discardableResult
    public func build(
        _ projections: [any Projection], slot: ProjectionSlot, upTo limit: UInt64, firstGeneration: UInt64? = 0,
        progress: ([ProjectionRecord]) -> Void = { _ in }, shouldStop: () -> Bool = { false }
    ) throws(ProjectionError) -> [ProjectionRecord] {
        try Self.requireDistinctNames(projections)
        func together() throws(ProjectionError) -> [ProjectionRecord] {
            try buildTogether(
                projections, slot: slot, upTo: limit, firstGeneration: firstGeneration, progress: progress,
                shouldStop: shouldStop)
        }
        guard min(workers, projections.count) > 1 else { return try together() }
        // Every record made and every handle kept here, on one thread: the groups' transactions open none.
        let records = try prepare(projections, slot: slot, firstGeneration: firstGeneration)
        let groups = try parallelGroups(projections, records: records, upTo: limit)
        guard groups.count > 1 else { return try together() }
        let split = ProjectionBuilder(
            ledger: ledger, store: store, batchEvents: batchEvents, batchRows: max(1, batchRows / groups.count),
            scanEvents: scanEvents, workers: 1)
        return try ParallelBuild.run(groups, from: records, progress: progress, shouldStop: shouldStop) {
            group, report, stop throws(ProjectionError) in
            try split.buildTogether(
                group.map { projections[$0] }, slot: slot, upTo: limit, firstGeneration: firstGeneration,
                progress: report, shouldStop: stop)
        }
    }

    /// The indices of `projections` (whose `records` these are) in groups to build at once, heaviest first onto
    /// the lightest group; one group when fewer than `parallelEventsMin` events are left to apply below `limit`
    /// and the ledger's size, the builder has one worker, or there is one projection.
    func parallelGroups(_ projections: [any Projection], records: [ProjectionRecord], upTo limit: UInt64)
        throws(ProjectionError) -> [[Int]]
    {
        let one = [Array(projections.indices)]
        let count = min(workers, projections.count)
        let lowest = records.filter { $0.failure == nil }.map(\.checkpoint).min() ?? limit
        guard count > 1, limit > lowest, limit - lowest >= parallelEventsMin else { return one }
        let size: UInt64
        do { size = min(limit, try ledger.treeSize()) } catch { throw ProjectionError.storage("\(error)") }
        guard size > lowest, size - lowest >= parallelEventsMin else { return one }
        var groups = [[Int]](repeating: [], count: count)
        var loads = [Double](repeating: 0, count: count)
        let heaviestFirst = projections.indices.sorted {
            (type(of: projections[$0]).rebuildCost, $1) > (type(of: projections[$1]).rebuildCost, $0)
        }
        for index in heaviestFirst {
            guard let lightest = loads.indices.min(by: { loads[$0] < loads[$1] }) else { break }
            groups[lightest].append(index)
            loads[lightest] += type(of: projections[index]).rebuildCost
        }
        return groups.filter { !$0.isEmpty }.map { $0.sorted() }
    }

    private static func requireDistinctNames(_ projections: [any Projection]) throws(ProjectionError) {
        let names = projections.map(\.name)
        guard Set(names).count == names.count else {
            throw ProjectionError.storage("a projection is named twice in one build: \(names)")
        }
    }

    /// `build` of several projections in one scan on this thread.
    private func buildTogether(
        _ projections: [any Projection], slot: ProjectionSlot, upTo limit: UInt64, firstGeneration: UInt64?,
        progress: ([ProjectionRecord]) -> Void, shouldStop: () -> Bool
    ) throws(ProjectionError) -> [ProjectionRecord] {
        var before: [UInt64]?
        var carried = CarriedRows()
        while true {
            let records = try advance(
                projections, slot: slot, upTo: limit, firstGeneration: firstGeneration, carrying: &carried,
                shouldStop: shouldStop)
            progress(records)
            let checkpoints = records.map(\.checkpoint)
            // Done when each is at the limit or has failed, or at the end of the ledger (a batch that found nothing).
            let finished = records.allSatisfy { $0.failure != nil || $0.checkpoint >= limit }
            if finished || checkpoints == before { return records }
            if shouldStop() { throw ProjectionError.cancelled }
            before = checkpoints
        }
    }

    /// Each projection's rows kept from its last committed batch of this build, with the record that batch
    /// saved: reused only while the stored record still equals it, so rows written by anyone else in between
    /// (another process building the same generation, a switch) are never served from memory.
    private typealias CarriedRows = [String: (record: ProjectionRecord, rows: RowBatch)]

    private struct Refusal {
        var position: UInt64
        var message: String
    }

    /// One projection's part of a batch: its record, rows, and where it starts and stopped.
    private struct Member {
        let projection: any Projection
        var record: ProjectionRecord
        var rows: RowBatch?
        var refusal: Refusal?

        var isActive: Bool { rows != nil && refusal == nil }
    }

    /// One batch in two steps. The events apply in a read snapshot: rows a batch has not cached yet are read
    /// there, which equals reading them in the write transaction, since only this build writes these tables
    /// and its previous batch has committed. Then one write transaction writes the coalesced rows and the new
    /// checkpoints, after checking that each record is still the one the batch started from (anyone else's
    /// write in between voids that projection's batch). Applying outside the write transaction lets two
    /// builders of disjoint projections apply at once (`build`). A projection that refused an event writes none
    /// of the batch's rows (and no new checkpoint). The ledger is read in scans of up to `scanEvents` events;
    /// after each, `endsEarly` sees how many changed rows the members hold and may end the batch there.
    private func batch(
        _ projections: [any Projection], slot: ProjectionSlot, upTo limit: UInt64, firstGeneration: UInt64?,
        carrying carried: inout CarriedRows, endsEarly: (_ rowsPending: Int) -> Bool
    ) throws(ProjectionError) -> (records: [ProjectionRecord], refusals: [(Int, Refusal)]) {
        try prepare(projections, slot: slot, firstGeneration: firstGeneration)
        let kept = carried
        carried = [:]  // until the batch commits, nothing is known to match the stored rows
        var (members, next) = try read { txn, handles throws(ProjectionError) -> ([Member], UInt64?) in
            var members: [Member] = []
            for projection in projections {
                members.append(
                    try open(projection, slot: slot, upTo: limit, carried: kept, handles: handles, in: txn))
            }
            guard let from = members.filter(\.isActive).map(\.record.checkpoint).min() else { return (members, nil) }
            let next = try scanBatch(&members, from: from, upTo: limit, endsEarly: endsEarly)
            // A projection whose rows cannot be written as they are (a key inserted twice) stops alone, with
            // nothing of this batch, like one that refused an event.
            for index in members.indices where members[index].isActive {
                do throws(ProjectionError) { try members[index].rows?.checkBeforeFlush() } catch {
                    let checkpoint = members[index].record.checkpoint
                    members[index].refusal = Refusal(position: checkpoint, message: error.description)
                }
            }
            return (members, next)
        }
        if let next {
            try write { txn, handles throws(ProjectionError) in
                for index in members.indices where members[index].isActive {
                    try commit(&members[index], slot: slot, through: next, handles: handles, in: txn)
                }
            }
        }
        for member in members where member.isActive {
            if let rows = member.rows { carried[member.projection.name] = (member.record, rows) }
        }
        let refusals = members.indices.compactMap { index in members[index].refusal.map { (index, $0) } }
        return (members.map(\.record), refusals)
    }

    /// Writes an active member's rows and its checkpoint `next` into `txn`, unless its stored record is no
    /// longer the one the batch applied from: then the member leaves the batch with the stored record and no rows.
    private func commit(
        _ member: inout Member, slot: ProjectionSlot, through next: UInt64, handles: ProjectionsStore.KeptHandles,
        in txn: Transaction
    ) throws(ProjectionError) {
        let type = type(of: member.projection)
        guard let stored = try store.record(slot, type.name, in: txn) else { throw Self.recordGone(type, slot) }
        guard stored == member.record, let rows = member.rows else {
            member.record = stored
            member.rows = nil
            return
        }
        // The read phase's handles, still those of this environment (not one `compact` has replaced since).
        guard handles.databases(of: type, generation: stored.generation) == rows.databases else {
            throw ProjectionError.storage(
                "the projections env was replaced during the batch of \(type.name); run again")
        }
        rows.rebind(txn, databases: rows.databases)
        let wrote = try rows.flush()
        member.record.checkpoint = max(member.record.checkpoint, next)
        if wrote { member.record.rowsChangedAt = member.record.checkpoint }
        try store.save(member.record, slot, type.name, in: txn)
    }

    /// Makes sure every projection has a record in `slot` (a new generation after `firstGeneration` when it has
    /// none; with no `firstGeneration`, a missing record is an error: a rebuild's, switched by someone else)
    /// and, unless it failed or is outdated, the tables of its generation, with their handles kept by the store:
    /// so before the first event a view reads as empty rather than "not built", and the batch can apply in a
    /// read snapshot that opens no handle (`ProjectionsStore.withHandleOpening`). Writes only when something is
    /// missing. Returns the records, in the order given.
    @discardableResult
    private func prepare(_ projections: [any Projection], slot: ProjectionSlot, firstGeneration: UInt64?)
        throws(ProjectionError) -> [ProjectionRecord]
    {
        func wantsTables(_ record: ProjectionRecord, _ type: any Projection.Type) -> Bool {
            record.failure == nil && record.version == type.version
        }
        let ready = try read { txn throws(ProjectionError) -> [ProjectionRecord]? in
            var records: [ProjectionRecord] = []
            for projection in projections {
                let type = type(of: projection)
                guard let record = try store.record(slot, type.name, in: txn) else { return nil }
                if wantsTables(record, type), store.keptDatabases(of: type, generation: record.generation) == nil {
                    return nil
                }
                records.append(record)
            }
            return records
        }
        if let ready { return ready }
        var records: [ProjectionRecord] = []
        _ = try writeOpeningHandles(then: store.remember) { txn throws(ProjectionError) -> [LMDB.Database] in
            var opened: [LMDB.Database] = []
            records = []
            for projection in projections {
                let type = type(of: projection)
                var record = try store.record(slot, type.name, in: txn)
                if record == nil {
                    guard let firstGeneration else { throw Self.recordGone(type, slot) }
                    // Recorded even when there is nothing to apply yet (an empty ledger), so a rebuild started
                    // before the first event can still switch.
                    record = ProjectionRecord(version: type.version, generation: firstGeneration)
                    try store.save(record, slot, type.name, in: txn)
                }
                guard let record else { continue }
                records.append(record)
                guard wantsTables(record, type) else { continue }
                guard
                    let databases = try store.databases(of: type, generation: record.generation, in: txn, create: true)
                else { throw ProjectionError.storage("could not create the tables of \(type.name)") }
                opened += databases.values
            }
            return opened
        }
        return records
    }

    static func recordGone(_ type: any Projection.Type, _ slot: ProjectionSlot) -> ProjectionError {
        .storage(
            "the record of \(type.name) in \(slot.rawValue) disappeared (switched or reset by another process); run again"
        )
    }

    /// The projection's record in `slot` (`prepare` made it) and, when it has events to apply below `limit`,
    /// its row batch, reading in `txn`.
    private func open(
        _ projection: any Projection, slot: ProjectionSlot, upTo limit: UInt64, carried: CarriedRows,
        handles: ProjectionsStore.KeptHandles, in txn: Transaction
    ) throws(ProjectionError) -> Member {
        let type = type(of: projection)
        guard let record = try store.record(slot, type.name, in: txn) else { throw Self.recordGone(type, slot) }
        guard record.version == type.version else {
            throw ProjectionError.outdated(projection: type.name, built: record.version, code: type.version)
        }
        guard record.failure == nil, record.checkpoint < limit else {
            return Member(projection: projection, record: record, rows: nil, refusal: nil)
        }
        // `prepare` kept them; none kept means another process switched the generation since (it opens no
        // handle here, where another builder may be opening one).
        guard let databases = handles.databases(of: type, generation: record.generation) else {
            throw ProjectionError.storage("the generation of \(type.name) changed during the batch; run again")
        }
        if let kept = carried[type.name], kept.record == record {
            kept.rows.rebind(txn, databases: databases)
            return Member(projection: projection, record: record, rows: kept.rows, refusal: nil)
        }
        return Member(
            projection: projection, record: record, rows: RowBatch(transaction: txn, databases: databases),
            refusal: nil)
    }

    /// Feeds the batch's records from `from` to the members, one scan after another, until `batchEvents`, the
    /// limit, the ledger's end or `endsEarly`; returns the position after the last record seen.
    private func scanBatch(
        _ members: inout [Member], from: UInt64, upTo limit: UInt64, endsEarly: (_ rowsPending: Int) -> Bool
    ) throws(ProjectionError) -> UInt64 {
        let end = min(limit, from + UInt64(batchEvents))
        var next = from
        while next < end {
            let reached = try scan(&members, from: next, count: min(UInt64(scanEvents), end - next))
            if reached == next { break }  // the ledger's end
            next = reached
            if endsEarly(members.reduce(0) { $0 + ($1.rows?.rowsPending ?? 0) }) { break }
        }
        return next
    }

    /// Feeds `count` records from `from` to the active members that read them; returns the position after the
    /// last record seen.
    private func scan(_ members: inout [Member], from: UInt64, count: UInt64) throws(ProjectionError) -> UInt64 {
        let types = EventTypeIndex.shared
        var appliers: [Applier] = []
        var readers = [[Applier]](repeating: [], count: types.count)
        for (index, member) in members.enumerated() where member.isActive {
            guard let rows = member.rows else { continue }
            let applier = Applier(
                member: index, projection: member.projection, rows: rows, from: member.record.checkpoint)
            appliers.append(applier)
            for name in type(of: member.projection).eventTypes {
                if let typeIndex = types.index(of: name) { readers[typeIndex].append(applier) }
            }
        }
        defer {
            for applier in appliers {
                applier.rows.earlierEvents.records = nil
                if applier.refusal != nil { members[applier.member].refusal = applier.refusal }
            }
        }
        var next = from
        do {
            try ledger.scanRecordViews(from: Position(from), limit: count) { record, earlier in
                let position = record.position.rawValue
                next = position + 1
                guard let typeIndex = types.index(of: record.eventTypeBytes) else { return }
                let appliers = readers[typeIndex]
                guard appliers.contains(where: { $0.reads(position) }) else { return }
                // Decoded once and lent to each member that reads it (no copy per member).
                let event: ProjectedEvent
                do throws(ProjectionError) { event = try ProjectedEvent.decode(record, typeIndex: typeIndex) } catch {
                    for applier in appliers where applier.reads(position) {
                        applier.refusal = Refusal(position: position, message: error.description)
                    }
                    return
                }
                for applier in appliers where applier.reads(position) {
                    // One object per snapshot: lent once, not per record (the scan's end takes it back).
                    if applier.rows.earlierEvents.records !== earlier { applier.rows.earlierEvents.records = earlier }
                    do throws(ProjectionError) { try applier.projection.apply(event, to: applier.rows) } catch {
                        applier.refusal = Refusal(position: position, message: error.description)
                    }
                }
            }
        } catch { throw ProjectionError.storage("reading the ledger: \(error)") }
        return next
    }

    /// An active member as the scan sees it, one object per member: the loop reads its fields for every record
    /// without copying the member (its record, rows and projection) out of the array each time.
    private final class Applier {
        let member: Int
        let projection: any Projection
        let rows: RowBatch
        /// The member's checkpoint: it applies the records from here.
        let from: UInt64
        var refusal: Refusal?

        /// Whether it applies the record at `position`: not refused yet, and at or past its checkpoint.
        func reads(_ position: UInt64) -> Bool { refusal == nil && position >= from }

        init(member: Int, projection: any Projection, rows: RowBatch, from: UInt64) {
            self.member = member
            self.projection = projection
            self.rows = rows
            self.from = from
        }
    }

    func read<R>(_ body: (Transaction) throws(ProjectionError) -> R) throws(ProjectionError) -> R {
        do { return try store.read { txn in try body(txn) } } catch let error as ProjectionError {
            throw error
        } catch { throw ProjectionError.storage("reading the projections: \(error)") }
    }

    /// `read` with the handles the store kept when it began.
    private func read<R>(_ body: (Transaction, ProjectionsStore.KeptHandles) throws(ProjectionError) -> R)
        throws(ProjectionError) -> R
    {
        do { return try store.readWithKeptHandles { txn, kept in try body(txn, kept) } } catch let error
            as ProjectionError
        { throw error } catch { throw ProjectionError.storage("reading the projections: \(error)") }
    }

    /// `write` with the handles the store kept when it began.
    private func write<R>(_ body: (Transaction, ProjectionsStore.KeptHandles) throws(ProjectionError) -> R)
        throws(ProjectionError) -> R
    {
        do { return try store.writeWithKeptHandles { txn, kept in try body(txn, kept) } } catch let error
            as ProjectionError
        { throw error } catch { throw ProjectionError.storage("committing: \(error)") }
    }

    /// `write` for a transaction that may open database handles (creating or emptying tables), under the store's
    /// `withHandleOpening`; `then` runs after the commit, still under it (to keep the handles opened).
    func writeOpeningHandles<R>(
        then: (R) -> Void = { _ in }, _ body: (Transaction) throws(ProjectionError) -> R
    ) throws(ProjectionError) -> R {
        do {
            return try store.withHandleOpening {
                let result = try write(body)
                then(result)
                return result
            }
        } catch let error as ProjectionError { throw error } catch {
            throw ProjectionError.storage("committing: \(error)")
        }
    }

    func write<R>(_ body: (Transaction) throws(ProjectionError) -> R) throws(ProjectionError) -> R {
        do { return try store.write { txn in try body(txn) } } catch let error as ProjectionError {
            throw error
        } catch { throw ProjectionError.storage("committing: \(error)") }
    }
}
