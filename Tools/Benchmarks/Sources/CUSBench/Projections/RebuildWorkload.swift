import Ledger
import Projections

/// P3 (ledger.md §5.2): full rebuilds of each view, and of all views in one pass, from a generated ledger
/// into a fresh projections environment (`ProjectionBuilder`'s batches, checkpoint in the same transaction,
/// LMDB's default sync with `NOMETASYNC` as the projections env opens), against a raw cursor scan of the same
/// ledger that reads every 64-byte line of each record, interleaved in one process. Each view alone and the
/// one-pass build run with one worker (one core); all views run again with one worker per core, as `cus`
/// builds them, and so do the seven views of issue #7 alone (its target's scope: all but MetricsFacts). Three more
/// sides split the time: `scanRecordViews` alone (walk + checks), `scanEvents` (decoding every envelope) and a build
/// that decodes PlanStatusView's events and applies nothing (`DecodeOnlyProjection`, P3's floor in this engine).
/// Warm page cache: the raw scan reads the ledger once before timing.
struct RebuildWorkload {
    let settings: ProjectionBenchSettings

    func run() async throws -> [BenchmarkResult] {
        let environment = settings.data + "/ledger"
        let mapSize = settings.mapSizeBytes
        _ = try RawScan.run(ledgerEnvironment: environment, mapSizeBytes: mapSize)
        let projections = ProjectionBenchSettings.projections
        var candidates: [PairedSamples.Candidate] = [
            .init(label: "record views") { try scan(views: true) },
            .init(label: "scanEvents") { try scan(views: false) },
            .init(label: "PlanStatusView's events decoded") { try await rebuild([DecodeOnlyProjection()]) },
        ]
        let alone = projections.filter {
            settings.views.isEmpty || settings.views.contains(ProjectionBenchSettings.name($0))
        }
        for projection in alone {
            candidates.append(
                .init(label: ProjectionBenchSettings.name(projection)) { try await rebuild([projection]) })
        }
        // `--views` without `all` leaves the one-pass build out (e.g. to profile one view).
        let together = settings.views.isEmpty || settings.views.contains("all")
        let cores = ProjectionBuilder.coresAvailable
        if together {
            candidates.append(.init(label: "all views, one worker") { try await rebuild(projections, workers: 1) })
            if cores > 1 {
                candidates.append(
                    .init(label: "all views, \(cores) workers") { try await rebuild(projections, workers: cores) })
                candidates.append(
                    .init(label: "issue #7's views, \(cores) workers") {
                        try await rebuild(Self.issueSevenViews(projections), workers: cores)
                    })
            }
        }
        let samples = try await PairedSamples.interleaved(
            runs: settings.runs, label: "rebuild",
            baseline: { try RawScan.run(ledgerEnvironment: environment, mapSizeBytes: mapSize) },
            candidates: candidates)
        let events = Format.grouped(samples[0].ours[0].events)
        var results: [BenchmarkResult] = [
            .comparison(
                "Ledger.scanRecordViews (walk + record checks)", samples[0], target: nil, targetOn: nil,
                note: "\(events) events of \(settings.data), warm cache; baseline: raw cursor scan touching every "
                    + "64 B line of each record, same run"),
            .comparison(
                "Ledger.scanEvents (decode every envelope)", samples[1], target: nil, targetOn: nil,
                note: "the owned RecordedEvent path other readers use"),
            .comparison(
                "P3 floor: PlanStatusView's events decoded, nothing applied", samples[2], target: nil, targetOn: nil,
                note: "ProjectionBuilder with a projection that reads PlanStatusView's event types and applies "
                    + "nothing: walk, record checks, decoding and checkpoint, the part of P3 no view's code changes"),
        ]
        let viewsStart = 3
        for (index, projection) in alone.enumerated() {
            let name = ProjectionBenchSettings.name(projection)
            let isReference = name == PlanStatusProjection.name
            results.append(
                .comparison(
                    "P3 rebuild \(name)", samples[viewsStart + index], target: isReference ? 1_000_000 : nil,
                    targetOn: isReference ? .value : nil,
                    note: isReference
                        ? "P3's reference projection: ≥ 1,000,000 events/s and ≥ 25 % of the raw scan"
                        : "alone, from position 0"))
        }
        if together {
            results.append(
                .comparison(
                    "P3 rebuild, all \(projections.count) views in one pass", samples[viewsStart + alone.count],
                    target: cores > 1 ? nil : 500_000, targetOn: cores > 1 ? nil : .value,
                    note: "one worker: one scan feeds every view; each record decoded once"))
            if cores > 1 {
                results.append(
                    .comparison(
                        "P3 rebuild, all \(projections.count) views, \(cores) workers",
                        samples[viewsStart + 1 + alone.count],
                        target: nil, targetOn: nil,
                        note: "the views split into \(cores) groups of about equal cost, one scan and one thread each, "
                            + "taking turns at the write transaction (what `cus` does)"))
                let issueSeven = Self.issueSevenViews(projections)
                results.append(
                    .comparison(
                        "P3 rebuild, issue #7's \(issueSeven.count) views, \(cores) workers",
                        samples[viewsStart + 2 + alone.count],
                        target: 500_000, targetOn: .value,
                        note: "the target's scope, \"all views of this issue\": the same build without MetricsFacts, "
                            + "the M&E facts of issue #8"))
            }
        }
        return results
    }

    /// The views issue #7 asks for (domain.md §5): every benchmarked projection but MetricsFacts, which issue #8
    /// added for the M&E indicators.
    private static func issueSevenViews(_ projections: [any Projection]) -> [any Projection] {
        projections.filter { ProjectionBenchSettings.name($0) != MetricsFactsProjection.name }
    }

    /// Every record of the ledger through `scanRecordViews` (touching the type bytes) or `scanEvents`.
    private func scan(views: Bool) throws -> Throughput {
        let ledger = try settings.openSource(settings.data)
        defer { ledger.close() }
        var checksum = 0
        let throughput = try Stopwatch.measure {
            var count = 0
            if views {
                try ledger.scanRecordViews(from: .zero) { record in
                    checksum &+= record.eventTypeBytes.count
                    count += 1
                }
            } else {
                try ledger.scanEvents(from: .zero) { record in
                    checksum &+= record.payload.count
                    count += 1
                }
            }
            return count
        }
        blackHole(checksum)
        return throughput
    }

    /// Builds `projections` from position 0 into a fresh projections environment with `workers` builders;
    /// times the build only.
    private func rebuild(_ projections: [any Projection], workers: Int = 1) async throws -> Throughput {
        try await ScratchDirectory.with(base: settings.directory) { directory in
            try settings.rebuild(projections, from: settings.data, in: directory, workers: workers)
        }
    }
}
