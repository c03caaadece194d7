import Commands
import Domain
import Foundation
import Ledger
import LedgerTesting
import Testing

@Suite("Export of domain events (ledger.md §3.4)")
struct DomainExportTests {
    @Test("Domain events export their clear part as JSON, never the personal fields, and import back identically")
    func exportAndImport() async throws {
        let fixture = try CommandsFixture()
        defer { fixture.directory.remove() }
        let services = try fixture.open()
        try await CommandsFixture.register(PersonRef(uuid: UUID()), givenName: "Jadwiga-Marker", in: services)
        let root = try services.ledger.merkleRoot()
        let export = fixture.directory.path + "/export.jsonl"
        _ = try LedgerExporter(ledger: services.ledger, payloadJSON: DomainPayloadJSON.renderer).export(to: export)
        services.close()
        let text = try String(contentsOfFile: export, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(!text.contains("Jadwiga"))
        #expect(!text.contains("payloadBase64"))
        let line = try #require(
            try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        let payload = try #require(line["payload"] as? [String: Any])
        #expect((payload["context"] as? [String: Any])?["ruleSetVersion"] as? String == "cus-act/2020-01-01.1")
        #expect((payload["event"] as? [String: Any])?["purposeTags"] as? [String] == ["intake"])

        let importer = LedgerImporter(path: export, payloadJSON: DomainPayloadJSON.renderer)
        #expect(try importer.validate().root == root)

        let tampered = fixture.directory.path + "/tampered.jsonl"
        try text.replacingOccurrences(of: "\"intake\"", with: "\"other\"")
            .write(toFile: tampered, atomically: true, encoding: .utf8)
        #expect(throws: LedgerError.self) {
            _ = try LedgerImporter(path: tampered, payloadJSON: DomainPayloadJSON.renderer).validate()
        }
    }
}
