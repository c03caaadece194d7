import Commands
import Domain
import Foundation
import Ledger
import LedgerTesting
import Vault

/// A registry of residents small enough to exercise the pipeline without the real deciders: register once
/// (personal fields sealed), erase once (director or system).
enum TestPersonDecider: Decider {
    enum Command: Sendable {
        case register(PersonRegistered)
        case erase(PersonalDataErased)
        case tag(String)
    }

    struct State: Sendable {
        var registered = false
        var erased = false
        var tags: [String] = []
    }

    struct Rejection: DomainRejection {
        var code: String
        var rule: String? { nil }
        var description: String { code }
    }

    static let initialState = State()

    static func decide(_ command: Command, state: State, rules: RuleContext) throws(Rejection) -> [DomainEvent] {
        switch command {
        case .register(let event):
            guard !state.registered else { throw Rejection(code: "already-registered") }
            return [.personRegistered(event)]
        case .erase(let event):
            guard state.registered, !state.erased else { throw Rejection(code: "not-erasable") }
            guard rules.actor.role == .director || rules.actor.role == .system else {
                throw Rejection(code: "not-permitted")
            }
            return [.personalDataErased(event)]
        case .tag(let tag):
            guard state.registered else { throw Rejection(code: "not-registered") }
            let person = PersonRef(uuid: DomainSamples.uuid)
            return [.personRegistered(PersonRegistered(personRef: person, purposeTags: [tag]))]
        }
    }

    static func evolve(_ state: State, _ event: DomainEvent) -> State {
        var state = state
        switch event {
        case .personRegistered(let registered):
            if state.registered { state.tags += registered.purposeTags } else { state.registered = true }
        case .personalDataErased: state.erased = true
        default: break
        }
        return state
    }
}

struct CommandsFixture {
    let directory: TemporaryDirectory
    var dataDirectory: String { directory.path + "/data" }

    init() throws { directory = try TemporaryDirectory(prefix: "cus-commands") }

    func open(ruleBook: RuleBook = .defaults) throws -> CommandServices {
        try CommandServices.open(Ledger.Options(dataDirectory: dataDirectory), ruleBook: ruleBook)
    }

    static let director = Actor.staff(StaffID(uuid: UUID()), role: .director)
    static let clerk = Actor.staff(StaffID(uuid: UUID()), role: .intakeClerk)
    static let today = Instant(microsecondsSinceEpoch: 1_741_000_000_000_000)

    static func envelope(_ actor: Actor = clerk, id: UUID128 = newCommandID(), fingerprint: String = "test")
        -> CommandEnvelope
    {
        CommandEnvelope(commandID: id, actor: actor, occurredAt: today, fingerprint: fingerprint)
    }

    static func newCommandID() -> UUID128 {
        var generator = SystemRandomNumberGenerator()
        return UUID128.version7(unixMilliseconds: UInt64(Date().timeIntervalSince1970 * 1000), using: &generator)
    }

    static func registration(_ person: PersonRef, givenName: String, nationalID: String? = nil) -> PersonRegistered {
        PersonRegistered(
            personRef: person, purposeTags: ["intake"],
            personal: .init(
                givenName: givenName, familyName: "Kowalska", nationalID: nationalID, address: "ul. Długa 1",
                ageBand: "75plus", sex: .female, district: "d-03"))
    }

    static func stream(_ person: PersonRef) throws -> StreamID { try LedgerNames.stream("person", person) }

    @discardableResult
    static func register(_ person: PersonRef, givenName: String, in services: CommandServices) async throws
        -> CommandResult
    {
        try await services.pipeline.execute(
            TestPersonDecider.self, stream: stream(person),
            command: .register(registration(person, givenName: givenName)), envelope: envelope())
    }

    static func erase(_ person: PersonRef, in services: CommandServices, by actor: Actor = director) async throws
        -> CommandResult
    {
        try await services.erasure.erase(person, decider: TestPersonDecider.self, envelope: envelope(actor)) {
            keyIDs in
            .erase(
                PersonalDataErased(
                    personRef: person, keyIds: keyIDs, scope: "all", reason: .art17, legalBasisRef: "RODO art. 17",
                    requestId: RequestID(uuid: UUID())))
        }
    }

    static func reveal(_ person: PersonRef, in services: CommandServices, viewerID: String = "staff:viewer")
        async throws -> [RevealedEvent]
    {
        let records = try services.ledger.read(stream: stream(person), from: nil, direction: .forward, limit: 100)
        return try await services.reader.reveal(
            records, of: person, viewer: Actor.staff(StaffID(uuid: UUID()), role: .coordinator), viewerID: viewerID,
            purpose: "case review", channel: .cli, envelope: envelope())
    }
}
