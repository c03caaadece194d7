/// Order statistics of repeated samples. A noisy VM's outliers would drag a mean, so reports give the median
/// and the whole spread (ledger.md §5.2: "median and min–max of ≥ 3 interleaved runs").
struct Summary: Sendable {
    let median: Double
    let minimum: Double
    let maximum: Double
    let count: Int

    init(_ samples: [Double]) {
        precondition(!samples.isEmpty, "a summary needs at least one sample")
        let sorted = samples.sorted()
        let middle = sorted.count / 2
        median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        minimum = sorted[0]
        maximum = sorted[sorted.count - 1]
        count = sorted.count
    }

    /// The nearest-rank percentile (`fraction` 0…1) of `samples`.
    static func percentile(_ fraction: Double, of samples: [Double]) -> Double {
        precondition(!samples.isEmpty, "a percentile needs at least one sample")
        let sorted = samples.sorted()
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}
