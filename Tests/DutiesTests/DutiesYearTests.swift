import Commands
import Domain
@testable import Duties
import Foundation
import Ledger
import LedgerTesting
@testable import Projections
import Synchronization
import Testing

/// A fake clock moved through 2025, day by day, with the duties run every morning: exactly the expected events
/// appear, once, also across a crash between two duties and after a projection rebuild.
@Suite("Duties through a year", .serialized)
struct DutiesYearTests {
    @Test("A year: a charge per served month, none for the exempt month, promotion in order, one retention erasure")
    func year() async throws {
        let world = try DutiesWorld()
        try await world.setUp()
        let records = try await world.run()
        let events = try world.dutyEvents()
        #expect(events == DutiesWorld.expectedYear)
        #expect(!records.contains { $0.outcome == .failed })
        // Each business duty ran on its own schedule: promotion and retention daily, the charge monthly.
        let runs = Dictionary(grouping: records, by: \.duty).mapValues(\.count)
        #expect(runs[.waitlistPromotion] == 365)
        #expect(runs[.retentionErasure] == 365)
        #expect(runs[.monthlyCharge] == 12)
        let last = try world.scheduler().statuses()
        #expect(
            last.first { $0.duty == .monthlyCharge }?.nextRun
                == Instant(startOf: DutiesWorld.day("2026-01-02")).advanced(byHours: 6))
        #expect(try LedgerVerifier(ledger: world.services.ledger).verify().ok)
    }

    @Test("A crash after the first duty appended, before its run was recorded, duplicates nothing")
    func crashBetweenDuties() async throws {
        let world = try DutiesWorld()
        try await world.setUp()
        let crashDays: Set<LocalDate> = [DutiesWorld.day("2025-05-02"), DutiesWorld.day("2025-05-10")]
        var issuedBeforeCrash: [DutyCommand] = []
        _ = try await world.run { day in
            guard crashDays.contains(day) else { return }
            // The process that crashed: it decided and issued the day's first due duty, then died before the run
            // record and before the next duty. The next process (the loop's scheduler) runs both again.
            world.clock.set(DutiesWorld.morning(day))
            let scheduler = world.scheduler(runs: DutyRunStore(path: world.directory.path + "/crashed-runs.json"))
            let business = try #require(scheduler.business)
            let duty: DutyKind = day.components.day == 2 ? .monthlyCharge : .waitlistPromotion
            let (commands, _) = try scheduler.decide(duty, business: business, today: day)
            #expect(!commands.isEmpty)
            for command in commands {
                #expect(try await business.issuer.issue(command, at: DutiesWorld.morning(day)) == .appended)
            }
            issuedBeforeCrash += commands
        }
        let events = try world.dutyEvents()
        #expect(events == DutiesWorld.expectedYear)
        // Sending the crashed process's commands once more (a second process, a retry) appends nothing either.
        let size = try world.services.ledger.treeSize()
        let issuer = DutyCommandIssuer(services: world.services)
        for command in issuedBeforeCrash {
            #expect(try await issuer.issue(command, at: world.clock.now()) == .alreadyRecorded)
        }
        #expect(try world.services.ledger.treeSize() == size)
    }

    @Test("Rebuilding the projections triggers no policy, and duties run over the rebuilt ones append nothing")
    func rebuildTriggersNothing() async throws {
        let world = try DutiesWorld()
        try await world.setUp()
        _ = try await world.run()
        let size = try world.services.ledger.treeSize()
        let rebuilt = try ProjectionsStore(directory: world.directory.path + "/rebuilt")
        defer { rebuilt.close() }
        let records = try ProjectionBuilder(ledger: world.services.ledger, store: rebuilt)
            .build(ProjectionCatalogue.projections, slot: .live, upTo: size)
        #expect(records.allSatisfy { $0.failure == nil && $0.checkpoint == size })
        #expect(try world.services.ledger.treeSize() == size)
        // A scheduler that never ran (a new process with no run record) over the rebuilt projections: every duty is
        // due, and every command it would issue is already in the ledger or no longer needed.
        let fresh = world.scheduler(
            runs: DutyRunStore(path: world.directory.path + "/fresh-runs.json"), projections: rebuilt)
        let again = try await fresh.runDue()
        #expect(Set(again.map(\.duty)).isSuperset(of: [.waitlistPromotion, .monthlyCharge, .retentionErasure]))
        #expect(again.allSatisfy { $0.commandsAppended == 0 && $0.outcome != .failed })
        #expect(try world.services.ledger.treeSize() == size)
        let events = try world.dutyEvents()
        #expect(events == DutiesWorld.expectedYear)
    }

    @Test("A rejected promotion is left for the next run, not a failure")
    func rejectionIsLeftOver() async throws {
        let world = try DutiesWorld()
        try await world.setUp()
        _ = try await world.run(through: DutiesWorld.day("2025-01-13"))
        // A promotion of Bogdan while Anna holds the only place: the decider refuses it (L10).
        let command = DutyCommand(
            policy: .waitlistPromotion, subject: "\(world.bogdanApplication)/\(world.programme)",
            period: DutiesWorld.day("2025-01-14")...DutiesWorld.day("2025-01-14"),
            action: .promote(
                world.bogdanApplication, programme: world.programme, validFrom: DutiesWorld.day("2025-01-14")))
        let result = try await DutyCommandIssuer(services: world.services).issue(command, at: world.clock.now())
        guard case .rejected = result else {
            Issue.record("expected a rejection, got \(result)")
            return
        }
    }

    @Test("A month whose charge was cancelled in full is charged again by the next monthly run, once")
    func cancelledChargeAssessedAgain() async throws {
        let world = try DutiesWorld()
        try await world.setUp()
        _ = try await world.run(through: DutiesWorld.day("2025-03-02"))
        var february: FeeAssessed?
        for record in try world.services.ledger.readAll(from: .zero, limit: 100_000) {
            if case .feeAssessed(let assessed) = try StreamLoader.decode(record).event { february = assessed }
        }
        let charge = try #require(february)
        #expect(charge.chargePeriod == "2025-02")
        _ = try await world.fees.account(
            world.anna, programme: world.programme,
            envelope: world.envelope(world.finance, on: DutiesWorld.day("2025-03-10"))
        ) { _ in
            .cancelCharge(CancelCharge(chargeId: charge.chargeId, amount: charge.net, reason: "units reported wrong"))
        }
        _ = try await world.run(from: DutiesWorld.day("2025-03-03"), through: DutiesWorld.day("2025-05-02"))
        #expect(
            try world.dutyEvents() == [
                "2025-01-11 PersonalDataErased Celina retentionExpired",
                "2025-03-02 FeeAssessed Anna 2025-02 net 8000",
                "2025-04-02 FeeAssessed Anna 2025-02 net 8000",
                "2025-05-02 FeeAssessed Anna 2025-04 net 8000",
            ])
    }

    @Test("A run record that cannot be read stops no duty: each runs as if it never ran, and the record is rewritten")
    func unreadableRunRecord() async throws {
        let world = try DutiesWorld()
        try await world.setUp()
        let store = DutyRunStore(dataDirectory: world.directory.path + "/data")
        try FileManager.default.createDirectory(
            atPath: (store.path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data("[{\"duty\": \"aDutyOfALaterRelease\"}]".utf8).write(to: URL(fileURLWithPath: store.path))
        #expect(throws: DutyError.self) { try store.load() }
        let records = try await world.scheduler().runDue(now: DutiesWorld.morning(DutiesWorld.day("2025-01-02")))
        #expect(records.map(\.duty) == DutyKind.allCases)
        #expect(try store.load().count == DutyKind.allCases.count)
        // Hundreds of subjects left for a person keep the record small: the first ones, then a count.
        let many = DutyRunRecord(
            duty: .monthlyCharge, startedAt: records[0].startedAt, finishedAt: records[0].finishedAt,
            outcome: .partial, leftOver: (1...250).map { "account \($0): income tier unknown" }, summary: "")
        #expect(many.leftOver.count == DutyRunRecord.leftOverKeptMax + 1)
        #expect(many.leftOver.last == "… and 50 more")

        // A failed run is tried again after an hour, not at its next slot a month later.
        let failedAt = DutiesWorld.morning(DutiesWorld.day("2025-01-02"))
        try store.save(
            DutyRunRecord(
                duty: .monthlyCharge, startedAt: failedAt, finishedAt: failedAt, outcome: .failed, summary: "disk full")
        )
        let due = { (hours: Int64) in
            try world.scheduler().statuses(now: failedAt.advanced(byHours: hours)).first { $0.duty == .monthlyCharge }
        }
        #expect(try due(0)?.isDue == false && due(1)?.isDue == true)
        #expect(try due(0)?.nextRun == failedAt.advanced(byHours: 1))
    }

    @Test("A month an exemption covers in part is left for the finance officer, neither charged in full nor free")
    func partMonthExemptionLeftOver() async throws {
        let world = try DutiesWorld()
        try await world.setUp()
        _ = try await world.run(through: DutiesWorld.day("2025-04-01"))
        let (clerk, director) = (world.clerk, world.director)
        _ = try await world.fees.account(
            world.anna, programme: world.programme, envelope: world.envelope(clerk, on: DutiesWorld.day("2025-04-05"))
        ) { _ in .requestExemption(RequestFeeExemption(requestedKind: .total)) }
        _ = try await world.fees.account(
            world.anna, programme: world.programme,
            envelope: world.envelope(director, on: DutiesWorld.day("2025-04-08"))
        ) { [programme = world.programme] facts throws(CommandError) in
            .grantExemption(
                GrantFeeExemption(
                    exemptionId: ExemptionID(uuid: UUID()), kind: .total, percent: 100,
                    validFrom: DutiesWorld.day("2025-04-10"), validTo: DutiesWorld.day("2025-04-30"),
                    serviceIds: ["care"], exemptionRuleId: "EX-TOTAL", decisionRef: "CUS.3120.2.2025",
                    programme: try facts.programme(programme)))
        }
        let records = try await world.run(from: DutiesWorld.day("2025-04-02"), through: DutiesWorld.day("2025-05-02"))
        #expect(!(try world.dutyEvents()).contains { $0.contains("FeeAssessed Anna 2025-04") })
        let charge = try #require(records.last { $0.duty == .monthlyCharge })
        #expect(charge.outcome == .partial)
        #expect(charge.leftOver.contains { $0.contains("2025-04: an exemption holds on part of the month only") })
    }

    @Test("Under cus serve, a view stopped at an event is refused: no erasure or promotion decided on its old rows")
    func stoppedViewRefused() async throws {
        let world = try DutiesWorld()
        try await world.setUp()
        _ = try await world.run(through: DutiesWorld.day("2025-01-13"))
        for name in [ResidentTimelineProjection.name, ApplicationQueueProjection.name] {
            try world.projections.write { txn in
                guard var record = try world.projections.record(.live, name, in: txn) else {
                    throw ProjectionError.storage("\(name) was not built by the duties' runs")
                }
                record.failure = .init(position: 3, message: "refused in a test")
                try world.projections.save(record, .live, name, in: txn)
            }
        }
        // The engine of `cus serve` keeps the views live and publishes a stopped one as done, so nothing catches up.
        let serving = DutyStateReader(
            services: world.services, projections: world.projections, freshness: .keptLiveElsewhere)
        let persons = #expect(throws: DutyError.self) { try serving.persons() }
        #expect("\(persons.map { "\($0)" } ?? "")".contains("stopped at 3: refused in a test"))
        #expect(throws: DutyError.self) { try serving.erasedPersons() }
        #expect(throws: DutyError.self) { try serving.queues() }
    }
}

extension DutiesYearTests {
    @Test("The server's loop runs the due duties, after waiting for its projections, until cancelled")
    func loop() async throws {
        let world = try DutiesWorld()
        try await world.setUp()
        world.clock.set(DutiesWorld.morning(DutiesWorld.day("2025-01-11")))
        let scheduler = world.scheduler()
        let passes = Passes()
        let task = Task { await scheduler.run(pollSeconds: 1) { passes.add() } }
        for _ in 0..<300 where try scheduler.statuses().contains(where: { $0.lastRun == nil }) {
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        task.cancel()
        await task.value
        #expect(passes.count >= 1)
        #expect(try scheduler.statuses().allSatisfy { $0.lastRun != nil && !$0.isDue })
        let events = try world.dutyEvents()
        #expect(events == ["2025-01-11 PersonalDataErased Celina retentionExpired"])
    }
}

/// Counts the loop's passes.
final class Passes: Sendable {
    private let counter = Mutex(0)
    func add() { counter.withLock { $0 += 1 } }
    var count: Int { counter.withLock { $0 } }
}
