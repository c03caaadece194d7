import Commands
import Domain
import Foundation
import HTTPAPI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import Testing

@Suite("HTTP API: fee, exemption and payment commands")
struct FeeRouteTests {
    /// A charged account of the generated CUS without exemptions, whose service's fee rule has exemption rules,
    /// and a month of the generated period not yet charged for it.
    struct Account {
        var person: PersonRef
        var programme: ProgrammeID
        var service: String
        var rule: FeeRuleDefined
        var month: String

        var path: String { "/v1/fee-accounts/\(person)/\(programme)" }
    }

    static func account(_ fixture: APIFixture) throws -> Account {
        for (_, event) in try fixture.events("feeaccount") {
            guard case .feeAssessed(let charge) = event else { continue }
            let state = try fixture.facts.state(
                FeeAccountDecider.self,
                of: try LedgerNames.feeAccount(charge.personRef, programme: charge.programmeId))
            let programme = try fixture.facts.programme(charge.programmeId)
            guard state.exemptions.isEmpty, let rule = programme.feeRule(forService: charge.serviceId),
                !rule.exemptionRules.isEmpty,
                let month = ["2025-01", "2025-02", "2025-03", "2025-04"].first(where: {
                    state.charge(for: $0, serviceId: charge.serviceId) == nil
                })
            else { continue }
            return Account(
                person: charge.personRef, programme: charge.programmeId, service: charge.serviceId, rule: rule,
                month: month)
        }
        throw CommandError(.invalidRequest, "the generated CUS has no account to charge")
    }

    static func send(
        _ client: some TestClientProtocol, _ account: Account, _ path: String, token: String, _ json: String,
        headers: [(String, String)] = [CommandTests.key()]
    ) async throws -> TestResponse {
        try await client.send(.post, "\(account.path)/\(path)", token: token, json: json, headers: headers)
    }

