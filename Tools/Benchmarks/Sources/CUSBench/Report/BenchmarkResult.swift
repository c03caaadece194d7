/// One row of the report. `targetOn` says whether `target` bounds the ratio to the raw baseline (P1, scan),
/// the value itself from below (P2's events/s) or from above (P5's memory, live lag); rows without a target
/// are context for the others.
struct BenchmarkResult: Encodable, Sendable {
    enum TargetKind: String, Encodable, Sendable {
        case ratio
        case value
        case valueBelow
    }

    let name: String
    let value: Summary
    let unit: String
    let baseline: Summary?
    let ratio: Summary?
    let target: Double?
    let targetOn: TargetKind?
    /// Process CPU (user + system) per event in µs, ours and the baseline's: steadier than rates on a VM.
    let cpu: Summary?
    let baselineCPU: Summary?
    let note: String?

    init(
        name: String, value: Summary, unit: String, baseline: Summary? = nil, ratio: Summary? = nil,
        target: Double? = nil, targetOn: TargetKind? = nil, cpu: Summary? = nil, baselineCPU: Summary? = nil,
        note: String? = nil
    ) {
        self.name = name
        self.value = value
        self.unit = unit
        self.baseline = baseline
        self.ratio = ratio
        self.target = target
        self.targetOn = targetOn
        self.cpu = cpu
        self.baselineCPU = baselineCPU
        self.note = note
    }

    /// A ledger rate against its raw baseline; the ratio is the median of the per-pair ratios.
    static func comparison(
        _ name: String, _ samples: PairedSamples, target: Double? = 0.5, targetOn: TargetKind? = .ratio,
        note: String? = nil
    ) -> BenchmarkResult {
        BenchmarkResult(
            name: name, value: Summary(samples.ours.map(\.eventsPerSecond)), unit: "events/s",
            baseline: Summary(samples.baseline.map(\.eventsPerSecond)), ratio: Summary(samples.ratios),
            target: target, targetOn: targetOn, cpu: Summary(samples.ours.map(\.cpuMicrosecondsPerEvent)),
            baselineCPU: Summary(samples.baseline.map(\.cpuMicrosecondsPerEvent)), note: note)
    }

    /// Whether the median meets the target; `nil` without one.
    var isMet: Bool? {
        guard let target, let targetOn else { return nil }
        switch targetOn {
        case .ratio: return ratio.map { $0.median >= target }
        case .value: return value.median >= target
        case .valueBelow: return value.median < target
        }
    }

    private enum CodingKeys: String, CodingKey {
        case name, value, unit, baseline, ratio, target, targetOn, met
        case valueMin, valueMax, baselineMin, baselineMax, ratioMin, ratioMax, runs
        case cpuMicrosecondsPerEvent, baselineCpuMicrosecondsPerEvent, note
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(value.median, forKey: .value)
        try container.encode(unit, forKey: .unit)
        try container.encode(baseline?.median, forKey: .baseline)
        try container.encode(ratio?.median, forKey: .ratio)
        try container.encode(target, forKey: .target)
        try container.encode(targetOn, forKey: .targetOn)
        try container.encode(isMet, forKey: .met)
        try container.encode(value.minimum, forKey: .valueMin)
        try container.encode(value.maximum, forKey: .valueMax)
        try container.encodeIfPresent(baseline?.minimum, forKey: .baselineMin)
        try container.encodeIfPresent(baseline?.maximum, forKey: .baselineMax)
        try container.encodeIfPresent(ratio?.minimum, forKey: .ratioMin)
        try container.encodeIfPresent(ratio?.maximum, forKey: .ratioMax)
        try container.encode(value.count, forKey: .runs)
        try container.encodeIfPresent(cpu?.median, forKey: .cpuMicrosecondsPerEvent)
        try container.encodeIfPresent(baselineCPU?.median, forKey: .baselineCpuMicrosecondsPerEvent)
        try container.encodeIfPresent(note, forKey: .note)
    }
}
