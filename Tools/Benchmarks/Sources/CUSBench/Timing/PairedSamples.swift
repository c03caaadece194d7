/// Measurements of a raw-LMDB baseline and of the ledger, taken alternately (baseline, ours, baseline, ours,
/// …) so that drift on a shared VM (page cache, a neighbour's I/O) hits both sides alike. Each pair gives one
/// ratio of rates.
struct PairedSamples: Sendable {
    private(set) var baseline: [Throughput] = []
    private(set) var ours: [Throughput] = []

    var ratios: [Double] { zip(ours, baseline).map { $0.eventsPerSecond / $1.eventsPerSecond } }

    mutating func add(baseline: Throughput, ours: Throughput) {
        self.baseline.append(baseline)
        self.ours.append(ours)
    }

    /// A ledger-side measurement taken after each baseline run, paired with it.
    struct Candidate {
        let label: String
        let measure: () async throws -> Throughput
    }

    /// Runs `runs` rounds of the baseline followed by each candidate; returns one sample set per candidate.
    static func interleaved(
        runs: Int, label: String, baselineLabel: String = "raw", baseline: () async throws -> Throughput,
        candidates: [Candidate]
    ) async throws -> [PairedSamples] {
        var samples = Array(repeating: PairedSamples(), count: candidates.count)
        for run in 1...runs {
            let baselineRun = try await baseline()
            var line = "\(label) run \(run)/\(runs): \(baselineLabel) \(Format.rate(baselineRun))"
            for (index, candidate) in candidates.enumerated() {
                let candidateRun = try await candidate.measure()
                samples[index].add(baseline: baselineRun, ours: candidateRun)
                line +=
                    ", \(candidate.label) \(Format.rate(candidateRun)) "
                    + "(\(Format.percent(candidateRun.eventsPerSecond / baselineRun.eventsPerSecond)))"
            }
            Progress.log(line)
        }
        return samples
    }

    static func interleaved(
        runs: Int, label: String, baseline: () async throws -> Throughput,
        ours: @escaping () async throws -> Throughput
    ) async throws -> PairedSamples {
        let samples = try await interleaved(
            runs: runs, label: label, baseline: baseline, candidates: [Candidate(label: "ours", measure: ours)])
        return samples[0]
    }
}
