import Commands
import Domain
import Foundation
import Ledger
import LedgerTesting
import Testing

/// A token store for tests: one known token standing for one auditor.
struct OneToken: StaffAuthorisation {
    let token: String
    let actor: Actor
    func staffMember(forToken token: String) throws(CommandError) -> Actor {
        guard token == self.token else { throw CommandError(.rejected, "unknown token") }
        return actor
    }
}

@Suite("Auditor timelines, access lists and the subject export (issue #11)")
struct AuditSubjectTests {
    static let auditor = Actor.staff(StaffID(uuid: UUID()), role: .auditor)
    static let tokens = OneToken(token: "t-1", actor: auditor)

    @Test("A person's timeline holds their events only, with role and rule-set version, in position order")
    func personTimeline() async throws {
        let fixture = try CommandsFixture()
        defer { fixture.directory.remove() }
        let services = try fixture.open()
        defer { services.close() }
        let anna = PersonRef(uuid: UUID())
        let ewa = PersonRef(uuid: UUID())
        try await CommandsFixture.register(anna, givenName: "Anna", in: services)
        try await CommandsFixture.register(ewa, givenName: "Ewa", in: services)
        _ = try await CommandsFixture.erase(anna, in: services)
        let entries = try AuditTimeline.entries(in: services.ledger, subject: .person(anna))
        #expect(entries.map(\.record.type.name) == ["PersonRegistered", "PersonalDataErased"])
        #expect(entries.map(\.record.position) == entries.map(\.record.position).sorted())
        #expect(entries.allSatisfy { $0.ruleSetVersion != nil && $0.clearJSON != nil })
        #expect(entries.map(\.actorRole) == ["intakeClerk", "director"])
        #expect(entries.allSatisfy { $0.clearJSON?.contains("Anna") == false })
        let stream = try CommandsFixture.stream(ewa).description
        #expect(try AuditTimeline.entries(in: services.ledger, subject: .stream(stream)).count == 1)
        let future = Instant(microsecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1e6) + 86_400_000_000)
        #expect(try AuditTimeline.entries(in: services.ledger, subject: .person(anna), from: future).isEmpty)
    }

    @Test("Revealing needs a known token; the read is logged first and listed by viewer and by person")
    func revealIsLogged() async throws {
        let fixture = try CommandsFixture()
        defer { fixture.directory.remove() }
        let services = try fixture.open()
        defer { services.close() }
        let anna = PersonRef(uuid: UUID())
        try await CommandsFixture.register(anna, givenName: "Anna", in: services)
        let entries = try AuditTimeline.entries(in: services.ledger, subject: .person(anna))
        await #expect(throws: CommandError.self) {
            _ = try await AuditReveal.personalFields(
                of: entries, token: "wrong", purpose: "audit", channel: .cli, authorisation: Self.tokens,
                services: services)
        }
        #expect(try AuditTimeline.accessEntries(in: services.ledger, viewerID: nil, person: anna).isEmpty)
        let personal = try await AuditReveal.personalFields(
            of: entries, token: "t-1", purpose: "kontrola NIK", channel: .cli, authorisation: Self.tokens,
            services: services)
        let fields = try #require(personal[entries[0].record.position])
        #expect(String(decoding: fields, as: UTF8.self).contains("Anna"))
        let byViewer = try AuditTimeline.accessEntries(
            in: services.ledger, viewerID: Self.auditor.ledgerName, person: nil)
        #expect(byViewer.map(\.viewed.purpose) == ["kontrola NIK"])
        #expect(byViewer.first.map { $0.position > entries[0].record.position } == true)
        #expect(try AuditTimeline.accessEntries(in: services.ledger, viewerID: nil, person: anna).count == 1)
        #expect(try AuditTimeline.accessEntries(in: services.ledger, viewerID: "staff:nobody", person: nil).isEmpty)
    }

    @Test("The subject export of an erased person holds only redacted markers and the receipt")
    func erasedSubjectExport() async throws {
        let fixture = try CommandsFixture()
        defer { fixture.directory.remove() }
        let services = try fixture.open()
        defer { services.close() }
        let anna = PersonRef(uuid: UUID())
        try await CommandsFixture.register(anna, givenName: "Annamarker", in: services)
        let receipt = try #require(try await CommandsFixture.erase(anna, in: services).lastPosition)
        let export = try await SubjectExport.make(
            person: anna, token: "t-1", purpose: "art. 15 request", authorisation: Self.tokens, services: services)
        let json = String(decoding: try export.json(), as: UTF8.self)
        #expect(!json.contains("Annamarker") && !export.html.contains("Annamarker"))
        #expect(!json.contains("Kowalska") && !json.contains("Długa"))
        let document = try #require(try JSONSerialization.jsonObject(with: try export.json()) as? [String: Any])
        let events = try #require(document["events"] as? [[String: Any]])
        #expect(events.map { $0["type"] as? String } == ["PersonRegistered", "PersonalDataErased"])
        let personal = try #require(events[0]["personal"] as? [String: Any])
        #expect(personal["redacted"] as? Bool == true)
        #expect((personal["erasedAt"] as? NSNumber)?.uint64Value == receipt.rawValue)
        #expect(events[1]["personal"] is NSNull)
        #expect((document["erasureReceipts"] as? [NSNumber])?.map(\.uint64Value) == [receipt.rawValue])
        #expect(export.html.contains("RODO art. 17") && export.html.hasPrefix("<!DOCTYPE html>"))

        let kept = PersonRef(uuid: UUID())
        try await CommandsFixture.register(kept, givenName: "Ewamarker", in: services)
        let live = try await SubjectExport.make(
            person: kept, token: "t-1", purpose: "art. 15 request", authorisation: Self.tokens, services: services)
        #expect(String(decoding: try live.json(), as: UTF8.self).contains("Ewamarker"))
        #expect(live.accesses.count == 1 && live.accesses[0].viewed.channel == .report)
    }
}
