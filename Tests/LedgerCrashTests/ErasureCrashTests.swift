import Commands
import Domain
import Foundation
import Ledger
import LedgerTesting
import Testing
import Vault

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Erasure under kill -9 (ledger.md §4.3)")
struct ErasureCrashTests {
    static var cycles: Int { max(1, CrashLoopTests.cycles / 4) }

    /// Kills an erasure loop at a random moment, then checks what start-up leaves: every receipt in the ledger
    /// has destroyed keys and an erasure-list entry, every acknowledged erasure reads as redacted, and every
    /// resident without a receipt can still be read.
    @Test("A kill at any point of an erasure is repaired at start-up")
    func killDuringErasure() async throws {
        var generator = SeededGenerator(seed: CrashLoopTests.seed)
        for cycle in 0..<Self.cycles {
            try await TemporaryDirectory.with(prefix: "cusledger-erase-crash") { directory in
                let data = directory.path + "/data"
                let lines = try await Self.runUntilKilled(
                    data: data, afterErasures: Int.random(in: 0...3, using: &generator),
                    extraMicroseconds: UInt32.random(in: 0...40_000, using: &generator))
                try await Self.checkRecovered(data: data, lines: lines, cycle: cycle)
            }
        }
    }

    static func runUntilKilled(data: String, afterErasures: Int, extraMicroseconds: UInt32) async throws -> [String] {
        let process = ChildProcess()
        process.executableURL = CrashLoopTests.writerBinary
        process.arguments = [data, "erase-loop", "6"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var seen = ""
        func erasures() -> Int { seen.split(separator: "\n").filter { $0.hasPrefix("erased ") }.count }
        while process.isRunning, erasures() < afterErasures, !seen.contains("done") {
            seen += String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        }
        usleep(extraMicroseconds)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        seen += String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return seen.split(separator: "\n").map(String.init)
    }

    static func checkRecovered(data: String, lines: [String], cycle: Int) async throws {
        let services = try CommandServices.open(Ledger.Options(dataDirectory: data, initialMapSizeBytes: 8 << 20))
        defer { services.close() }
        let receipts = try services.ledger.read(
            type: try LedgerNames.eventType("PersonalDataErased"), from: Position(rawValue: 0), limit: 100)
        #expect(services.recovery.receipts == receipts.count, "cycle \(cycle)")
        let listed = try ErasureList(dataDirectory: data).entries()
        var erasedPeople: Set<PersonRef> = []
        for record in receipts {
            guard case .personalDataErased(let receipt) = try StreamLoader.decode(record).event else { continue }
            erasedPeople.insert(receipt.personRef)
            for keyID in receipt.keyIds.map(UUID128.init) {
                #expect(try services.vault.erasedAt(keyID: keyID) == record.position, "cycle \(cycle)")
                #expect(listed.contains { $0.position == record.position && $0.keyID == keyID }, "cycle \(cycle)")
            }
        }
        let acknowledged = lines.filter { $0.hasPrefix("erased ") }.compactMap {
            PersonRef(String($0.split(separator: " ")[1]))
        }
        #expect(Set(acknowledged).isSubset(of: erasedPeople), "cycle \(cycle): an acknowledged erasure has no receipt")
        let registered = lines.filter { $0.hasPrefix("registered ") }.compactMap {
            PersonRef(String($0.split(separator: " ")[1]))
        }
        for person in registered {
            let records = try services.ledger.read(
                stream: try LedgerNames.stream("person", person), from: nil, direction: .forward, limit: 10)
            let viewer = Actor.staff(StaffID(uuid: UUID()), role: .director)
            let revealed = try await services.reader.reveal(
                records, of: person, viewer: viewer, viewerID: viewer.ledgerName, purpose: "crash check",
                channel: .cli,
                envelope: CommandEnvelope(
                    commandID: UUID128.random(), actor: viewer, occurredAt: Instant(Date()), fingerprint: "check"))
            let state = revealed.first?.personalData
            if erasedPeople.contains(person) {
                guard case .redacted = state else {
                    Issue.record(
                        "cycle \(cycle): \(person) has a receipt but still reads as \(String(describing: state))")
                    continue
                }
            } else {
                #expect(state == .revealed, "cycle \(cycle): \(person) lost its data without a receipt")
            }
        }
        #expect(try LedgerVerifier(ledger: services.ledger).verify().ok, "cycle \(cycle)")
    }
}
