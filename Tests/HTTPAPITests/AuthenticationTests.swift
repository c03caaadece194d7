import Commands
import Domain
import Foundation
@testable import HTTPAPI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import Projections
import Testing

@Suite("HTTP API: tokens and bearer authentication")
struct AuthenticationTests {
    @Test("Health needs no token; every other route answers 401 problem+json without a valid one")
    func unauthenticated() async throws {
        let fixture = try await APIFixture(generate: false)
        let revoked = try fixture.server.tokens.create(role: .director, subject: UUID(), label: nil)
        try fixture.server.tokens.revoke(id: revoked.entry.id)
        let forged = "cus_\(revoked.entry.id)_" + String(repeating: "0", count: 64)
        try await fixture.test { client in
            #expect(try await client.send(.get, "/health", token: nil).status == .ok)
            for token in [nil, "nonsense", forged, revoked.token] {
                let response = try await client.send(.get, "/v1/views/PlanStatusView", token: token)
                #expect(response.status == .unauthorized)
                #expect(try response.problemCode() == "unauthorized")
                #expect(response.headers[.wwwAuthenticate] == "Bearer realm=\"cusledger\"")
            }
            let unknownRoute = try await client.send(.get, "/v1/nothing-here", token: nil)
            #expect(unknownRoute.status == .unauthorized)
            // The scheme's name in any case (RFC 9110 §11.1); nothing else before the token.
            let valid = try fixture.token(.director)
            let headers: [(String, HTTPResponse.Status)] = [
                ("bearer \(valid)", .ok), ("BEARER \(valid)", .ok), ("Bearer  \(valid)", .unauthorized),
                ("Basic \(valid)", .unauthorized), ("Bearer", .unauthorized),
            ]
            for (header, status) in headers {
                let response = try await client.send(
                    .get, "/v1/views/PlanStatusView", token: nil, headers: [("Authorization", header)])
                #expect(response.status == status, "\(header.prefix(8))")
            }
        }
    }

    @Test("A token's id is read only from cus_<id>_<secret> of at most 128 bytes: exactly two underscores")
    func tokenIDs() {
        let long = "cus_a_" + String(repeating: "0", count: 122)
        let cases: [(String, String?)] = [
            ("cus_ab12_00ff", "ab12"), ("cus__00ff", ""), ("cus_ab12_", "ab12"), ("cus_é_0", "é"), (long, "a"),
            ("cus_a_b_c", nil), ("cus_ab12", nil), ("cus_", nil), ("cus", nil), ("", nil), ("xcus_a_b", nil),
            ("CUS_a_b", nil), ("cus-a_b", nil), ("_cus_a_b", nil), (long + "0", nil),
        ]
        for (token, id) in cases { #expect(TokenStore.tokenID(token) == id, "\(token)") }
    }

    @Test("Tokens are stored only as SHA-256; a revoked token stops working at once")
    func storedHashed() throws {
        let directory = NSTemporaryDirectory() + "cus-tokens-\(UUID())"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = TokenStore(dataDirectory: directory)
        let subject = UUID()
        let created = try store.create(role: .coordinator, subject: subject, label: "desk 3")
        let parts = created.token.split(separator: "_")
        #expect(parts.count == 3 && parts[0] == "cus" && parts[1] == Substring(created.entry.id))
        #expect(parts[1].count == 12 && parts[2].count == 64, "48 random bits of id, 256 of secret, in hex")
        #expect(parts.dropFirst().allSatisfy { $0.allSatisfy(\.isHexDigit) })
        let file = try String(contentsOfFile: directory + "/tokens/tokens.json", encoding: .utf8)
        #expect(!file.contains(created.token))
        #expect(!file.contains(String(created.token.split(separator: "_")[2])))
        #expect(file.contains(created.entry.sha256))
        let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/tokens/tokens.json")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let principal = try #require(store.authenticate(created.token))
        #expect(principal.role == .coordinator && principal.subject == subject)
        #expect(store.authenticate(created.token + "0") == nil)
        #expect(try store.revoke(id: created.entry.id))
        #expect(store.authenticate(created.token) == nil)
        #expect(try store.revoke(id: created.entry.id) == false)
        #expect(throws: TokenStore.TokenError.self) { try store.revoke(id: "missing") }
        #expect(try store.list().map(\.id) == [created.entry.id])
        let other = try store.create(role: .coordinator, subject: subject, label: nil)
        #expect(other.entry.id != created.entry.id && other.token != created.token)
    }
}
