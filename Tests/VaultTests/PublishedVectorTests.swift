import Foundation
import Ledger
import Testing
import Vault

/// The sealed records of `Schemas/ledger-record-vectors.json`, decoded by the ledger and opened by the Vault's
/// AAD and AEAD code with the published test data key.
@Suite("Published sealed vectors")
struct PublishedVectorTests {
    struct File: Decodable {
        let records: [Record]
    }

    struct Record: Decodable {
        let name: String
        let hex: String
        let position: UInt64
        let sealedPlaintext: Sealed?
    }

    struct Sealed: Decodable {
        let dataKeyHex: String
        let aadHex: String
        let plaintext: String
    }

    static func records() throws -> [Record] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Schemas/ledger-record-vectors.json")
        let file = try JSONDecoder().decode(File.self, from: try Data(contentsOf: url))
        return file.records.filter { $0.sealedPlaintext != nil }
    }

    @Test("Every sealed vector's AAD matches and its sealed part opens to the published plaintext")
    func sealedVectorsOpen() throws {
        let records = try Self.records()
        #expect(records.count >= 2)
        for record in records {
            let sealedPlaintext = try #require(record.sealedPlaintext)
            let bytes = try #require(Hex.decode(record.hex.utf8))
            let event = try RecordDecoder.decode(bytes, expectedPosition: Position(record.position))
            let sealed = try #require(event.sealed, "\(record.name) has no sealed part")
            let aad = Vault.associatedData(
                binding: SealBinding(event), keyID: sealed.keyID, algorithm: sealed.algorithm)
            #expect(Hex.encode(aad) == sealedPlaintext.aadHex, "\(record.name)")
            let key = try #require(Hex.decode(sealedPlaintext.dataKeyHex.utf8))
            let opened = try Vault.open(sealed, binding: SealBinding(event), dataKeyBytes: key)
            #expect(opened == Array(sealedPlaintext.plaintext.utf8), "\(record.name)")
        }
    }

    @Test("A published sealed part does not open under another event's binding")
    func vectorBindingMismatch() throws {
        let record = try #require(try Self.records().first)
        let sealedPlaintext = try #require(record.sealedPlaintext)
        let event = try RecordDecoder.decode(try #require(Hex.decode(record.hex.utf8)))
        let sealed = try #require(event.sealed)
        var binding = SealBinding(event)
        binding.eventType = try EventType("PersonUpdated")
        let key = try #require(Hex.decode(sealedPlaintext.dataKeyHex.utf8))
        #expect(throws: VaultError.self) { _ = try Vault.open(sealed, binding: binding, dataKeyBytes: key) }
    }
}
