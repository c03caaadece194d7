import Commands
import Domain
import Foundation
import Ledger
import LedgerTesting
import Testing

@Suite("cus views show ResidentTimeline: positions from the view, personal fields through the access log")
struct ViewsCommandTests {
    static let clerk = Actor.staff(StaffID(uuid: UUID()), role: .intakeClerk)

    static func envelope(_ actor: Actor) -> CommandEnvelope {
        CommandEnvelope(
            commandID: .random(), actor: actor, occurredAt: Instant(Date()), fingerprint: "cli views test")
    }

    /// Registers two residents through the real command handlers and erases the second.
    static func residents(in data: String) async throws -> (kept: PersonRef, erased: PersonRef) {
        let services = try CommandServices.open(Ledger.Options(dataDirectory: data))
        defer { services.close() }
        let intake = IntakeCommands(services: services)
        let kept = PersonRef(uuid: UUID())
        let erased = PersonRef(uuid: UUID())
        for (person, name) in [(kept, "Anna"), (erased, "Jan")] {
            _ = try await intake.register(
                person, purposeTags: ["intake"], identity: .init(givenName: name, familyName: "Kowalska"),
                envelope: envelope(clerk))
        }
        _ = try await intake.erase(
            erased, reason: .art17, legalBasisRef: "RODO art. 17", requestID: RequestID(uuid: UUID()),
            envelope: envelope(.system("retention")))
        return (kept, erased)
    }

    static func events(_ outcome: CLIRunner.Outcome) throws -> [[String: Any]] {
        let rows = try #require(
            try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [[String: Any]])
        return try #require(rows.first?["events"] as? [[String: Any]])
    }

    @Test("Reveals the resident's identity after logging the read; an erased one shows the redacted marker")
    func revealsThroughTheAccessLog() async throws {
        try await TemporaryDirectory.with { directory in
            let data = directory.path + "/data"
            let (kept, erased) = try await Self.residents(in: data)
            let show = ["views", "show", "ResidentTimeline", "--data", data, "--json", "--purpose", "Wizyta domowa"]
            let first = try CLIRunner.run(show + ["--key", kept.description])
            #expect(first.status == 0, "\(first.standardError)")
            let events = try Self.events(first)
            #expect(events.map { $0["type"] as? String } == ["PersonRegistered"])
            let identity = try #require(events.first?["personal"] as? [String: Any])
            #expect(identity["givenName"] as? String == "Anna")

            // The read was logged before anything was revealed: the next read lists it, with no personal part.
            let viewer = StaffID(uuid: UUID())
            let second = try CLIRunner.run(show + ["--key", kept.description, "--viewer", viewer.description])
            #expect(second.status == 0, "\(second.standardError)")
            let logged = try Self.events(second)
            #expect(logged.map { $0["type"] as? String } == ["PersonRegistered", "PersonalDataViewed"])
            #expect(logged.last?["personal"] is NSNull)
            #expect((logged.last?["stream"] as? String)?.hasPrefix("accesslog-") == true)

            let gone = try Self.events(try CLIRunner.run(show + ["--key", erased.description]))
            #expect(gone.map { $0["type"] as? String } == ["PersonRegistered", "PersonalDataErased"])
            let marker = try #require(gone.first?["personal"] as? [String: Any])
            #expect(marker["redacted"] as? Bool == true)
            #expect(marker["erasedAt"] as? Int == gone.last?["position"] as? Int)
        }
    }

    @Test("Without --purpose or --key the timeline is refused with exit 64; other views refuse --purpose")
    func purposeIsRequired() async throws {
        try await TemporaryDirectory.with { directory in
            let data = directory.path + "/data"
            let (kept, _) = try await Self.residents(in: data)
            let show = ["views", "show", "ResidentTimeline", "--data", data]
            #expect(try CLIRunner.run(show + ["--key", kept.description]).status == 64)
            #expect(try CLIRunner.run(show + ["--purpose", "Kontrola"]).status == 64)
            #expect(
                try CLIRunner.run(["views", "show", "PlanStatusView", "--data", data, "--purpose", "x"]).status == 64)
            let table = try CLIRunner.run(show + ["--key", kept.description, "--purpose", "Kontrola"])
            #expect(table.status == 0, "\(table.standardError)")
            #expect(table.standardOutput.contains("events:") && table.standardOutput.contains("Anna"))
        }
    }
}
