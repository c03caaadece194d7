@testable import Commands
import Domain
import Foundation
import Ledger
import LedgerTesting
import Testing

/// The in-process serialisation of decisions that read other streams' facts (L10's queue, a plan item's units):
/// one lock per data directory's command side, whoever issues the command.
@Suite("Serialised decisions")
struct SerialisationTests {
    /// A value read, then written after a pause: two at once lose one update unless they run one after another.
    actor Counter {
        var value = 0
        func read() -> Int { value }
        func write(_ new: Int) { value = new }
    }

    static func readPauseWrite(_ counter: Counter) async throws(CommandError) -> Int {
        let seen = await counter.read()
        try? await Task.sleep(for: .milliseconds(20))
        await counter.write(seen + 1)
        return seen
    }

    @Test("The gate runs one body at a time, in order, and goes on after a body that threw")
    func gateSerialises() async throws {
        let (gate, counter) = (AsyncGate(), Counter())
        async let first = gate.run { () async throws(CommandError) in try await Self.readPauseWrite(counter) }
        async let second = gate.run { () async throws(CommandError) in try await Self.readPauseWrite(counter) }
        #expect(try await [first, second].sorted() == [0, 1])
        #expect(await counter.value == 2)
        await #expect(throws: CommandError.self) {
            try await gate.run { () async throws(CommandError) in throw CommandError(.invalidRequest, "refused") }
        }
        #expect(try await gate.run { () async throws(CommandError) in 7 } == 7)
    }

    @Test("The keyed queue serialises one key and forgets it once its operations end")
    func keyedQueueForgetsKeys() async throws {
        let (queue, counter) = (KeyedSerialQueue<String>(), Counter())
        async let first = queue.run("P") { () async throws(CommandError) in try await Self.readPauseWrite(counter) }
        async let second = queue.run("P") { () async throws(CommandError) in try await Self.readPauseWrite(counter) }
        #expect(try await [first, second].sorted() == [0, 1])
        for index in 0..<50 {
            _ = try await queue.run("made-up \(index)") { () async throws(CommandError) in index }
        }
        #expect(await queue.keyCount == 0)
    }

    @Test(
        "Every IntakeCommands and DeliveryCommands over one command side shares its locks (the API's and the duties')")
    func locksShared() async throws {
        let fixture = try CommandsFixture()
        defer { fixture.directory.remove() }
        let services = try fixture.open()
        defer { services.close() }
        #expect(IntakeCommands(services: services).queueLocks === IntakeCommands(services: services).queueLocks)
        #expect(DeliveryCommands(services: services).gate === services.authorisationGate)
        // A programme nobody adopted is refused before any lock or queue is made for it.
        let intake = IntakeCommands(services: services)
        let envelope = CommandEnvelope(
            commandID: .random(), actor: .staff(StaffID(uuid: UUID()), role: .coordinator), occurredAt: Instant(Date()),
            fingerprint: "made-up programme")
        let refused = await #expect(throws: CommandError.self) {
            _ = try await intake.application(
                ApplicationID(uuid: UUID()), queueOf: ProgrammeID(uuid: UUID()), envelope: envelope
            ) { _ throws(CommandError) in throw CommandError(.invalidRequest, "never built") }
        }
        #expect(refused?.code == .rejected, "\(String(describing: refused))")
        #expect(await intake.queueLocks.keyCount == 0)
    }
}
