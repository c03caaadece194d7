import Commands
import Domain
import Foundation
import Ledger

/// `CrashWriter DATA_DIR erase-loop N`: registers N residents (each reported as `registered <personRef>`),
/// then erases them one by one through `IntakeCommands.erase`, reporting `erased <personRef> <position>` after
/// each acknowledgement, until killed. The parent kills it at a random moment, often between a receipt and
/// its key deletion, and checks that start-up repairs what the kill interrupted (ledger.md §4.3).
func runErasureLoop(dataDirectory: String, residents: Int) async throws {
    let services = try CommandServices.open(
        Ledger.Options(dataDirectory: dataDirectory, initialMapSizeBytes: 8 << 20, writerPurpose: "crash writer"))
    let intake = IntakeCommands(services: services)
    let clerk = Actor.staff(StaffID(uuid: UUID()), role: .intakeClerk)
    let director = Actor.staff(StaffID(uuid: UUID()), role: .director)
    var people: [PersonRef] = []
    for index in 0..<residents {
        let person = PersonRef(uuid: UUID())
        _ = try await intake.register(
            person, purposeTags: ["intake"],
            identity: .init(givenName: "CrashMarker\(index)", familyName: "Test"),
            envelope: envelope(clerk, "register \(index)"))
        people.append(person)
        report("registered \(person)")
    }
    for person in people {
        let result = try await intake.erase(
            person, reason: .art17, legalBasisRef: "RODO art. 17", requestID: RequestID(uuid: UUID()),
            envelope: envelope(director, "erase \(person)"))
        report("erased \(person) \(result.lastPosition?.rawValue ?? 0)")
    }
    report("done")
    while true { sleep(60) }
}

private func envelope(_ actor: Actor, _ fingerprint: String) -> CommandEnvelope {
    var generator = SystemRandomNumberGenerator()
    let id = UUID128.version7(unixMilliseconds: UInt64(Date().timeIntervalSince1970 * 1000), using: &generator)
    return CommandEnvelope(commandID: id, actor: actor, occurredAt: Instant(Date()), fingerprint: fingerprint)
}
