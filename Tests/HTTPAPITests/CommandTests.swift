import Commands
import Domain
import Foundation
import HTTPAPI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import Projections
import Testing

@Suite("HTTP API: commands, idempotency and their errors")
struct CommandTests {
    static func registration(_ person: String, tags: String = #"["intake"]"#) -> String {
        #"{"personRef":"\#(person)","purposeTags":\#(tags),"identity":{"givenName":"Zofia","familyName":"Nowakowska","sex":"female","ageBand":"75plus","district":"d-03"}}"#
    }

    static func key() -> (String, String) { ("Idempotency-Key", UUID().uuidString.lowercased()) }

    @Test("Register, signal and apply: positions and stream versions come back, the view shows it at minPosition")
    func residentFlow() async throws {
        let fixture = try await APIFixture()
        let clerk = try fixture.token(.intakeClerk)
        let programme = try #require(fixture.programmes.first)
        let facts = try fixture.server.services.facts.programmeFacts(programme)
        let service = try #require(facts.services.keys.sorted().first)
        let person = UUID().uuidString.lowercased()
        let application = UUID().uuidString.lowercased()
        try await fixture.test { client in
            let registered = try await client.send(
                .post, "/v1/persons", token: clerk, json: Self.registration(person), headers: [Self.key()])
            #expect(registered.status == .created)
            let body = try registered.object()
            #expect(body["stream"] as? String == "person-\(person)")
            #expect(body["streamVersion"] as? Int == 0)
            #expect(registered.headers[.eTag] == "\"0\"")
            let signal =
                #"{"personRef":"\#(person)","source":"family","channel":"phone","signalledOn":"2025-04-10","description":"Potrzebna pomoc."}"#
            let signalled = try await client.send(
                .post, "/v1/applications/\(application)/need-signals", token: clerk, json: signal,
                headers: [Self.key()])
            #expect(signalled.status == .created)
            let submit =
                #"{"personRef":"\#(person)","applicantRole":"self","channel":"inPerson","programmeIds":["\#(programme)"],"requestedServiceIds":["\#(service)"],"filedAt":"2025-04-18","notes":"Wniosek."}"#
            let submitted = try await client.send(
                .post, "/v1/applications/\(application)", token: clerk, json: submit,
                headers: [Self.key(), ("If-Match", "\"0\"")])
            #expect(submitted.status == .created, "\(submitted.text)")
            let position = try #require(try submitted.object()["lastPosition"] as? Int)
            #expect(try submitted.object()["streamVersion"] as? Int == 1)
            let queue = try await client.send(
                .get, "/v1/views/ApplicationQueue?key=\(programme)&limit=1000&minPosition=\(position)", token: clerk)
            #expect(try #require(try queue.object()["checkpoint"] as? Int) > position)
            #expect(queue.text.contains(application))
            #expect(!queue.text.contains("Nowakowska") && !queue.text.contains("Wniosek"))
        }
    }

    @Test("A command that would seal new personal data for an erased resident is 422 subject-erased, never a 503")
    func erasedResident() async throws {
        let fixture = try await APIFixture(generate: false)
        let clerk = try fixture.token(.intakeClerk)
        let personID = UUID()
        let person = personID.uuidString.lowercased()
        let director = Actor.staff(StaffID(uuid: fixture.subject(of: .director)), role: .director)
        try await fixture.test { client in
            let registered = try await client.send(
                .post, "/v1/persons", token: clerk, json: Self.registration(person), headers: [Self.key()])
            #expect(registered.status == .created)
            _ = try await IntakeCommands(services: fixture.server.services).erase(
                PersonRef(uuid: personID), reason: .art17, legalBasisRef: "RODO art. 17",
                requestID: RequestID(uuid: UUID()),
                envelope: CommandEnvelope(
                    commandID: UUID128.random(), actor: director, occurredAt: Instant(APIFixture.now),
                    fingerprint: "erase"))
            let signal =
                #"{"personRef":"\#(person)","source":"family","channel":"phone","signalledOn":"2025-04-10","description":"Potrzebna pomoc."}"#
            let signalled = try await client.send(
                .post, "/v1/applications/\(UUID().uuidString.lowercased())/need-signals", token: clerk, json: signal,
                headers: [Self.key()])
            #expect(signalled.status == .unprocessableContent, "\(signalled.text)")
            #expect(try signalled.problemCode() == "subject-erased")
        }
    }

