@_spi(Testing) import Ledger
@_spi(Testing) import LedgerTesting

extension CommitStep {
    /// The step without its record count, for tallies.
    var kind: String {
        if case .recordsPut = self { "recordsPut" } else { description }
    }

    static let kinds = ["transactionOpened", "recordsPut", "beforeCommit", "afterCommit"]
}

extension LedgerSimulation {
    /// Fails a fresh append at a random step of its commit, reopens, and requires the ledger to hold exactly the
    /// model before the batch (crash before the commit) or after it (crash after the commit, before the answer);
    /// then resends the request, as a client told `outcomeUnknown` does, and requires the original positions
    /// back when the batch was durable.
    func crashAppend() async throws {
        let planned = planner.fresh(versions: modelVersion)
        let crashAt = [
            CommitStep.transactionOpened,
            .recordsPut(count: Int.random(in: 1...planned.eventCount, using: &planner.generator)),
            .beforeCommit, .afterCommit,
        ][Int.random(in: 0..<4, using: &planner.generator)]
        let sizeBefore = try model.treeSize()
        let versionsBefore = planned.request.map { modelVersion($0.stream) }
        crasher.arm(at: crashAt)
        let outcome = await AppendOutcome.of(ledger, planned.request)
        let fired = crasher.disarm()
        try expect(fired == crashAt, "the crash point \(crashAt) was never reached")
        try expect(outcome == .refused(.outcomeUnknown), "a crash at \(crashAt) answered \(outcome)")
        try await expectWriterStopped()
        try await restartAfterCrash()
        let durable = crashAt == .afterCommit
        let size = try ledger.treeSize()
        let sizeAfter = sizeBefore + UInt64(planned.eventCount)
        try expect(
            size == (durable ? sizeAfter : sizeBefore),
            "after a crash at \(crashAt) the ledger holds \(size) events; the model \(sizeBefore) before, \(sizeAfter) after"
        )
        var retryIntent = AppendIntent.appends
        if durable {
            let modelOutcome = await AppendOutcome.of(model, planned.request)
            try checkIntent(planned, modelOutcome, sizeBefore: sizeBefore, versionsBefore: versionsBefore)
            record(planned.request, modelOutcome)
            retryIntent = .replays(modelOutcome.results?.map(\.asRetry) ?? [])
        }
        try checkEverything()
        try await append(PlannedAppend(request: planned.request, intent: retryIntent))
        statistics.crashes[crashAt.kind, default: 0] += 1
    }

    /// Fails the signing of a checkpoint at a random step; after reopening, the newest checkpoint is the one
    /// before (crash before the commit) or the new one (after).
    func crashCheckpoint() async throws {
        let size = try ledger.treeSize()
        let previous = try ledger.newestCheckpoint()?.checkpoint.size
        guard size > 0, previous != size else { return try await crashAppend() }
        let crashAt = [CommitStep.transactionOpened, .beforeCommit, .afterCommit][
            Int.random(in: 0..<3, using: &planner.generator)]
        crasher.arm(at: crashAt)
        var answer: LedgerError.Code?
        do throws(LedgerError) {
            try await ledger.signCheckpoint()
        } catch {
            answer = error.code
        }
        let fired = crasher.disarm()
        try expect(fired == crashAt, "the crash point \(crashAt) of a checkpoint was never reached")
        try expect(
            answer == .outcomeUnknown, "a checkpoint crashed at \(crashAt) answered \(answer?.rawValue ?? "success")")
        try await expectWriterStopped()
        try await restartAfterCrash()
        let newest = try ledger.newestCheckpoint()?.checkpoint.size
        try expect(
            newest == (crashAt == .afterCommit ? size : previous),
            "after a checkpoint crash at \(crashAt) the newest checkpoint has size \(newest ?? 0)")
        try checkEverything()
        statistics.crashes["checkpoint." + crashAt.kind, default: 0] += 1
    }

    /// After a failed commit the writer refuses everything (ledger.md §2.5 item 4).
    private func expectWriterStopped() async throws {
        let stream = planner.pickStream(avoiding: [])
        let probe = [StreamAppend(stream: stream, expectedVersion: .any, events: [planner.newEvent()])]
        let outcome = await AppendOutcome.of(ledger, probe)
        try expect(outcome == .refused(.writerStopped), "a stopped writer answered \(outcome)")
    }

    /// The process "dies": the stopped writer is closed without signing, and the ledger opened again.
    private func restartAfterCrash() async throws {
        ledger.close()
        ledger = try Ledger(ledger.options)
        statistics.reopens += 1
    }
}

extension AppendResult {
    /// The same result as a retry reports it.
    var asRetry: AppendResult {
        var retry = self
        retry.wasAlreadyRecorded = true
        return retry
    }
}
