import Foundation
@_spi(Testing) import Ledger
@_spi(Testing) import LedgerTesting

/// The first disagreement between the ledger and the model, with the seed and step that reproduce it.
struct SimulationDivergence: Error, CustomStringConvertible {
    let seed: UInt64
    let step: Int
    let what: String
    var description: String { "seed \(seed), step \(step): \(what)" }
}

/// What a run did, printed after it (the figures of docs/reliability.md).
struct SimulationStatistics: CustomStringConvertible {
    var steps = 0
    var appends = 0
    var replays = 0
    var refusals = 0
    var bursts = 0
    var reads = 0
    var checkpoints = 0
    var exports = 0
    var reopens = 0
    var verifications = 0
    var clockJumps = 0
    var crashes: [String: Int] = [:]

    var description: String {
        let crashText = crashes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return "\(steps) steps, \(appends) appends, \(replays) replays, \(refusals) refusals, \(bursts) bursts, "
            + "\(reads) reads, \(checkpoints) checkpoints, \(exports) exports, \(reopens) reopens, "
            + "\(verifications) verifications, \(clockJumps) clock jumps back; crashes: \(crashText)"
    }
}

/// Drives the real LMDB `Ledger` with seeded random operations and checks after every step that it agrees with
/// `InMemoryLedger` (ledger.md §6 "Logic errors"): sizes, record bytes, roots from the model's records, the
/// frontier and the tiles, stream versions, index reads, retries and checkpoints. Crash steps fail one commit at a
/// chosen `CommitStep`, reopen, and require the state before or after that batch, never one in between.
final class LedgerSimulation {
    let seed: UInt64
    private let directory: String
    private let clock = SimulationClock()
    let crasher = CommitCrasher()
    let model: InMemoryLedger
    var planner: RequestPlanner
    var ledger: Ledger
    /// `roots[n]`: the root of the model's first n records, computed here from their bytes.
    var roots: [MerkleHash] = [RFC6962.emptyRoot]
    var frontier = MerkleFrontier()
    private var step = 0
    var statistics = SimulationStatistics()

    init(seed: UInt64, directory: String) throws {
        self.seed = seed
        self.directory = directory
        planner = RequestPlanner(seed: seed)
        model = InMemoryLedger(clock: clock.ledgerClock)
        var options = Ledger.Options(
            dataDirectory: directory + "/data", initialMapSizeBytes: 1 << 20, clock: clock.ledgerClock,
            checkpointEveryEvents: 97, checkpointIntervalSeconds: 86_400)
        options.commitFaults = crasher
        ledger = try Ledger(options)
    }

    func close() {
        ledger.close()
        model.close()
    }

    /// Runs `steps` random steps, then reopens and checks everything once more.
    func run(steps: Int) async throws {
        for index in 0..<steps {
            step = index
            try await runStep()
            try checkGrowth()
            statistics.steps += 1
        }
        try await reopen()
    }

    private func runStep() async throws {
        clock.move(byMicroseconds: Int64.random(in: 1...2_000_000, using: &planner.generator))
        switch Int.random(in: 0..<100, using: &planner.generator) {
        case 0..<30: try await append(planner.fresh(versions: modelVersion))
        case 30..<36: try await append(planner.wrongVersion(versions: modelVersion))
        case 36..<43: if let planned = planner.retry() { try await append(planned) }
        case 43..<46: if let planned = planner.partialDuplicate() { try await append(planned) }
        case 46..<49: if let planned = planner.idempotencyConflict() { try await append(planned) }
        case 49..<56: try await burst()
        case 56..<72: try read()
        case 72..<76: try scan()
        case 76..<79: try await signCheckpoint()
        case 79: try export()
        case 80: try await reopen()
        case 81..<83:
            clock.move(byMicroseconds: -3_600_000_000)
            statistics.clockJumps += 1
        case 83..<90: try await crashCheckpoint()
        default: try await crashAppend()
        }
    }

    func modelVersion(_ stream: StreamID) -> StreamVersion? { (try? model.currentVersion(of: stream)) ?? nil }

    func expect(_ condition: Bool, _ what: @autoclosure () -> String) throws(SimulationDivergence) {
        guard condition else { throw SimulationDivergence(seed: seed, step: step, what: what()) }
    }

    // MARK: appends

    /// Sends `planned` to the ledger, then to the model; both must answer alike and as intended.
    func append(_ planned: PlannedAppend) async throws {
        let sizeBefore = try model.treeSize()
        let versionsBefore = planned.request.map { modelVersion($0.stream) }
        let outcome = await AppendOutcome.of(ledger, planned.request)
        let modelOutcome = await AppendOutcome.of(model, planned.request)
        try expect(outcome == modelOutcome, "ledger \(outcome); model \(modelOutcome)")
        try checkIntent(planned, outcome, sizeBefore: sizeBefore, versionsBefore: versionsBefore)
        record(planned.request, outcome)
        try checkStreams(of: planned.request)
    }