    @Test("Charge, pay (natural key), cancel and write off: replay, refusals by rule, bad bodies")
    func charges() async throws {
        let fixture = try await APIFixture()
        let account = try Self.account(fixture)
        let finance = try fixture.token(.financeOfficer)
        let charge = ChargeID(uuid: UUID())
        // The highest income tier, which pays the most.
        let tier =
            account.rule.incomeTiers.indices.max {
                account.rule.incomeTiers[$0].feePercent < account.rule.incomeTiers[$1].feePercent
            }
            .map(String.init) ?? "null"
        @Sendable func assess(_ id: ChargeID, period: String, service: String) -> String {
            #"{"chargeId":"\#(id)","chargePeriod":"\#(period)","serviceId":"\#(service)","units":2,"incomeTierIndex":\#(tier),"incomeBasis":150000}"#
        }
        let first = assess(charge, period: account.month, service: account.service)
        try await fixture.test { client in
            let key = CommandTests.key()
            let assessed = try await Self.send(client, account, "charges", token: finance, first, headers: [key])
            #expect(assessed.status == .created, "\(assessed.text)")
            #expect(
                try assessed.object()["stream"] as? String
                    == "\(try LedgerNames.feeAccount(account.person, programme: account.programme))")
            let retry = try await Self.send(client, account, "charges", token: finance, first, headers: [key])
            #expect(retry.text == assessed.text)
            let refusals: [(String, String)] = [
                (assess(ChargeID(uuid: UUID()), period: account.month, service: account.service), "already-charged"),
                (assess(ChargeID(uuid: UUID()), period: "2025-13", service: account.service), "invalid-charge-period"),
                (assess(ChargeID(uuid: UUID()), period: "2025-+9", service: account.service), "invalid-charge-period"),
                (assess(ChargeID(uuid: UUID()), period: "-2025-5", service: account.service), "invalid-charge-period"),
                (assess(ChargeID(uuid: UUID()), period: "2025--3", service: account.service), "invalid-charge-period"),
                (assess(ChargeID(uuid: UUID()), period: account.month, service: "no-such-service"), "no-fee-rule"),
            ]
            for (json, code) in refusals {
                let response = try await Self.send(client, account, "charges", token: finance, json)
                #expect(response.status == .unprocessableContent, "\(code)")
                #expect(try response.problemCode() == code)
            }
            let payment =
                #"{"paymentReference":"PL61/HTTP/1","amount":100,"receivedOn":"2025-04-18","method":"bankTransfer","allocations":[{"chargeId":"\#(charge)","amount":100}]}"#
            let paid = try await Self.send(client, account, "payments", token: finance, payment, headers: [])
            #expect(paid.status == .created, "\(paid.text)")
            let natural = NaturalKeyCommandID.payment(
                payer: account.person, programmeID: account.programme, reference: "PL61/HTTP/1",
                businessDate: LocalDate(daysSinceEpoch: 20_196))
            #expect(try paid.object()["commandId"] as? String == natural.description)
            let statementReadTwice = try await Self.send(client, account, "payments", token: finance, payment)
            #expect(statementReadTwice.text == paid.text)
            let cancel = #"{"chargeId":"\#(charge)","amount":50,"reason":"Korekta naliczenia."}"#
            try await client.recorded("\(account.path)/charge-cancellations", token: finance, json: cancel)
            let writeOff = #"{"chargeId":"\#(charge)","amount":10,"reason":"Umorzenie.","decisionRef":"CUS.3121.1"}"#
            let byClerk = try await Self.send(
                client, account, "charge-write-offs", token: try fixture.token(.intakeClerk), writeOff)
            #expect(try byClerk.problemCode() == "not-authorised-to-decide", "\(byClerk.text)")
            try await client.recorded(
                "\(account.path)/charge-write-offs", token: try fixture.token(.director), json: writeOff)
            let bad: [(String, String, String)] = [
                (
                    "charge-cancellations", #"{"chargeId":"\#(charge)","amount":"fifty","reason":"x"}"#,
                    "$.amount has the wrong type"
                ),
                (
                    "charge-cancellations",
                    #"{"chargeId":"\#(charge)","amount":5,"reason":"x","personRef":"\#(UUID().uuidString.lowercased())"}"#,
                    "$.personRef does not match the resource the path names"
                ),
                (
                    "payments",
                    #"{"paymentReference":"R","amount":1,"receivedOn":"2025-04-18","method":"cheque","allocations":[]}"#,
                    "$.method is invalid"
                ),
            ]
            for (path, json, detail) in bad {
                let response = try await Self.send(client, account, path, token: finance, json)
                #expect(response.status == .badRequest, "\(json)")
                #expect(try response.object()["detail"] as? String == detail, "\(json)")
            }
        }
    }

    @Test(
        "Exemptions: requested, refused, requested again, granted and revoked by the director; roles outside fees are 403"
    )
    func exemptions() async throws {
        let fixture = try await APIFixture()
        let account = try Self.account(fixture)
        let clerk = try fixture.token(.intakeClerk)
        let director = try fixture.token(.director)
        let exemptionRule = try #require(account.rule.exemptionRules.first)
        let exemption = ExemptionID(uuid: UUID())
        let services = String(decoding: try JSONEncoder().encode(account.rule.serviceIds), as: UTF8.self)
        try await fixture.test { client in
            let request = #"{"requestedKind":"\#(exemptionRule.kind.rawValue)","grounds":"Niski dochód."}"#
            try await client.recorded("\(account.path)/exemption-requests", token: clerk, json: request)
            let refusal = #"{"decisionRef":"CUS.3120.1.2025","reason":"Dochód powyżej progu."}"#
            try await client.recorded("\(account.path)/exemption-refusals", token: director, json: refusal)
            let nothingPending = try await Self.send(client, account, "exemption-refusals", token: director, refusal)
            #expect(try nothingPending.problemCode() == "no-pending-request")
            try await client.recorded("\(account.path)/exemption-requests", token: clerk, json: request)
            let grant =
                #"{"exemptionId":"\#(exemption)","kind":"\#(exemptionRule.kind.rawValue)","percent":\#(exemptionRule.percent),"validFrom":"2025-06-01","validTo":"2025-11-30","serviceIds":\#(services),"exemptionRuleId":"\#(exemptionRule.exemptionRuleId)","decisionRef":"CUS.3120.2.2025","criterionMet":"Dochód poniżej progu."}"#
            try await client.recorded("\(account.path)/exemptions", token: director, json: grant)
            let revoke =
                #"{"exemptionId":"\#(exemption)","effectiveFrom":"2025-09-01","decisionRef":"CUS.3120.3.2025","reason":"Wzrost dochodu."}"#
            try await client.recorded("\(account.path)/exemption-revocations", token: director, json: revoke)
            let noReason = try await Self.send(
                client, account, "exemption-revocations", token: director,
                #"{"exemptionId":"\#(exemption)","effectiveFrom":"2025-09-01"}"#)
            #expect(try noReason.object()["detail"] as? String == "$.reason is required")
            for role in APIRole.allCases where ![.financeOfficer, .intakeClerk, .director].contains(role) {
                let response = try await Self.send(
                    client, account, "exemption-requests", token: try fixture.token(role), "{")
                #expect(response.status == .forbidden, "\(role)")
            }
        }
    }
}
