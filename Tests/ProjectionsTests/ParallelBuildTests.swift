import Commands
import Domain
import Foundation
import Ledger
import LedgerTesting
import Testing

@testable import Projections

/// A projection that refuses the `refusingAt`-th event it is given, to show a failing group stops the others.
struct FailingAfterProjection: Projection {
    static let name = "FailingAfter"
    static let version: UInt32 = 1
    static let tables = ["counts"]
    static let eventTypes: Set<String> = [ServiceDelivered.eventType]
    static let rebuildCost = 5.0

    func apply(_ event: ProjectedEvent, to rows: RowBatch) throws(ProjectionError) {
        var seen: UInt64 = 0
        try rows.table("counts", of: UInt64.self).update(.single, orInsert: { 0 }) { count in
            count += 1
            seen = count
        }
        if seen == 40 { throw .applyFailed(projection: Self.name, position: event.position.rawValue, "on purpose") }
    }
}

@Suite("Projection builds split among workers applying at once")
struct ParallelBuildTests {
    /// A generated centre (every event type the views read) in a fresh fixture.
    private static func generatedCentre() async throws -> ProjectionsFixture {
        let fixture = try ProjectionsFixture()
        let generator = CUSDataGenerator(
            services: fixture.services,
            options: .init(residents: 40, months: 3, seed: 7, firstDay: .on("2025-01-01"), lanes: 8))
        _ = try await generator.run()
        return fixture
    }

    private static func builder(_ fixture: ProjectionsFixture, store: ProjectionsStore, workers: Int)
        -> ProjectionBuilder
    {
        ProjectionBuilder(
            ledger: fixture.services.ledger, store: store, batchEvents: 60, batchRows: 400, scanEvents: 20,
            workers: workers, parallelEventsMin: 0)
    }

    /// `builder`'s groups for `projections` as `store` holds them (a projection not built yet at checkpoint 0).
    private static func groups(
        _ builder: ProjectionBuilder, _ projections: [any Projection], upTo size: UInt64, in store: ProjectionsStore
    ) throws -> [[Int]] {
        let records = try projections.map { projection in
            try store.record(of: projection.name)
                ?? ProjectionRecord(version: type(of: projection).version, generation: 0)
        }
        return try builder.parallelGroups(projections, records: records, upTo: size)
    }

