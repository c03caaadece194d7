import Commands
import Domain
import Foundation
import Ledger
import LMDB
import LedgerTesting
import Logging
import Testing

@testable import Projections

/// A projection that refuses one event type, to show a failure stops it alone.
struct RefusingProjection: Projection {
    static let name = "Refusing"
    static let version: UInt32 = 1
    static let tables = ["counts"]
    static let eventTypes: Set<String> = [PlanAgreed.eventType, PlanDrafted.eventType, CoordinatorAssigned.eventType]

    func apply(_ event: ProjectedEvent, to rows: RowBatch) throws(ProjectionError) {
        if case .planAgreed = event.event {
            throw .applyFailed(projection: Self.name, position: event.position.rawValue, "refused on purpose")
        }
        try rows.table("counts", of: UInt64.self).update(.single, orInsert: { 0 }) { $0 += 1 }
    }
}

/// A projection with a defect: it opens one table with two row types.
struct TwoRowTypesProjection: Projection {
    static let name = "TwoRowTypes"
    static let version: UInt32 = 1
    static let tables = ["counts"]
    static let eventTypes: Set<String> = [PlanDrafted.eventType, CoordinatorAssigned.eventType]

    func apply(_ event: ProjectedEvent, to rows: RowBatch) throws(ProjectionError) {
        try rows.table("counts", of: UInt64.self).update(.single, orInsert: { 0 }) { $0 += 1 }
        if case .planDrafted = event.event { _ = try rows.table("counts", of: String.self) }
    }
}

@Suite("Projection engine: checkpoints, rebuilds, as-of cutoffs, failures, live catch-up")
struct ProjectionEngineTests {
    @Test("Rebuilt from zero in one batch, a view is byte-identical to the one built live in small batches")
    func rebuildIsByteIdentical() async throws {
        let fixture = try ProjectionsFixture()
        fixture.batchEvents = 3
        let story = PlanStory()
        for event in story.opening {
            try await fixture.emit(event)
            try fixture.catchUp(PlanStatusProjection())
        }
        try await story.feed(fixture)
        try fixture.catchUp(PlanStatusProjection())
        let live = try fixture.contents(PlanStatusProjection.self)
        let liveRecord = try #require(try fixture.store.record(of: PlanStatusProjection.name))
        fixture.batchEvents = ProjectionBuilder.batchEventsMax
        let outcome = try ProjectionRebuild(builder: fixture.builder).run(PlanStatusProjection())
        guard case .switched(let record) = outcome else {
            Issue.record("the rebuild did not switch: \(outcome)")
            return
        }
        #expect(record.generation == liveRecord.generation + 1)
        #expect(record.checkpoint == (try fixture.treeSize()))
        #expect(try fixture.contents(PlanStatusProjection.self) == live)
        #expect(try fixture.store.record(.rebuild, of: PlanStatusProjection.name) == nil)
    }

