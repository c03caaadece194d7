import Commands
import Domain
import Foundation
import Ledger
import LedgerTesting
@testable import Projections

/// Appends whatever events it is given (tests feed projections exact event sequences).
enum EmitDecider: Decider {
    struct Rejection: DomainRejection {
        var rule: String? { nil }
        var code: String { "never" }
        var description: String { code }
    }

    static let initialState = 0
    static func decide(_ command: [DomainEvent], state: Int, rules: RuleContext) throws(Rejection) -> [DomainEvent] {
        command
    }
    static func evolve(_ state: Int, _ event: DomainEvent) -> Int { state + 1 }
}

/// A data directory with a ledger (through the real pipeline, so personal fields are sealed) and a projections
/// environment beside it.
final class ProjectionsFixture {
    let directory: TemporaryDirectory
    let services: CommandServices
    let store: ProjectionsStore
    var builder: ProjectionBuilder {
        ProjectionBuilder(
            ledger: services.ledger, store: store, batchEvents: batchEvents, batchRows: batchRows,
            scanEvents: scanEvents)
    }
    var batchEvents = ProjectionBuilder.batchEventsMax
    var batchRows = ProjectionBuilder.batchRowsMax
    var scanEvents = ProjectionBuilder.scanEventsMax
    /// The business time of the next commands (2025-03-03 unless a test moves it).
    var occurredAt = Instant(microsecondsSinceEpoch: 1_741_000_000_000_000)
    /// Projections caught up after every emit, as a server's engine keeps them live.
    var liveProjections: [any Projection] = []

    init() throws {
        directory = try TemporaryDirectory(prefix: "cus-projections")
        services = try CommandServices.open(Ledger.Options(dataDirectory: directory.path + "/data"))
        store = try ProjectionsStore(directory: directory.path + "/data/projections")
    }

    deinit {
        store.close()
        services.close()
        directory.remove()
    }

    static let coordinator = Actor.staff(StaffID(uuid: UUID()), role: .coordinator)

    /// Appends `events` as one command on a fresh stream of their category; returns the first position.
    @discardableResult
    func emit(_ events: DomainEvent..., by actor: Actor = coordinator) async throws -> Position {
        let category = type(of: events[0].payload).category
        let result = try await services.pipeline.execute(
            EmitDecider.self, stream: try LedgerNames.stream(category, UUID()), command: events,
            envelope: CommandEnvelope(
                commandID: UUID128.random(), actor: actor,
                occurredAt: occurredAt, fingerprint: "projection test"))
        guard let position = result.firstPosition else { throw ProjectionError.storage("nothing appended") }
        for projection in liveProjections { try catchUp(projection) }
        return position
    }

    /// Appends the receipt of an erasure of `person`'s personal data, as the retention duty does.
    func erase(_ person: PersonRef) async throws {
        try await emit(
            .personalDataErased(
                PersonalDataErased(
                    personRef: person, keyIds: [UUID()], scope: "all", reason: .art17, legalBasisRef: "RODO art. 17",
                    requestId: RequestID(uuid: UUID()))),
            by: .system("retention"))
    }

    /// Erases `person` through the Vault as a director's Art. 17 command does: the receipt is appended, then
    /// the person's keys are destroyed, so their sealed parts no longer open. Returns the receipt's position.
    @discardableResult
    func shred(_ person: PersonRef) async throws -> Position? {
        let receipt = try await services.erasure.erase(
            person, decider: EmitDecider.self,
            envelope: CommandEnvelope(
                commandID: UUID128.random(), actor: .system("retention"), occurredAt: occurredAt,
                fingerprint: "erase")
        ) { keys in
            [
                .personalDataErased(
                    PersonalDataErased(
                        personRef: person, keyIds: keys, scope: "all", reason: .art17, legalBasisRef: "RODO art. 17",
                        requestId: RequestID(uuid: UUID())))
            ]
        }
        return receipt.firstPosition
    }

    func treeSize() throws -> UInt64 { try services.ledger.treeSize() }

    /// Builds `projection` live up to the ledger's end.
    @discardableResult
    func catchUp(_ projection: any Projection) throws -> ProjectionRecord {
        try builder.build(projection, slot: .live, upTo: try treeSize())
    }

    /// The contents of `projection` built live, then its contents once rebuilt from zero in one batch and
    /// switched in: byte-identical when `apply` is deterministic.
    func liveAndRebuiltContents(_ projection: any Projection) throws -> (live: [String], rebuilt: [String]) {
        try catchUp(projection)
        let live = try contents(type(of: projection))
        batchEvents = ProjectionBuilder.batchEventsMax
        guard case .switched = try ProjectionRebuild(builder: builder).run(projection) else {
            throw ProjectionError.storage("the rebuild of \(type(of: projection).name) did not switch")
        }
        return (live, try contents(type(of: projection)))
    }

    func contents(_ projection: any Projection.Type, in store: ProjectionsStore? = nil) throws -> [String] {
        try (store ?? self.store).read(projection) { reader in
            try reader.rawContents().map { "\($0.table) \($0.key) \($0.value)" }
        }
    }
}

extension LocalDate {
    /// A date literal of a test; a typo stops the test run at once.
    static func on(_ text: String) -> LocalDate {
        guard let date = LocalDate(text) else { preconditionFailure("not a date: \(text)") }
        return date
    }
}