    @Test("Every view built by two workers in many batches is byte-identical to one worker's build, progress in order")
    func twoWorkersEqualOne() async throws {
        let fixture = try await Self.generatedCentre()
        let size = try fixture.treeSize()
        let projections = ProjectionCatalogue.projections
        let separate = try ProjectionsStore(directory: fixture.directory.path + "/sequential")
        defer { separate.close() }
        let sequential = try Self.builder(fixture, store: separate, workers: 1).build(
            projections, slot: .live, upTo: size)
        var reports: [[ProjectionRecord]] = []
        let parallel = try Self.builder(fixture, store: fixture.store, workers: 2).build(
            projections, slot: .live, upTo: size, progress: { reports.append($0) })
        #expect(parallel.map(\.checkpoint) == Array(repeating: size, count: projections.count))
        #expect(parallel.map(\.failure) == sequential.map(\.failure))
        for projection in projections {
            let type = type(of: projection)
            #expect(try fixture.contents(type) == fixture.contents(type, in: separate), "\(type.name)")
        }
        // Reported whole, in the order given, the checkpoints never going back.
        #expect(reports.count > 2)
        for report in reports { #expect(report.count == projections.count) }
        for (earlier, later) in zip(reports, reports.dropFirst()) {
            for (before, after) in zip(earlier, later) { #expect(before.checkpoint <= after.checkpoint) }
        }
        #expect(reports.last?.map(\.checkpoint) == parallel.map(\.checkpoint))
    }

    @Test("A projection that refuses an event stops alone in its group; the other group's views complete")
    func refusalStopsOneProjection() async throws {
        let fixture = try await Self.generatedCentre()
        let size = try fixture.treeSize()
        // The refusing projection is alone in the first group: its record must come back in its own place.
        let projections: [any Projection] = [
            PlanStatusProjection(), FeeLedgerProjection(), FailingAfterProjection(), CoordinatorCaseloadProjection(),
        ]
        let builder = Self.builder(fixture, store: fixture.store, workers: 2)
        #expect(
            try Self.groups(builder, projections, upTo: size, in: fixture.store) == [[2], [0, 1, 3]])
        let records = try builder.build(projections, slot: .live, upTo: size)
        let failure = try #require(records[2].failure)
        #expect(failure.message.contains("on purpose"))
        #expect(records[2].checkpoint == failure.position)
        for index in [0, 1, 3] { #expect(records[index].failure == nil && records[index].checkpoint == size) }
        for (projection, record) in zip(projections, records) {
            #expect(try fixture.store.record(of: projection.name) == record, "\(projection.name)")
        }
    }

    @Test("A group that cannot build (an outdated projection) stops the other group; the build throws its error")
    func groupFailureStopsTheOther() async throws {
        let fixture = try await Self.generatedCentre()
        let size = try fixture.treeSize()
        try fixture.builder.write { txn throws(ProjectionError) in
            let old = ProjectionRecord(version: FailingAfterProjection.version + 1, generation: 0)
            try fixture.store.save(old, .live, FailingAfterProjection.name, in: txn)
        }
        let projections: [any Projection] = [PlanStatusProjection(), FailingAfterProjection(), FeeLedgerProjection()]
        #expect(throws: ProjectionError.outdated(projection: FailingAfterProjection.name, built: 2, code: 1)) {
            try Self.builder(fixture, store: fixture.store, workers: 2).build(projections, slot: .live, upTo: size)
        }
    }

    @Test("Built in parallel by a store that keeps no handle yet (a new process), every view equals a sequential build")
    func coldStoreBuildsInParallel() async throws {
        let fixture = try await Self.generatedCentre()
        let size = try fixture.treeSize()
        let projections = ProjectionCatalogue.projections
        let directory = fixture.directory.path + "/cold"
        // Half built by one process, then closed.
        let first = try ProjectionsStore(directory: directory)
        try Self.builder(fixture, store: first, workers: 1).build(projections, slot: .live, upTo: size / 2)
        first.close()
        let cold = try ProjectionsStore(directory: directory)
        defer { cold.close() }
        #expect(projections.allSatisfy { cold.keptDatabases(of: type(of: $0), generation: 0) == nil })
        // A reader of a store that keeps no handle opens them apart, then reads.
        #expect(try !fixture.contents(PlanStatusProjection.self, in: cold).isEmpty)
        try Self.builder(fixture, store: cold, workers: 2).build(projections, slot: .live, upTo: size)
        #expect(projections.allSatisfy { cold.keptDatabases(of: type(of: $0), generation: 0) != nil })
        try Self.builder(fixture, store: fixture.store, workers: 1).build(projections, slot: .live, upTo: size)
        for projection in projections {
            let type = type(of: projection)
            #expect(try fixture.contents(type, in: cold) == fixture.contents(type), "\(type.name)")
        }
    }

    @Test("Stopping a two-worker build cancels both groups; run again, it resumes and completes")
    func stoppedBuildResumes() async throws {
        let fixture = try await Self.generatedCentre()
        let size = try fixture.treeSize()
        let projections = ProjectionCatalogue.projections
        var reports = 0
        #expect(throws: ProjectionError.cancelled) {
            try Self.builder(fixture, store: fixture.store, workers: 2).build(
                projections, slot: .live, upTo: size, progress: { _ in reports += 1 }, shouldStop: { reports >= 2 })
        }
        let stopped = try projections.map { try #require(try fixture.store.record(of: $0.name)).checkpoint }
        #expect(stopped.contains { $0 < size })
        let records = try Self.builder(fixture, store: fixture.store, workers: 2).build(
            projections, slot: .live, upTo: size)
        #expect(records.allSatisfy { $0.checkpoint == size && $0.failure == nil })
    }

    @Test("A blue/green rebuild of every view in one build, split in two, switches each to a copy of its live rows")
    func rebuildSeveralTogether() async throws {
        let fixture = try await Self.generatedCentre()
        let size = try fixture.treeSize()
        let projections = ProjectionCatalogue.projections
        try Self.builder(fixture, store: fixture.store, workers: 1).build(projections, slot: .live, upTo: size)
        let live = try projections.map { try fixture.contents(type(of: $0)) }
        var reports = 0
        let outcomes = try ProjectionRebuild(builder: Self.builder(fixture, store: fixture.store, workers: 2)).run(
            projections, progress: { _ in reports += 1 })
        #expect(reports > 2)
        for (index, outcome) in outcomes.enumerated() {
            guard case .switched(let record) = outcome else {
                Issue.record("\(projections[index].name) did not switch: \(outcome)")
                continue
            }
            #expect(record.generation == 1 && record.checkpoint == size)
            #expect(try fixture.contents(type(of: projections[index])) == live[index], "\(projections[index].name)")
            #expect(try fixture.store.record(.rebuild, of: projections[index].name) == nil)
        }
    }

    @Test("Commands recorded during a rebuild of several: each switches once it holds the ledger's events, none lost")
    func rebuildSeveralWhileTheLedgerGrows() async throws {
        let fixture = try await Self.generatedCentre()
        let projections = ProjectionCatalogue.projections
        let rebuild = ProjectionRebuild(builder: Self.builder(fixture, store: fixture.store, workers: 2))
        let running = Task.detached { try rebuild.run(projections) }
        let story = PlanStory()
        var emitted = 0
        for event in story.opening {
            try await fixture.emit(event)
            emitted += 1
        }
        let outcomes = try await running.value
        #expect(outcomes.count == projections.count)
        var switchedAt: [UInt64] = []
        for outcome in outcomes {
            guard case .switched(let record) = outcome else {
                Issue.record("not switched: \(outcome)")
                continue
            }
            switchedAt.append(record.checkpoint)
        }
        #expect(emitted > 0 && switchedAt.count == projections.count)
        // Caught up to the end, each equals a build from zero of the whole ledger.
        let size = try fixture.treeSize()
        try Self.builder(fixture, store: fixture.store, workers: 1).build(projections, slot: .live, upTo: size)
        let separate = try ProjectionsStore(directory: fixture.directory.path + "/fresh")
        defer { separate.close() }
        try Self.builder(fixture, store: separate, workers: 1).build(projections, slot: .live, upTo: size)
        for projection in projections {
            let type = type(of: projection)
            #expect(try fixture.contents(type) == fixture.contents(type, in: separate), "\(type.name)")
        }
    }

    @Test("A rebuild of several projections switches those that caught up and reports the one that refused an event")
    func rebuildSeveralWithARefusal() async throws {
        let fixture = try await Self.generatedCentre()
        let projections: [any Projection] = [PlanStatusProjection(), FailingAfterProjection(), FeeLedgerProjection()]
        let outcomes = try ProjectionRebuild(builder: Self.builder(fixture, store: fixture.store, workers: 2)).run(
            projections)
        guard case .switched = outcomes[0], case .failed(let failed) = outcomes[1], case .switched = outcomes[2] else {
            Issue.record("unexpected outcomes: \(outcomes)")
            return
        }
        #expect(failed.failure?.message.contains("on purpose") == true)
        #expect(try fixture.store.record(of: FailingAfterProjection.name) == nil)
        #expect(try fixture.store.record(.rebuild, of: FailingAfterProjection.name)?.failure != nil)
    }

    @Test("Groups are balanced by rebuild cost; a short build, one worker or one projection makes one group")
    func groups() async throws {
        let fixture = try await Self.generatedCentre()
        let size = try fixture.treeSize()
        let projections = ProjectionCatalogue.projections
        let cost = { (group: [Int]) in group.reduce(0.0) { $0 + type(of: projections[$1]).rebuildCost } }
        let two = try Self.groups(
            Self.builder(fixture, store: fixture.store, workers: 2), projections, upTo: size, in: fixture.store)
        #expect(two.count == 2)
        #expect(two.flatMap { $0 }.sorted() == Array(projections.indices))
        // Heaviest first onto the lighter group: MetricsFacts 1.1 | ProviderWorkload 0.9, ResidentTimeline 0.8 |
        // ComplianceAlerts 0.7 | PlanStatusView 0.55 | ApplicationQueue 0.4, CoordinatorCaseload 0.2 | FeeLedger 0.1.
        #expect(two == [[1, 2, 5, 7], [0, 3, 4, 6]])
        #expect(abs(cost(two[0]) - cost(two[1])) < 0.1)
        let short = ProjectionBuilder(ledger: fixture.services.ledger, store: fixture.store, workers: 2)
        #expect(size < ProjectionBuilder.parallelEventsMin)
        #expect(try Self.groups(short, projections, upTo: size, in: fixture.store).count == 1)
        let one = Self.builder(fixture, store: fixture.store, workers: 1)
        #expect(try Self.groups(one, projections, upTo: size, in: fixture.store).count == 1)
        let single = try Self.groups(
            Self.builder(fixture, store: fixture.store, workers: 2), [PlanStatusProjection()], upTo: size,
            in: fixture.store)
        #expect(single == [[0]])
        // Built up to the end, nothing is left to apply: one group.
        _ = try Self.builder(fixture, store: fixture.store, workers: 2).build(projections, slot: .live, upTo: size)
        let done = ProjectionBuilder(
            ledger: fixture.services.ledger, store: fixture.store, workers: 2, parallelEventsMin: 1)
        #expect(try Self.groups(done, projections, upTo: size, in: fixture.store).count == 1)
    }
}