    func checkIntent(
        _ planned: PlannedAppend, _ outcome: AppendOutcome, sizeBefore: UInt64, versionsBefore: [StreamVersion?]
    ) throws {
        let intended: AppendOutcome
        switch planned.intent {
        case .appends:
            var position = sizeBefore
            var results: [AppendResult] = []
            for (part, before) in zip(planned.request, versionsBefore) {
                let count = UInt64(part.events.count)
                let firstVersion = before.map { $0.rawValue + 1 } ?? 0
                results.append(
                    AppendResult(
                        stream: part.stream, firstPosition: Position(position),
                        lastPosition: Position(position + count - 1),
                        streamVersion: StreamVersion(firstVersion + count - 1),
                        wasAlreadyRecorded: false))
                position += count
            }
            intended = .appended(results)
        case .replays(let results): intended = .appended(results)
        case .refused(let code): intended = .refused(code)
        }
        try expect(outcome == intended, "ledger \(outcome); intended \(intended)")
    }

    func record(_ request: [StreamAppend], _ outcome: AppendOutcome) {
        guard let results = outcome.results else {
            statistics.refusals += 1
            return
        }
        if results.allSatisfy(\.wasAlreadyRecorded) {
            statistics.replays += 1
        } else {
            statistics.appends += 1
            planner.remember(request, appended: results)
        }
    }

    /// Several fresh requests on disjoint streams at once, so the writer groups them; the model applies them in
    /// the order of the positions the ledger gave.
    private func burst() async throws {
        var used = Set<StreamID>()
        var plans: [PlannedAppend] = []
        for _ in 0..<Int.random(in: 2...8, using: &planner.generator) {
            let planned = planner.fresh(versions: modelVersion, avoiding: used)
            used.formUnion(planned.request.map(\.stream))
            plans.append(planned)
        }
        let ledger = ledger
        let outcomes = await withTaskGroup(of: (Int, AppendOutcome).self) { group in
            for (index, planned) in plans.enumerated() {
                let request = planned.request
                group.addTask { (index, await AppendOutcome.of(ledger, request)) }
            }
            var outcomes = [AppendOutcome](repeating: .refused(.storage), count: plans.count)
            for await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes
        }
        let order = outcomes.indices.sorted {
            (outcomes[$0].results?.first?.firstPosition.rawValue ?? .max)
                < (outcomes[$1].results?.first?.firstPosition.rawValue ?? .max)
        }
        for index in order {
            let planned = plans[index]
            let sizeBefore = try model.treeSize()
            let versionsBefore = planned.request.map { modelVersion($0.stream) }
            let modelOutcome = await AppendOutcome.of(model, planned.request)
            try expect(outcomes[index] == modelOutcome, "burst: ledger \(outcomes[index]); model \(modelOutcome)")
            try checkIntent(planned, outcomes[index], sizeBefore: sizeBefore, versionsBefore: versionsBefore)
            record(planned.request, outcomes[index])
            try checkStreams(of: planned.request)
        }
        statistics.bursts += 1
    }

    // MARK: checkpoints, exports, reopening

    private func signCheckpoint() async throws {
        try await ledger.signCheckpoint()
        let size = try ledger.treeSize()
        let newest = try ledger.newestCheckpoint()
        try expect(
            size == 0 || newest?.checkpoint.size == size,
            "signing left the newest checkpoint at \(newest?.checkpoint.size ?? 0) of \(size)")
        statistics.checkpoints += 1
    }

    private func export() throws {
        let size = try model.treeSize()
        let path = directory + "/export-\(step).jsonl"
        defer {
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: path + ".checkpoint")
        }
        let summary = try LedgerExporter(ledger: ledger).export(to: path)
        try expect(summary.size == size && summary.root == roots[Int(size)], "the export's root or size differs")
        let checkpoints = try ledger.checkpoints().map(\.checkpoint)
        let verified = try ExportVerifier(path: path).verify(against: checkpoints)
        try expect(verified.size == size && verified.root == roots[Int(size)], "the export file's root differs")
        try expect(verified.matchedSizes == checkpoints.map(\.size), "the export matched only \(verified.matchedSizes)")
        statistics.exports += 1
    }

    /// Closes the ledger cleanly (the writer signs what grew), opens it again and checks everything.
    func reopen() async throws {
        ledger.close()
        ledger = try Ledger(ledger.options)
        try checkEverything()
        statistics.reopens += 1
    }
}
