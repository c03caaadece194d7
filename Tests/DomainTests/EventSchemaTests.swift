import Crypto
import Domain
import Foundation
import Testing

@Suite("Event schemas in Schemas/events (contracts are forever)")
struct EventSchemaTests {
    static let schemaDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Schemas/events")

    static func schema(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: schemaDirectory.appendingPathComponent(name))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("Every readable type and version has its clear schema, and a sealed one exactly when it has personal fields")
    func everyTypeHasItsSchemas() throws {
        let payloads = DomainEvent.samples.map(\.payload) + DomainEvent.olderVersionSamples
        #expect(payloads.count == DomainEvent.registry.values.map(\.readable.count).reduce(0, +))
        for payload in payloads {
            let type = type(of: payload)
            let stem = "\(type.eventType).v\(type.schemaVersion)"
            let clear = try Self.schema(stem + ".schema.json")
            let metadata = try #require(clear["x-cus"] as? [String: Any])
            #expect(metadata["category"] as? String == type.category)
            #expect(metadata["eventType"] as? String == type.eventType)
            let hasSealedSchema = FileManager.default.fileExists(
                atPath: Self.schemaDirectory.appendingPathComponent(stem + ".sealed.schema.json").path)
            #expect(hasSealedSchema == !type.personalFieldNames.isEmpty, "\(stem)")
            #expect((metadata["personalData"] as? Bool) == !type.personalFieldNames.isEmpty)
        }
    }

    @Test("No shipped schema has changed, and every schema file is shipped")
    func shippedSchemasAreUnchanged() throws {
        let shipped = try String(
            contentsOf: Self.schemaDirectory.appendingPathComponent("SHIPPED"), encoding: .utf8)
        var hashes: [String: String] = [:]
        for line in shipped.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            try #require(parts.count == 2)
            hashes[String(parts[1])] = String(parts[0])
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.schemaDirectory.path)
            .filter { $0.hasSuffix(".schema.json") }
        #expect(Set(files) == Set(hashes.keys))
        for file in files {
            let data = try Data(contentsOf: Self.schemaDirectory.appendingPathComponent(file))
            let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            #expect(hashes[file] == digest, "\(file) changed after it shipped: add a version and an upcaster")
        }
    }

    @Test("The catalogue's sealed fields are exactly the personal fields of each Swift type")
    func sealedSchemasListThePersonalFields() throws {
        for event in DomainEvent.samples {
            let type = type(of: event.payload)
            guard !type.personalFieldNames.isEmpty else { continue }
            let sealed = try Self.schema("\(type.eventType).v\(type.schemaVersion).sealed.schema.json")
            let properties = try #require(sealed["properties"] as? [String: Any])
            #expect(Set(properties.keys) == Set(type.personalFieldNames))
            let clear = try Self.schema("\(type.eventType).v\(type.schemaVersion).schema.json")
            let eventSchema = try #require((clear["properties"] as? [String: Any])?["event"] as? [String: Any])
            let clearFields = Set(try #require(eventSchema["properties"] as? [String: Any]).keys)
            #expect(clearFields.isDisjoint(with: type.personalFieldNames))
        }
    }
}
