import Commands
import Domain
import Foundation
import HTTPAPI
import HTTPTypes
import HummingbirdTesting
import Ledger
import Testing

/// What the command route tests look up in the generated CUS: its events by category, and the streams' states.
extension APIFixture {
    /// Every event of `category`, in ledger order, with its record.
    func events(_ category: String) throws -> [(record: RecordedEvent, event: DomainEvent)] {
        let ledger = server.services.ledger
        var all: [(RecordedEvent, DomainEvent)] = []
        var next = Position(0)
        while true {
            let records = try ledger.read(category: try Category(category), from: next, limit: 1_000)
            for record in records {
                let decoded = try EventCodec.decode(
                    eventType: record.type.description, schemaVersion: record.schemaVersion,
                    clear: Array(record.payload))
                all.append((record, decoded.event))
            }
            guard let last = records.last else { return all }
            next = Position(last.position.rawValue + 1)
        }
    }

    var facts: DomainFacts { server.services.facts }

    /// A token for a staff member or provider named by id.
    func token(_ role: APIRole, for id: some EntityIdentifier) throws -> String {
        try token(role, subject: id.uuid)
    }

    /// The event id of the first event a command appended, from its answer.
    func eventID(at answer: TestResponse) throws -> String {
        let position = try #require(try answer.object()["firstPosition"] as? Int)
        let record = try #require(try server.services.ledger.readAll(from: Position(UInt64(position)), limit: 1).first)
        return record.id.rawValue.foundationUUID.uuidString.lowercased()
    }
}

extension TestClientProtocol {
    /// Sends a command twice under one Idempotency-Key: the first is recorded (201), the retry answers the same
    /// with `Idempotent-Replayed: true`. Returns the first answer.
    @discardableResult
    func recorded(_ uri: String, token: String, json: String) async throws -> TestResponse {
        let key = CommandTests.key()
        let first = try await send(.post, uri, token: token, json: json, headers: [key])
        #expect(first.status == .created, "\(uri): \(first.text)")
        let retry = try await send(.post, uri, token: token, json: json, headers: [key])
        #expect(retry.text == first.text, "\(uri)")
        #expect(retry.headers[try #require(HTTPField.Name("Idempotent-Replayed"))] == "true", "\(uri)")
        return first
    }
}
