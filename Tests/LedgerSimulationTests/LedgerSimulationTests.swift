import Foundation
@_spi(Testing) import Ledger
import LedgerTesting
import Testing

/// Seeds and steps of a run: a short one by default, a long one from `SIM_SEEDS` (comma-separated) and
/// `SIM_STEPS` (`Tools/simulate` sets both).
struct SimulationPlan {
    var seeds: [UInt64]
    var steps: Int

    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Self {
        let seeds = environment["SIM_SEEDS"]?.split(separator: ",").compactMap {
            UInt64($0.trimmingCharacters(in: .whitespaces))
        }
        let steps = environment["SIM_STEPS"].flatMap { Int($0) }
        return SimulationPlan(seeds: seeds ?? [1, 2, 3], steps: steps ?? 100)
    }
}

@Suite("Seeded simulation: the LMDB ledger against the in-memory model, with crashes at every commit step")
struct LedgerSimulationTests {
    @Test("Appends, retries, conflicts, bursts, reads, checkpoints, exports, reopens and crashes never diverge")
    func seededRuns() async throws {
        let plan = SimulationPlan.fromEnvironment()
        var crashes: [String: Int] = [:]
        for seed in plan.seeds {
            let statistics = try await TemporaryDirectory.with(prefix: "cusledger-sim") { directory in
                let simulation = try LedgerSimulation(seed: seed, directory: directory.path)
                defer { simulation.close() }
                do {
                    try await simulation.run(steps: plan.steps)
                } catch {
                    Issue.record(
                        "\(error). Reproduce: SIM_SEEDS=\(seed) SIM_STEPS=\(plan.steps) swift test --filter LedgerSimulationTests"
                    )
                }
                return simulation.statistics
            }
            print("simulation seed \(seed): \(statistics)")
            crashes.merge(statistics.crashes, uniquingKeysWith: +)
        }
        print(
            "simulation: \(plan.seeds.count) seeds × \(plan.steps) steps, crashes \(crashes.sorted { $0.key < $1.key })"
        )
        guard plan.seeds.count * plan.steps >= 300 else { return }
        for kind in CommitStep.kinds {
            #expect(crashes[kind, default: 0] > 0, "no crash was injected at \(kind)")
        }
    }
}
