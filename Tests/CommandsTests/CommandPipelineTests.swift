import Commands
import Domain
import Foundation
import Ledger
import LedgerTesting
import Testing

@Suite("Command pipeline (style.md §5, ledger.md G4)")
struct CommandPipelineTests {
    @Test("A retried command returns its original result without deciding again")
    func retryReturnsOriginalResult() async throws {
        let fixture = try CommandsFixture()
        defer { fixture.directory.remove() }
        let services = try fixture.open()
        defer { services.close() }
        let person = PersonRef(uuid: UUID())
        let envelope = CommandsFixture.envelope()
        let command = TestPersonDecider.Command.register(CommandsFixture.registration(person, givenName: "Anna"))
        let stream = try CommandsFixture.stream(person)
        let first = try await services.pipeline.execute(
            TestPersonDecider.self, stream: stream, command: command, envelope: envelope)
        #expect(!first.wasAlreadyRecorded)
        // Deciding again would be refused ("already-registered"): the retry never reaches the decider.
        let retry = try await services.pipeline.execute(
            TestPersonDecider.self, stream: stream, command: command, envelope: envelope)
        #expect(retry.wasAlreadyRecorded)
        #expect(retry.firstPosition == first.firstPosition)
        #expect(retry.streamVersion == first.streamVersion)
        #expect(try services.ledger.treeSize() == 2)  // RuleSetPublished + PersonRegistered
    }

    @Test("A command id reused for another request is refused")
    func reusedCommandIDIsRefused() async throws {
        let fixture = try CommandsFixture()
        defer { fixture.directory.remove() }
        let services = try fixture.open()
        defer { services.close() }
        let person = PersonRef(uuid: UUID())
        let id = CommandsFixture.newCommandID()
        _ = try await services.pipeline.execute(
            TestPersonDecider.self, stream: try CommandsFixture.stream(person),
            command: .register(CommandsFixture.registration(person, givenName: "Anna")),
            envelope: CommandsFixture.envelope(id: id, fingerprint: "register Anna"))
        await #expect {
            try await services.pipeline.execute(
                TestPersonDecider.self, stream: try CommandsFixture.stream(person), command: .tag("x"),
                envelope: CommandsFixture.envelope(id: id, fingerprint: "tag x"))
        } throws: { ($0 as? CommandError)?.code == .idempotencyKeyReused }
    }

    @Test("A rejection names its rule and stores nothing")
    func rejectionStoresNothing() async throws {
        let fixture = try CommandsFixture()
        defer { fixture.directory.remove() }
        let services = try fixture.open()
        defer { services.close() }
        let person = PersonRef(uuid: UUID())
        let size = try services.ledger.treeSize()
        await #expect {
            try await services.pipeline.execute(
                TestPersonDecider.self, stream: try CommandsFixture.stream(person), command: .tag("x"),
                envelope: CommandsFixture.envelope())
        } throws: { error in
            let error = error as? CommandError
            return error?.code == .rejected && error?.rejectionCode == "not-registered"
        }
        #expect(try services.ledger.treeSize() == size + 1)  // only the rule set's first publication
    }

    @Test("Every event records the rule set in force; the rule set is published once, with its content hash")
    func ruleSetIsPublishedOnce() async throws {
        let fixture = try CommandsFixture()
        defer { fixture.directory.remove() }
        let services = try fixture.open()
        for index in 0..<3 {
            try await CommandsFixture.register(PersonRef(uuid: UUID()), givenName: "P\(index)", in: services)
        }
        let published = try services.ledger.read(
            type: try LedgerNames.eventType("RuleSetPublished"), from: Position(rawValue: 0), limit: 10)
        #expect(published.count == 1)
        let records = try services.ledger.readAll(from: Position(rawValue: 0), limit: 10)
        for record in records {
            let (context, _) = try StreamLoader.decode(record)
            #expect(context.ruleSetVersion == "cus-act/2020-01-01.1")
        }
        services.close()
        // A second process (restart) finds it published and appends nothing more.
        let reopened = try fixture.open()
        defer { reopened.close() }
        try await CommandsFixture.register(PersonRef(uuid: UUID()), givenName: "P4", in: reopened)
        let again = try reopened.ledger.read(
            type: try LedgerNames.eventType("RuleSetPublished"), from: Position(rawValue: 0), limit: 10)
        #expect(again.count == 1)
    }

    @Test("A rule set edited in place under a published version is refused")
    func editedRuleSetIsRefused() async throws {
        let fixture = try CommandsFixture()
        defer { fixture.directory.remove() }
        let services = try fixture.open()
        try await CommandsFixture.register(PersonRef(uuid: UUID()), givenName: "Anna", in: services)
        services.close()
        var edited = try RuleBook.defaults.ruleSet(inForceOn: CommandsFixture.today.localDate)
        edited.source += " (edited)"
        let reopened = try fixture.open(ruleBook: try RuleBook([edited]))
        defer { reopened.close() }
        await #expect {
            try await CommandsFixture.register(PersonRef(uuid: UUID()), givenName: "Ewa", in: reopened)
        } throws: { error in
            (error as? CommandError)?.code == .invalidRequest
                && "\(error)".contains("publish a new version instead of editing it")
        }
    }

    @Test("Personal fields go to the sealed part; the clear part holds none of them")
    func personalFieldsAreSealed() async throws {
        let fixture = try CommandsFixture()
        defer { fixture.directory.remove() }
        let services = try fixture.open()
        defer { services.close() }
        let person = PersonRef(uuid: UUID())
        let result = try await CommandsFixture.register(person, givenName: "Zofia-Marker", in: services)
        let position = try #require(result.firstPosition)
        let record = try #require(try services.ledger.readAll(from: position, limit: 1).first)
        let sealed = try #require(record.sealed)
        #expect(!String(decoding: record.payload, as: UTF8.self).contains("Zofia"))
        #expect(!String(decoding: sealed.ciphertextAndTag, as: UTF8.self).contains("Zofia"))
        let (_, event) = try StreamLoader.decode(record)
        guard case .personRegistered(let registered) = event else { throw CommandError(.corrupted, "wrong type") }
        #expect(registered.personal == nil)
        #expect(registered.personRef == person)
    }
}

@Suite("Command pipeline under contention")
struct CommandPipelineContentionTests {
    @Test("Concurrent commands on one stream lose races and retry until each lands once")
    func conflictsAreRetried() async throws {
        let fixture = try CommandsFixture()
        defer { fixture.directory.remove() }
        let services = try fixture.open()
        defer { services.close() }
        let person = PersonRef(uuid: UUID())
        try await CommandsFixture.register(person, givenName: "Anna", in: services)
        let stream = try CommandsFixture.stream(person)
        let results = try await withThrowingTaskGroup(of: CommandResult.self) { group in
            for index in 0..<4 {
                group.addTask {
                    try await services.pipeline.execute(
                        TestPersonDecider.self, stream: stream, command: .tag("tag-\(index)"),
                        envelope: CommandsFixture.envelope(fingerprint: "tag \(index)"))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 4)
        #expect(Set(results.compactMap(\.streamVersion)).count == 4)
        #expect(try services.ledger.currentVersion(of: stream)?.rawValue == 4)
    }
}