    @Test("Idempotency-Key: a retry answers the original, another request under it is 422, a missing or bad key 400")
    func idempotency() async throws {
        let fixture = try await APIFixture(generate: false)
        let clerk = try fixture.token(.intakeClerk)
        let person = UUID().uuidString.lowercased()
        let key = Self.key()
        try await fixture.test { client in
            let first = try await client.send(
                .post, "/v1/persons", token: clerk, json: Self.registration(person), headers: [key])
            let retry = try await client.send(
                .post, "/v1/persons", token: clerk, json: Self.registration(person), headers: [key])
            #expect(first.status == .created && retry.status == .created)
            #expect(first.text == retry.text)
            let replayed = try #require(HTTPField.Name("Idempotent-Replayed"))
            #expect(retry.headers[replayed] == "true")
            let other = try await client.send(
                .post, "/v1/persons", token: clerk, json: Self.registration(person, tags: #"["other"]"#),
                headers: [key])
            #expect(other.status == .unprocessableContent)
            #expect(try other.problemCode() == "idempotency-key-reused")
            let missing = try await client.send(.post, "/v1/persons", token: clerk, json: Self.registration(person))
            #expect(missing.status == .badRequest)
            let notUUID = try await client.send(
                .post, "/v1/persons", token: clerk, json: Self.registration(person),
                headers: [("Idempotency-Key", "retry-1")])
            #expect(notUUID.status == .badRequest)
            let badKeys = [
                String(key.1.dropLast()), key.1.replacingOccurrences(of: "-", with: "g"), key.1 + "0",
                #""" \#(key.1)""""#, #"""\#(key.1)"""#, #""\#(key.1)"#, "\"\(key.1) \"",
            ]
            for bad in badKeys {
                let refused = try await client.send(
                    .post, "/v1/persons", token: clerk, json: Self.registration(person),
                    headers: [("Idempotency-Key", bad)])
                #expect(refused.status == .badRequest, "\(bad)")
            }
            // Quoted, padded and upper-case text names the same key: the original answer again.
            let quoted = try await client.send(
                .post, "/v1/persons", token: clerk, json: Self.registration(person),
                headers: [("Idempotency-Key", #" "\#(key.1.uppercased())" "#)])
            #expect(quoted.status == .created && quoted.headers[replayed] == "true")
            #expect(try fixture.server.services.ledger.treeSize() == 2)  // RuleSetPublished + PersonRegistered
        }
    }

    @Test("If-Match: another stream version is 412 precondition-failed and nothing is appended")
    func ifMatch() async throws {
        let fixture = try await APIFixture(generate: false)
        let clerk = try fixture.token(.coordinator)
        let application = UUID().uuidString.lowercased()
        let person = UUID().uuidString.lowercased()
        let signal =
            #"{"personRef":"\#(person)","source":"family","channel":"phone","signalledOn":"2025-04-10","description":"x"}"#
        try await fixture.test { client in
            let stale = try await client.send(
                .post, "/v1/applications/\(application)/need-signals", token: clerk, json: signal,
                headers: [Self.key(), ("If-Match", "\"3\"")])
            #expect(stale.status == .preconditionFailed)
            #expect(try stale.problemCode() == "precondition-failed")
            // A stream version in digits, bare or in quotes; a weak tag does not match strongly (RFC 9110).
            for header in ["latest", #"W/"0""#, #"WW//"+0"W/"#, #""+0""#, #""0"#, "-0", "0x0", #""""0"""#] {
                let badHeader = try await client.send(
                    .post, "/v1/applications/\(application)/need-signals", token: clerk, json: signal,
                    headers: [Self.key(), ("If-Match", header)])
                #expect(badHeader.status == .badRequest, "\(header)")
            }
            #expect(try fixture.server.services.ledger.treeSize() <= 1)
        }
    }

    @Test("Bad bodies are 400 naming the field, never 500; too large is 413; rules refuse with 422 and their code")
    func badBodies() async throws {
        let fixture = try await APIFixture(limits: APILimits(bodyBytesMax: 2_048), generate: false)
        let clerk = try fixture.token(.intakeClerk)
        let person = UUID().uuidString.lowercased()
        try await fixture.test { client in
            let cases: [(String, String)] = [
                ("{", "the body is not valid JSON"), ("[]", "the body has the wrong type"),
                ("", "a JSON body is required"),
                (#"{"personRef":"\#(person)","purposeTags":[]}"#, "$.identity is required"),
                (
                    #"{"personRef":"nope","purposeTags":[],"identity":{"givenName":"A","familyName":"B"}}"#,
                    "$.personRef is invalid"
                ),
                (
                    #"{"personRef":"\#(person)","purposeTags":"x","identity":{"givenName":"A","familyName":"B"}}"#,
                    "$.purposeTags has the wrong type"
                ),
                (
                    #"{"personRef":"\#(person)","purposeTags":[],"identity":{"givenName":"A","familyName":"B","sex":"robot"}}"#,
                    "$.identity.sex is invalid"
                ),
                (
                    #"{"personRef":"\#(person)","purposeTags":[],"identity":{"givenName":"A","familyName":"B","nationalId":"1"}}"#,
                    "$.identity.nationalId is not a field of this request"
                ),
                (
                    #"{"personRef":"\#(person)","purposeTags":[],"bogus":1,"identity":{"givenName":"A","familyName":"B"}}"#,
                    "$.bogus is not a field of this request"
                ),
            ]
            for (body, detail) in cases {
                let response = try await client.send(
                    .post, "/v1/persons", token: clerk, json: body, headers: [Self.key()])
                #expect(response.status == .badRequest, "\(body)")
                #expect(try response.object()["detail"] as? String == detail, "\(body)")
            }
            let large = Self.registration(person).replacingOccurrences(
                of: "Zofia", with: String(repeating: "Z", count: 3_000))
            let tooLarge = try await client.send(.post, "/v1/persons", token: clerk, json: large, headers: [Self.key()])
            #expect(tooLarge.status == .contentTooLarge)
            #expect(try tooLarge.problemCode() == "limit-exceeded")
            for type in ["text/plain", "application/x-www-form-urlencoded", "application/jsonx", "json"] {
                let response = try await client.send(
                    .post, "/v1/persons", token: clerk, json: Self.registration(person),
                    headers: [Self.key(), ("Content-Type", type)])
                #expect(response.status == .unsupportedMediaType, "\(type)")
                #expect(try response.problemCode() == "unsupported-media-type")
            }
            let untyped = try await client.send(.post, "/v1/persons", token: clerk, headers: [Self.key()])
            #expect(untyped.status == .unsupportedMediaType, "no body and no Content-Type")
            let charset = try await client.send(
                .post, "/v1/persons", token: clerk, json: Self.registration(UUID().uuidString.lowercased()),
                headers: [Self.key(), ("Content-Type", "Application/JSON; charset=utf-8")])
            #expect(charset.status == .created, "\(charset.text)")
            // Well-formed, but a field breaks its schema's constraints (givenName: minLength 1): 400 too.
            let unnamed = try await client.send(
                .post, "/v1/persons", token: clerk,
                json: Self.registration(UUID().uuidString.lowercased()).replacingOccurrences(of: "Zofia", with: ""),
                headers: [Self.key()])
            #expect(unnamed.status == .badRequest, "\(unnamed.text)")
            #expect(try unnamed.problemCode() == "invalid-fields")
            let application = UUID().uuidString.lowercased()
            let unregistered =
                #"{"personRef":"\#(person)","applicantRole":"self","channel":"inPerson","programmeIds":[],"requestedServiceIds":[],"filedAt":"2025-04-15"}"#
            let refused = try await client.send(
                .post, "/v1/applications/\(application)", token: clerk, json: unregistered, headers: [Self.key()])
            #expect(refused.status == .unprocessableContent, "\(refused.text)")
            #expect(try refused.problemCode() != nil)
        }
    }

    @Test("Roles without intake rights are 403 before the body is read; a full write queue is 429")
    func forbiddenAndFull() async throws {
        let fixture = try await APIFixture(limits: APILimits(commandsInFlightMax: 0), generate: false)
        let person = UUID().uuidString.lowercased()
        try await fixture.test { client in
            for role in APIRole.allCases where ![.intakeClerk, .coordinator].contains(role) {
                let response = try await client.send(
                    .post, "/v1/persons", token: try fixture.token(role), json: "{", headers: [Self.key()])
                #expect(response.status == .forbidden, "\(role)")
            }
            let full = try await client.send(
                .post, "/v1/persons", token: try fixture.token(.intakeClerk), json: Self.registration(person),
                headers: [Self.key()])
            #expect(full.status == .tooManyRequests)
            #expect(try full.problemCode() == "too-many-requests")
            #expect(try fixture.server.services.ledger.treeSize() == 0)
        }
    }
}
