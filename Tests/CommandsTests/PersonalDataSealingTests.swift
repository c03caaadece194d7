import Commands
import Domain
import Foundation
import Ledger
import LedgerTesting
import Testing

/// Decides exactly the event it is given: lets a test push any catalogue sample through the pipeline.
enum EmitDecider: Decider {
    struct Rejection: DomainRejection {
        var rule: String? { nil }
        var code: String { "never" }
        var description: String { code }
    }

    static let initialState = 0
    static func decide(_ command: DomainEvent, state: Int, rules: RuleContext) throws(Rejection) -> [DomainEvent] {
        [command]
    }
    static func evolve(_ state: Int, _ event: DomainEvent) -> Int { state + 1 }
}

@Suite("Personal fields are only ever written sealed (ledger.md §4.2)")
struct PersonalDataSealingTests {
    static let withPersonalData = DomainEvent.samples.filter {
        !type(of: $0.payload).personalFieldNames.isEmpty
    }

    @Test(
        "Without a vault, every type with personal fields is refused and nothing is written",
        arguments: withPersonalData)
    func refusedWithoutVault(event: DomainEvent) async throws {
        let store = InMemoryLedger()
        let pipeline = CommandPipeline(store: store, vault: nil)
        let stream = try LedgerNames.stream(event.category, UUID())
        await #expect {
            _ = try await pipeline.execute(
                EmitDecider.self, stream: stream, command: event, envelope: CommandsFixture.envelope())
        } throws: { error in
            (error as? CommandError)?.code == .storage && "\(error)".contains("no vault is open")
        }
        #expect(try store.currentVersion(of: stream) == nil)
    }

    @Test("With a vault, each such type is stored with a sealed part and reads back whole through the access log")
    func sealedAndRevealed() async throws {
        let fixture = try CommandsFixture()
        defer { fixture.directory.remove() }
        let services = try fixture.open()
        defer { services.close() }
        #expect(Self.withPersonalData.count >= 10)
        for event in Self.withPersonalData {
            let stream = try LedgerNames.stream(event.category, UUID())
            let result = try await services.pipeline.execute(
                EmitDecider.self, stream: stream, command: event, envelope: CommandsFixture.envelope())
            let position = try #require(result.firstPosition)
            let record = try #require(try services.ledger.readAll(from: position, limit: 1).first)
            #expect(record.sealed != nil, "\(event.eventType)")
            let subject = try #require(event.payload.dataSubject)
            let viewer = CommandsFixture.director
            let revealed = try await services.reader.reveal(
                [record], of: PersonRef(uuid: subject), viewer: viewer, viewerID: viewer.ledgerName,
                purpose: "sealing test", channel: .cli, envelope: CommandsFixture.envelope(viewer))
            #expect(revealed.first?.event == event, "\(event.eventType)")
        }
    }
}