    @Test(
        "A cancelled rebuild keeps its checkpoint; run again, it resumes there and switches, the live view serving meanwhile"
    )
    func cancelledRebuildResumes() async throws {
        let fixture = try ProjectionsFixture()
        let story = PlanStory()
        try await story.feed(fixture)
        try fixture.catchUp(PlanStatusProjection())
        let live = try fixture.contents(PlanStatusProjection.self)
        fixture.batchEvents = 4
        var batches = 0
        #expect(throws: ProjectionError.cancelled) {
            _ = try ProjectionRebuild(builder: fixture.builder).run(
                PlanStatusProjection(), progress: { _ in batches += 1 }, shouldStop: { batches >= 2 })
        }
        let pending = try #require(try fixture.store.record(.rebuild, of: PlanStatusProjection.name))
        #expect(pending.checkpoint == 8)
        #expect(try fixture.contents(PlanStatusProjection.self) == live, "the live generation keeps serving")
        var resumedFrom: UInt64?
        let outcome = try ProjectionRebuild(builder: fixture.builder).run(
            PlanStatusProjection(), progress: { record in resumedFrom = resumedFrom ?? record.checkpoint })
        #expect(resumedFrom == 12, "the first batch after resuming starts at 8")
        guard case .switched(let record) = outcome else {
            Issue.record("no switch: \(outcome)")
            return
        }
        #expect(record.generation == pending.generation)
        #expect(try fixture.contents(PlanStatusProjection.self) == live)
    }

    /// A fixture fed `PlanStory`, and PlanStatusView's rows rebuilt from it in one batch.
    private func storyFixture() async throws -> (fixture: ProjectionsFixture, oneBatch: [String]) {
        let fixture = try ProjectionsFixture()
        try await PlanStory().feed(fixture)
        return (fixture, try fixture.liveAndRebuiltContents(PlanStatusProjection()).rebuilt)
    }

    /// Rebuilds PlanStatusView under the fixture's bounds and returns each batch's checkpoint; the rebuild must
    /// switch, to rows equal to `expected`.
    private func batchCheckpoints(_ fixture: ProjectionsFixture, expected: [String]) throws -> [UInt64] {
        var checkpoints: [UInt64] = []
        let outcome = try ProjectionRebuild(builder: fixture.builder).run(
            PlanStatusProjection(), progress: { checkpoints.append($0.checkpoint) })
        guard case .switched = outcome else { throw ProjectionError.storage("no switch: \(outcome)") }
        #expect(try fixture.contents(PlanStatusProjection.self) == expected)
        return checkpoints
    }

    @Test("A batch reads the ledger in several scans and commits once, at its event bound")
    func batchSpansScans() async throws {
        let (fixture, oneBatch) = try await storyFixture()
        let size = try fixture.treeSize()
        fixture.batchEvents = 8
        fixture.scanEvents = 3
        let checkpoints = try batchCheckpoints(fixture, expected: oneBatch)
        let batches = Array(stride(from: 8, to: size, by: 8)) + [size]
        #expect(Array(checkpoints.prefix(batches.count)) == batches, "scans of 3 do not end a batch of 8")
    }

    @Test("A batch ends once its changed rows reach the row bound; the rows are the same as in one batch")
    func batchEndsAtRowBound() async throws {
        let (fixture, oneBatch) = try await storyFixture()
        fixture.scanEvents = 1
        fixture.batchRows = 2
        let checkpoints = try batchCheckpoints(fixture, expected: oneBatch)
        #expect(checkpoints.count > 2, "one batch per two changed rows at most, not one for the whole ledger")
        #expect(checkpoints == checkpoints.sorted())
    }

    @Test("Stopped inside a batch, a rebuild commits the scans it applied and resumes after them")
    func stopInsideBatch() async throws {
        let (fixture, oneBatch) = try await storyFixture()
        fixture.scanEvents = 2
        #expect(throws: ProjectionError.cancelled) {
            _ = try ProjectionRebuild(builder: fixture.builder).run(PlanStatusProjection(), shouldStop: { true })
        }
        let pending = try #require(try fixture.store.record(.rebuild, of: PlanStatusProjection.name))
        #expect(pending.checkpoint == 2, "the first scan of the batch, committed")
        _ = try batchCheckpoints(fixture, expected: oneBatch)
    }

    @Test("rowsChangedAt moves with the batches that write rows and stays through events the projection skips")
    func rowsChangedAtFollowsWrites() async throws {
        let fixture = try ProjectionsFixture()
        let story = PlanStory()
        for event in story.opening { try await fixture.emit(event) }
        let written = try fixture.catchUp(PlanStatusProjection())
        let size = try fixture.treeSize()
        #expect(written.rowsChangedAt == written.checkpoint && written.checkpoint == size)
        let contents = try fixture.contents(PlanStatusProjection.self)

        try await fixture.erase(PersonRef(uuid: UUID()))  // PlanStatusView reads no erasure receipt
        let skipped = try fixture.catchUp(PlanStatusProjection())
        #expect(skipped.checkpoint > written.checkpoint)
        #expect(skipped.contentIdentity == written.contentIdentity)
        #expect(try fixture.contents(PlanStatusProjection.self) == contents)
        let (_, live) = try fixture.store.readLive(PlanStatusProjection.self) { _, _ in () }
        #expect(live == skipped)

        try await fixture.emit(story.delivered("d1", on: "2025-03-03", units: 4))
        let changed = try fixture.catchUp(PlanStatusProjection())
        #expect(changed.rowsChangedAt == changed.checkpoint && changed.rowsChangedAt > skipped.rowsChangedAt)
        #expect(try fixture.contents(PlanStatusProjection.self) != contents)
    }

    @Test("A record written before rowsChangedAt existed reads as changed at its checkpoint; the field round-trips")
    func recordWithoutRowsChangedAt() throws {
        var writer = PayloadWriter()
        writer.write(UInt64(3))
        writer.write(UInt64(2))
        writer.write(UInt64(41))
        writer.writeOptional(ProjectionRecord.Failure?.none)
        var reader = PayloadReader(writer.bytes)
        let old = try ProjectionRecord(from: &reader)
        #expect(old == ProjectionRecord(version: 3, generation: 2, checkpoint: 41, rowsChangedAt: 41))
        let current = ProjectionRecord(version: 3, generation: 2, checkpoint: 41, rowsChangedAt: 17)
        var encoded = PayloadWriter()
        current.encode(to: &encoded)
        var back = PayloadReader(encoded.bytes)
        #expect(try ProjectionRecord(from: &back) == current)
    }

    @Test("Before the first event a built view reads as empty at checkpoint 0, not as not built")
    func emptyLedgerViewIsEmpty() async throws {
        let fixture = try ProjectionsFixture()
        #expect(try fixture.catchUp(PlanStatusProjection()).checkpoint == 0)
        let (rows, checkpoint) = try fixture.store.readWithCheckpoint(PlanStatusProjection.self) { reader in
            try PlanStatusView.rows(reader, key: nil, context: ViewContext(today: .on("2025-03-25")))
        }
        #expect(rows.isEmpty && checkpoint == 0)
    }

    @Test("A view built to a cutoff size equals the live view captured when the ledger had that size")
    func asOfSizesMatchLiveCaptures() async throws {
        let fixture = try ProjectionsFixture()
        let story = PlanStory()
        var captures: [(size: UInt64, rows: [ViewRow])] = []
        for event in story.opening {
            try await fixture.emit(event)
            try fixture.catchUp(PlanStatusProjection())
            captures.append((try fixture.treeSize(), try fixture.planRows()))
        }
        try await story.feed(fixture)
        for capture in captures {
            let asOf = try AsOfBuild.build(
                [PlanStatusProjection()], ledger: fixture.services.ledger, size: capture.size,
                under: fixture.directory.path)
            defer { asOf.remove() }
            #expect(asOf.cutoff.size == capture.size)
            #expect(try fixture.planRows(in: asOf.store) == capture.rows, "as of size \(capture.size)")
        }
    }

    @Test("A table opened with a second row type is the projection's failure, naming the table")
    func tableOpenedWithTwoRowTypes() async throws {
        let fixture = try ProjectionsFixture()
        for event in PlanStory().opening { try await fixture.emit(event) }
        let drafted = try fixture.services.ledger.read(type: EventType("PlanDrafted"), from: .zero, limit: 1)
        let failure = try #require(try fixture.catchUp(TwoRowTypesProjection()).failure)
        #expect(failure.position == drafted.first?.position.rawValue)
        #expect(failure.message.contains("table counts opened as two kinds of table or with two row types"))
    }

    @Test("A projection that fails on an event keeps the rows before it, records where and why, and stops alone")
    func failureStopsOneProjection() async throws {
        let fixture = try ProjectionsFixture()
        let story = PlanStory()
        for event in story.opening { try await fixture.emit(event) }
        let refused = try fixture.services.ledger.read(type: EventType("PlanAgreed"), from: .zero, limit: 1)
        let record = try fixture.catchUp(RefusingProjection())
        let failure = try #require(record.failure)
        #expect(failure.position == refused.first?.position.rawValue)
        #expect(failure.message.contains("refused on purpose"))
        #expect(record.checkpoint == failure.position)
        let counted = try fixture.store.read(RefusingProjection.self) { reader in
            try reader.get("counts", .single, as: UInt64.self)
        }
        #expect(counted == 2, "the assignment and the draft before the refused agreement")
        // Another projection is not affected, and the failed one stays where it stopped.
        #expect(try fixture.catchUp(PlanStatusProjection()).failure == nil)
        #expect(try fixture.catchUp(RefusingProjection()).checkpoint == failure.position)
        let statuses = try ProjectionStatus.report(
            [RefusingProjection.self, PlanStatusProjection.self], store: fixture.store, ledger: fixture.services.ledger,
            now: Timestamp(microseconds: 1_741_000_000_000_000))
        #expect(statuses.map(\.state) == [.failed, .live])
        #expect(statuses[0].failedAt == failure.position)
        #expect(statuses[1].lagEvents == 0)
    }

    @Test("Views built together in one scan equal each built alone; one that refuses an event stops alone")
    func sharedScanMatchesSeparateBuilds() async throws {
        let fixture = try ProjectionsFixture()
        fixture.batchEvents = 4
        let story = PlanStory()
        for event in story.opening { try await fixture.emit(event) }
        try await story.feed(fixture)
        let size = try fixture.treeSize()
        let projections: [any Projection] = [
            PlanStatusProjection(), RefusingProjection(), CoordinatorCaseloadProjection(), ApplicationQueueProjection(),
        ]
        let records = try fixture.builder.build(projections, slot: .live, upTo: size)
        let refused = try fixture.services.ledger.read(type: EventType("PlanAgreed"), from: .zero, limit: 1)
        #expect(records[1].failure?.position == refused.first?.position.rawValue)
        #expect(records[1].checkpoint == records[1].failure?.position)
        let counted = try fixture.store.read(RefusingProjection.self) { reader in
            try reader.get("counts", .single, as: UInt64.self)
        }
        #expect(counted == 2, "the assignment and the draft before the refused agreement")
        for (projection, record) in zip(projections, records) where record.failure == nil {
            #expect(record.checkpoint == size)
            let alone = try AsOfBuild.build(
                [projection], ledger: fixture.services.ledger, size: size, under: fixture.directory.path)
            defer { alone.remove() }
            let type = type(of: projection)
            #expect(try fixture.contents(type, in: alone.store) == (try fixture.contents(type)), "\(type.name)")
        }
        #expect(throws: ProjectionError.self) {
            try fixture.builder.advance([PlanStatusProjection(), PlanStatusProjection()], slot: .live, upTo: size)
        }
    }

    @Test("A build reuses its rows across batches only while no one else has advanced the same generation")
    func carriedRowsFollowTheStoredRecord() async throws {
        let fixture = try ProjectionsFixture()
        fixture.batchEvents = 2
        let story = PlanStory()
        for event in story.opening { try await fixture.emit(event) }
        try await story.feed(fixture)
        let size = try fixture.treeSize()
        let other = ProjectionBuilder(ledger: fixture.services.ledger, store: fixture.store, batchEvents: 1)
        var interleaved = 0
        try fixture.builder.build(PlanStatusProjection(), slot: .live, upTo: size) { _ in
            guard interleaved < 3 else { return }
            interleaved += 1
            _ = try? other.advance(PlanStatusProjection(), slot: .live, upTo: size)
        }
        #expect(interleaved == 3)
        let alone = try AsOfBuild.build(
            [PlanStatusProjection()], ledger: fixture.services.ledger, size: size, under: fixture.directory.path)
        defer { alone.remove() }
        #expect(
            try fixture.contents(PlanStatusProjection.self, in: alone.store)
                == (try fixture.contents(PlanStatusProjection.self)))
    }

    /// Waits for the plan story's opening (ending at `last`) and sees the plan active, then completes the plan and
    /// waits for that: read-your-writes through `engine`.
    static func expectReadYourWrites(
        _ engine: ProjectionEngine, _ fixture: ProjectionsFixture, _ story: PlanStory, last: Position
    ) async throws {
        await engine.waitUntilProjected(last)
        #expect(try fixture.planRows().first?["status"] == .string("active"))
        let completed = try await fixture.emit(
            .planCompleted(PlanCompleted(planId: story.plan, personRef: story.person, endDate: .on("2025-08-31"))))
        await engine.waitUntilProjected(completed)
        #expect(try fixture.planRows().first?["status"] == .string("completed"))
    }

    @Test("Live: the engine catches up after each commit and waitUntilProjected gives read-your-writes")
    func liveCatchUp() async throws {
        let fixture = try ProjectionsFixture()
        let engine = ProjectionEngine(
            builder: fixture.builder, projections: [PlanStatusProjection()], logger: Logger(label: "test"))
        engine.start()
        let story = PlanStory()
        var last = Position.zero
        for event in story.opening { last = try await fixture.emit(event) }
        try await Self.expectReadYourWrites(engine, fixture, story, last: last)
        await engine.stop()
    }

    @Test(
        "Live catch-ups are spaced while nobody waits; a reader waiting for a position ends the spacing",
        .timeLimit(.minutes(10)))
    func liveCatchUpsSpacedUntilAReaderWaits() async throws {
        let fixture = try ProjectionsFixture()
        let story = PlanStory()
        let first = try await fixture.emit(story.opening[0])
        try fixture.catchUp(PlanStatusProjection())
        let engine = ProjectionEngine(
            builder: fixture.builder, projections: [PlanStatusProjection()], logger: Logger(label: "test"),
            catchUpInterval: .seconds(3600))
        engine.start()
        await engine.waitUntilProjected(first)
        var last = first
        for event in story.opening.dropFirst() { last = try await fixture.emit(event) }
        try await Task.sleep(for: .milliseconds(300))
        #expect(engine.checkpoint == first.rawValue + 1, "no catch-up within the interval while nobody waits")
        try await Self.expectReadYourWrites(engine, fixture, story, last: last)
        await engine.stop()
    }

    /// A ledger holding the plan story's first event, with CoordinatorCaseload built live to it.
    static func firstEventWithCaseloadBuilt() async throws -> (ProjectionsFixture, PlanStory) {
        let fixture = try ProjectionsFixture()
        let story = PlanStory()
        try await fixture.emit(story.opening[0])
        try fixture.catchUp(CoordinatorCaseloadProjection())
        return (fixture, story)
    }

    @Test("Live, together: one that fails leaves the catch-ups, one rebuilt on start joins them, the rest go on")
    func liveGroupFailureAndJoin() async throws {
        let (fixture, story) = try await Self.firstEventWithCaseloadBuilt()
        try fixture.catchUp(RefusingProjection())
        try fixture.builder.write { txn throws(ProjectionError) in
            try fixture.store.save(
                ProjectionRecord(version: 0, generation: 1, checkpoint: 1), .live, CoordinatorCaseloadProjection.name,
                in: txn)
        }
        let engine = ProjectionEngine(
            builder: fixture.builder,
            projections: [PlanStatusProjection(), RefusingProjection(), CoordinatorCaseloadProjection()],
            logger: Logger(label: "test"))
        engine.start()
        var last = Position.zero
        for event in story.opening.dropFirst() { last = try await fixture.emit(event) }
        #expect(
            await engine.waitUntilProjected(last, timeout: .seconds(600)), "a failed projection never blocks waiters")
        let completed = try await fixture.emit(
            .planCompleted(PlanCompleted(planId: story.plan, personRef: story.person, endDate: .on("2025-08-31"))))
        #expect(await engine.waitUntilProjected(completed, timeout: .seconds(600)))
        await engine.stop()
        let size = try fixture.treeSize()
        #expect(try fixture.store.record(of: RefusingProjection.name)?.failure != nil)
        #expect(try fixture.store.record(of: PlanStatusProjection.name)?.checkpoint == size)
        let rebuilt = try #require(try fixture.store.record(of: CoordinatorCaseloadProjection.name))
        #expect(rebuilt.version == CoordinatorCaseloadProjection.version && rebuilt.generation == 2)
        #expect(rebuilt.checkpoint == size, "the rebuilt projection followed the commits after its switch")
        #expect(try fixture.planRows().first?["status"] == .string("completed"))
        let (live, rebuiltAgain) = try fixture.liveAndRebuiltContents(CoordinatorCaseloadProjection())
        #expect(!live.isEmpty && live == rebuiltAgain, "the rows kept live equal a rebuild from zero")
    }

    @Test("A storage shortage (no ledger reader slot) pauses the live projections; they retry and catch up after it")
    func liveRetriesStorageFailures() async throws {
        let (fixture, story) = try await Self.firstEventWithCaseloadBuilt()
        for event in story.opening.dropFirst() { try await fixture.emit(event) }
        let environment = fixture.services.ledger.environment
        let holders = ReaderSlotHolders(environment: environment, count: try environment.info().maxReaders)
        let engine = ProjectionEngine(
            builder: fixture.builder, projections: [PlanStatusProjection(), CoordinatorCaseloadProjection()],
            logger: Logger(label: "test"))
        engine.start()
        try await Task.sleep(for: .milliseconds(300))
        #expect(engine.checkpoint == 0, "nothing can be read while every reader slot is held")
        holders.release()
        let last = Position(try fixture.treeSize() - 1)
        #expect(await engine.waitUntilProjected(last, timeout: .seconds(600)))
        await engine.stop()
        let size = try fixture.treeSize()
        #expect(try fixture.store.record(of: PlanStatusProjection.name)?.checkpoint == size, "rebuilt after retrying")
        #expect(try fixture.store.record(of: CoordinatorCaseloadProjection.name)?.checkpoint == size, "caught up")
    }

    @Test("Projections outdated on start rebuild together; one refusing an event stops alone, the others go live")
    func severalOutdatedRebuildTogether() async throws {
        let fixture = try ProjectionsFixture()
        let story = PlanStory()
        for event in story.opening { try await fixture.emit(event) }
        let projections: [any Projection] = [
            PlanStatusProjection(), RefusingProjection(), CoordinatorCaseloadProjection(),
        ]
        try fixture.builder.write { txn throws(ProjectionError) in
            for projection in projections {
                try fixture.store.save(
                    ProjectionRecord(version: 0, generation: 3, checkpoint: 1), .live, projection.name, in: txn)
            }
        }
        let engine = ProjectionEngine(builder: fixture.builder, projections: projections, logger: Logger(label: "test"))
        engine.start()
        #expect(await engine.waitUntilProjected(Position(try fixture.treeSize() - 1), timeout: .seconds(600)))
        let completed = try await fixture.emit(
            .planCompleted(PlanCompleted(planId: story.plan, personRef: story.person, endDate: .on("2025-08-31"))))
        #expect(await engine.waitUntilProjected(completed, timeout: .seconds(600)))
        await engine.stop()
        let size = try fixture.treeSize()
        for projection in [PlanStatusProjection.self, CoordinatorCaseloadProjection.self] as [any Projection.Type] {
            let record = try #require(try fixture.store.record(of: projection.name))
            #expect(record.version == projection.version && record.generation == 4, "\(projection.name)")
            #expect(record.checkpoint == size, "\(projection.name) followed the commits after its switch")
        }
        #expect(try fixture.store.record(of: RefusingProjection.name)?.version == 0, "the old generation stays live")
        #expect(try fixture.store.record(.rebuild, of: RefusingProjection.name)?.failure != nil)
        #expect(try fixture.planRows().first?["status"] == .string("completed"))
    }

    @Test("A projection whose code version changed is rebuilt into new tables when the engine starts")
    func versionChangeRebuildsOnStart() async throws {
        let fixture = try ProjectionsFixture()
        let story = PlanStory()
        for event in story.opening { try await fixture.emit(event) }
        try fixture.builder.write { txn throws(ProjectionError) in
            try fixture.store.save(
                ProjectionRecord(version: 0, generation: 4, checkpoint: 2), .live, PlanStatusProjection.name, in: txn)
        }
        let engine = ProjectionEngine(
            builder: fixture.builder, projections: [PlanStatusProjection()], logger: Logger(label: "test"))
        engine.start()
        await engine.waitUntilProjected(Position(try fixture.treeSize() - 1))
        await engine.stop()
        let record = try #require(try fixture.store.record(of: PlanStatusProjection.name))
        #expect(record.version == PlanStatusProjection.version)
        #expect(record.generation == 5)
        #expect(try fixture.planRows().first?["status"] == .string("active"))
    }
}
