public import Domain
import Foundation
import Ledger

/// `cus generate`: a realistic synthetic CUS written through the real command handlers (never raw appends):
/// staff with qualifications and delegations, programmes with service catalogues and fee rules, providers,
/// residents with sealed Polish identities, need signals and applications through the period, assessments,
/// qualification in filing order with refusals and a waiting list, withdrawals and some erasures. The same
/// seed gives the same residents, decisions and event counts (ledger positions may interleave differently,
/// since independent residents are written concurrently to use group commit).
public final class CUSDataGenerator: Sendable {
    public struct Options: Sendable {
        public var residents: Int
        public var months: Int
        public var seed: UInt64
        public var firstDay: LocalDate
        /// How many residents are written concurrently (group commit batches their appends).
        public var lanes: Int

        public init(residents: Int, months: Int, seed: UInt64, firstDay: LocalDate, lanes: Int = 48) {
            self.residents = residents
            self.months = months
            self.seed = seed
            self.firstDay = firstDay
            self.lanes = lanes
        }
    }

    public struct Summary: Sendable {
        public var commands: Int
        public var rejectedAsExpected: Int
        public var eventsWritten: UInt64
    }

    let services: CommandServices
    let intake: IntakeCommands
    let options: Options
    let world: GeneratedWorld

    public init(services: CommandServices, options: Options) {
        self.services = services
        self.options = options
        intake = IntakeCommands(services: services)
        world = GeneratedWorld(options: options)
    }

    /// Who works in the generated centre, for demo tokens (`cus serve --demo`): each staff member's id and role,
    /// then the providers and programmes.
    public var principals: (staff: [(id: StaffID, role: ActorRole)], providers: [ProviderID], programmes: [ProgrammeID])
    {
        let staff = [world.director] + world.organisers + world.coordinators + world.clerks + [world.finance]
        return (staff.map { ($0.id, $0.actor.role) }, world.providers.map(\.id), world.programmes.map(\.id))
    }

    /// Runs the whole period; `progress(done, total)` counts resident-months.
    public func run(progress: @Sendable (Int, Int) -> Void = { _, _ in }) async throws(CommandError) -> Summary {
        let before = try treeSize()
        let counter = GenerationCounter()
        let setUp = GenerationSetUp(
            world: world, pipeline: services.pipeline, facts: services.facts, counter: counter)
        try await setUp.run()
        let centre = CentreChanges(setUp: setUp)
        let residents = ResidentSimulation(
            world: world, intake: intake, delivery: DeliveryCommands(services: services),
            plans: PlanCommands(services: services), fees: FeeCommands(services: services), reader: services.reader,
            pipeline: services.pipeline, counter: counter)
        let total = options.months * options.residents
        for month in 0..<options.months {
            try await centre.run(month: month)
            try await residents.simulate(month: month)
            progress((month + 1) * options.residents, total)
        }
        try await centre.endOfRun()
        try await residents.eraseSome()
        let counts = counter.snapshot()
        return Summary(
            commands: counts.commands, rejectedAsExpected: counts.rejected, eventsWritten: try treeSize() - before)
    }

    private func treeSize() throws(CommandError) -> UInt64 {
        do { return try services.ledger.treeSize() } catch { throw CommandError(error) }
    }
}
