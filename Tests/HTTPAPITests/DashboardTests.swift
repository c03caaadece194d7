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

@Suite("Dashboard: login, sessions, pages per role, scoping, CSV")
struct DashboardTests {
    /// The router test framework sends every request to authority "localhost".
    static let origin = ("Origin", "http://localhost")

    @Test("Login sets an HttpOnly SameSite=Strict session cookie without the token; logout and revocation end it")
    func loginAndLogout() async throws {
        let fixture = try await APIFixture()
        let token = try fixture.token(.director)
        try await fixture.test { client in
            let anonymous = try await client.send(.get, "/ui/plans", token: nil)
            #expect(anonymous.status == .seeOther)
            #expect(anonymous.headers[.location] == "/ui/login")
            let bearerOnly = try await client.send(.get, "/ui/plans", token: token)
            #expect(bearerOnly.status == .seeOther, "pages take a session, not a bearer token")
            let form = try await client.send(.get, "/ui/login", token: nil)
            #expect(form.status == .ok)
            #expect(form.text.contains("<html lang=\"pl\">") && form.text.contains("<label for=\"token\">"))
            #expect(form.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
            let stylesheet = try await client.send(.get, "/ui/static/dashboard.css", token: nil)
            #expect(stylesheet.status == .ok && stylesheet.headers[.contentType] == "text/css; charset=utf-8")
            #expect(stylesheet.text.contains("@media print"))
            let script = try await client.send(.get, "/ui/static/dashboard.js", token: nil)
            #expect(script.status == .ok && script.text.contains("data-autosubmit"))

            let wrong = try await client.login("cus_nothing_here", headers: [Self.origin])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.headers[.setCookie] == nil)
            #expect(wrong.text.contains("role=\"alert\""))
            let noOrigin = try await client.login(token, headers: [])
            #expect(noOrigin.status == .forbidden)
            #expect(try noOrigin.problemCode() == "cross-origin")
            let foreign = try await client.login(token, headers: [("Origin", "http://evil.example")])
            #expect(foreign.status == .forbidden)
            let lookalike = try await client.login(token, headers: [("Origin", "http://localhost.evil.example")])
            #expect(lookalike.status == .forbidden)
            let viaReferer = try await client.login(token, headers: [("Referer", "http://localhost/ui/login")])
            #expect(viaReferer.status == .seeOther, "without Origin, the Referer names the page")

            let login = try await client.login(token, headers: [Self.origin])
            #expect(login.status == .seeOther)
            let cookie = try #require(login.headers[.setCookie])
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/ui"))
            #expect(!cookie.contains("Secure"), "plain HTTP: a Secure cookie would never come back")
            #expect(!cookie.contains(token) && !cookie.contains(String(token.split(separator: "_")[2])))
            let session = try #require(cookie.split(separator: ";").first.map(String.init))
            #expect(try await client.page("/ui", session).status == .ok)

            let overTLS = try await client.login(
                token, headers: [Self.origin, ("X-Forwarded-Proto", "https")])
            #expect(overTLS.headers[.setCookie]?.contains("; Secure") == true)

            let foreignLogout = try await client.send(
                .post, "/ui/logout", token: nil, headers: [("Cookie", session)])
            #expect(foreignLogout.status == .forbidden)
            let logout = try await client.send(
                .post, "/ui/logout", token: nil, headers: [("Cookie", session), Self.origin])
            #expect(logout.status == .seeOther)
            #expect(logout.headers[.setCookie]?.contains("Max-Age=0") == true)
            #expect(try await client.page("/ui", session).status == .seeOther)

            let second = try await client.session(token)
            #expect(try await client.page("/ui", second).status == .ok)
            let id = String(token.split(separator: "_")[1])
            #expect(try fixture.server.tokens.revoke(id: id))
            #expect(try await client.page("/ui", second).status == .seeOther, "a revoked token ends its sessions")
        }
    }

    @Test("Each page answers 200 to the roles AccessPolicy lets read its data and a 403 page to every other role")
    func pagesPerRole() async throws {
        let fixture = try await APIFixture()
        let open: [String: Set<APIRole>] = [
            "/ui/programmes": [.evaluator, .servicesOrganiser, .director, .auditor],
            "/ui/plans": [.coordinator, .servicesOrganiser, .director, .auditor],
            "/ui/providers": [.providerStaff, .servicesOrganiser, .director, .auditor, .financeOfficer],
            "/ui/ledger": [.operator, .auditor],
        ]
        var created: [APIRole: String] = [:]
        for role in APIRole.allCases { created[role] = try fixture.token(role) }
        let tokens = created
        try await fixture.test { client in
            for role in APIRole.allCases {
                let session = try await client.session(try #require(tokens[role]))
                let home = try await client.page("/ui", session)
                #expect(home.status == .ok)
                for (path, roles) in open {
                    let response = try await client.page(path, session)
                    #expect(response.status == (roles.contains(role) ? .ok : .forbidden), "\(role) \(path)")
                    #expect(response.headers[.contentType] == "text/html; charset=utf-8", "\(role) \(path)")
                    #expect(home.text.contains("href=\"\(path)\"") == roles.contains(role), "\(role) nav \(path)")
                }
            }
        }
    }

    @Test("The evaluator's dashboard groups the indicators, marks suppressed cells and shows no personal reference")
    func evaluatorSeesNoPersonalData() async throws {
        let fixture = try await APIFixture()
        let evaluator = try fixture.token(.evaluator)
        let director = try fixture.token(.director)
        let programme = try #require(fixture.programmes.first)
        try await fixture.test { client in
            let plans = try await client.send(.get, "/v1/views/PlanStatusView?limit=500", token: director).object()
            let rows = try #require(plans["rows"] as? [[String: Any]])
            let references = rows.flatMap { [$0["personRef"], $0["householdRef"]] }.compactMap { $0 as? String }
            #expect(!references.isEmpty)
            let session = try await client.session(evaluator)
            let list = try await client.page("/ui/programmes", session)
            #expect(list.text.contains("/ui/programmes/\(programme)"))
            let page = try await client.page("/ui/programmes/\(programme)?from=2025-01-01&to=2025-05-01", session)
            #expect(page.status == .ok)
            for heading in ["Zasięg", "Dostęp", "Realizacja usług", "Finanse"] {
                #expect(page.text.contains(heading), "group \(heading)")
            }
            #expect(page.text.contains("<svg") && page.text.contains("role=\"img\""))
            #expect(page.text.contains("&lt;5"), "the fixture's small centre has suppressed cells")
            let csv = try await client.page(
                "/ui/programmes/\(programme)/indicators.csv?from=2025-01-01&to=2025-05-01", session)
            for reference in references {
                #expect(!page.text.contains(reference) && !csv.text.contains(reference))
            }
            #expect(try await client.page("/ui/plans", session).status == .forbidden)
            let byDefault = try await client.page("/ui/programmes/\(programme)", session)
            #expect(
                byDefault.text.contains("name=\"to\" type=\"date\" value=\"2025-05-01\""),
                "the default period ends with the month of the fixture's latest activity (April 2025)")
            let unknown = try await client.page("/ui/programmes/\(UUID().uuidString.lowercased())", session)
            #expect(unknown.status == .notFound)
            for bad in [
                "from=2025-13-01&to=2025-05-01", "from=2025-01-01", "from=2025-05-01&to=2025-01-01",
                "from=2020-01-01&to=2025-01-01", "asOf=someday", "lang=de",
            ] {
                let response = try await client.page("/ui/programmes/\(programme)?\(bad)", session)
                #expect(response.status == .badRequest, "\(bad)")
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(!response.text.contains("someday"))
            }
        }
    }

    @Test("The CSV download holds exactly the cells of the JSON indicators for the same period")
    func csvEqualsJSON() async throws {
        let fixture = try await APIFixture()
        let evaluator = try fixture.token(.evaluator)
        let programme = try #require(fixture.programmes.first)
        let query = "from=2025-01-01&to=2025-04-01"
        try await fixture.test { client in
            let answer = try await client.send(
                .get, "/v1/programmes/\(programme)/indicators?\(query)", token: evaluator)
            let json = try answer.object()
            let indicators = try #require(json["indicators"] as? [[String: Any]])
            let session = try await client.session(evaluator)
            let csv = try await client.page("/ui/programmes/\(programme)/indicators.csv?\(query)", session)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            let lines = csv.text.split(separator: "\r\n").map(String.init)
            #expect(lines.first?.hasPrefix("id,name,statistic,variant,breakdown,value,") == true)
            let records = lines.dropFirst().map(Self.csvRecord)
            #expect(records.count == indicators.count)
            for (record, cell) in zip(records, indicators) {
                #expect(record[0] == cell["id"] as? String)
                #expect(record[2] == cell["statistic"] as? String)
                #expect(record[3] == (cell["variant"] as? String ?? ""))
                let breakdown = (cell["breakdown"] as? [String: String] ?? [:]).sorted { $0.key < $1.key }
                #expect(record[4] == breakdown.map { "\($0.key)=\($0.value)" }.joined(separator: ";"))
                // The CSV's number is the JSON's text (JSONSerialization may round the last digit when parsing).
                if record[5].isEmpty {
                    #expect(cell["value"] == nil || cell["value"] is NSNull)
                } else {
                    #expect(
                        answer.text.contains("\"value\":\(record[5]),")
                            || answer.text.contains("\"value\":\(record[5])}"),
                        "\(record[5])")
                }
                #expect(Int64(record[6]) == (cell["numerator"] as? NSNumber)?.int64Value)
                #expect(Int64(record[7]) == (cell["denominator"] as? NSNumber)?.int64Value)
                #expect(record[8] == String(cell["suppressed"] as? Bool ?? false))
                #expect(record[9] == (cell["display"] as? String ?? ""))
                #expect(record[10] == String(describing: json["checkpoint"] ?? ""))
            }
            let missing = try await client.page("/ui/programmes/\(programme)/indicators.csv?from=2025-01-01", session)
            #expect(missing.status == .badRequest)
        }
    }

    @Test(
        "A coordinator sees only their caseload's plans; a plan page shows its units chart and a timeline without personal data"
    )
    func coordinatorCaseload() async throws {
        let fixture = try await APIFixture()
        let coordinator = try fixture.token(.coordinator)
        let director = try fixture.token(.director)
        try await fixture.test { client in
            let own = try await client.send(.get, "/v1/views/PlanStatusView?limit=500", token: coordinator).object()
            let ownIDs = Set(try #require(own["rows"] as? [[String: Any]]).compactMap { $0["planId"] as? String })
            let all = try await client.send(.get, "/v1/views/PlanStatusView?limit=500", token: director).object()
            let allRows = try #require(all["rows"] as? [[String: Any]])
            let others = allRows.compactMap { $0["planId"] as? String }.filter { !ownIDs.contains($0) }
            #expect(!ownIDs.isEmpty && !others.isEmpty)
            let session = try await client.session(coordinator)
            let list = try await client.page("/ui/plans?limit=500", session)
            #expect(list.status == .ok)
            for id in ownIDs { #expect(list.text.contains("/ui/plans/\(id)")) }
            for id in others { #expect(!list.text.contains(id)) }
            let first = try #require(ownIDs.sorted().first)
            let plan = try await client.page("/ui/plans/\(first)", session)
            #expect(plan.status == .ok)
            #expect(plan.text.contains("<svg") && plan.text.contains("PlanDrafted"))
            let row = try #require(allRows.first { $0["planId"] as? String == first })
            for field in ["personRef", "householdRef"] {
                if let reference = row[field] as? String { #expect(!plan.text.contains(reference), "\(field)") }
            }
            let foreign = try await client.page("/ui/plans/\(try #require(others.first))", session)
            #expect(foreign.status == .notFound, "another caseload's plan is 404, as a missing one")
            #expect(try await client.page("/ui/plans/not-a-plan", session).status == .notFound)
            let filtered = try await client.page("/ui/plans?status=active&flagged=1", session)
            #expect(filtered.status == .ok)
            #expect(try await client.page("/ui/plans?status=bogus", session).status == .badRequest)
            #expect(try await client.page("/ui/plans?limit=0", session).status == .badRequest)
        }
    }

    @Test("Provider staff see only their own provider's workload; the organiser sees every provider")
    func providerOwnRows() async throws {
        let fixture = try await APIFixture()
        let staff = try fixture.token(.providerStaff)
        let organiser = try fixture.token(.servicesOrganiser)
        try await fixture.test { client in
            let own = try await client.send(.get, "/v1/views/ProviderWorkload?limit=500", token: staff).object()
            let ownRows = try #require(own["rows"] as? [[String: Any]])
            #expect(!ownRows.isEmpty)
            let session = try await client.session(staff)
            let page = try await client.page("/ui/providers", session)
            #expect(page.status == .ok)
            #expect(Self.tableRows(page) == Self.pairs(ownRows))
            let organiserSession = try await client.session(organiser)
            let everyone = try await client.page("/ui/providers", organiserSession)
            let all = try await client.send(.get, "/v1/views/ProviderWorkload?limit=500", token: organiser).object()
            let allRows = try #require(all["rows"] as? [[String: Any]])
            #expect(Self.pairs(allRows) > Self.pairs(ownRows))
            #expect(Self.tableRows(everyone) == Self.pairs(allRows))
            #expect(everyone.text.contains("class=\"heat-"))
            let month = try #require(allRows.compactMap { $0["month"] as? String }.min())
            let oneMonth = try await client.page("/ui/providers?month=\(month)", organiserSession)
            #expect(oneMonth.status == .ok)
            #expect(Self.tableRows(oneMonth) == Self.pairs(allRows.filter { $0["month"] as? String == month }))
            #expect(try await client.page("/ui/providers?month=1999-01", organiserSession).status == .badRequest)
        }
    }

    @Test("The ledger page shows the size and every projection; English with ?lang=en, kept in the session")
    func ledgerPageAndLanguage() async throws {
        let fixture = try await APIFixture()
        let operatorToken = try fixture.token(.operator)
        let size = try fixture.server.services.ledger.treeSize()
        try await fixture.test { client in
            let session = try await client.session(operatorToken)
            let page = try await client.page("/ui/ledger", session)
            #expect(page.status == .ok)
            #expect(page.text.contains("<dd class=\"\">\(size)</dd>") || page.text.contains(">\(size)<"))
            for name in fixture.server.engine.projections.map({ type(of: $0).name }) {
                #expect(page.text.contains(name))
            }
            let english = try await client.page("/ui/ledger?lang=en", session)
            #expect(english.text.contains("<html lang=\"en\">") && english.text.contains("Events in the ledger"))
            let kept = try await client.page("/ui/ledger", session)
            #expect(kept.text.contains("<html lang=\"en\">"), "the switch is stored in the session")
            #expect(kept.text.contains("href=\"/ui/ledger?lang=pl\""))
        }
    }

    /// The providers page's table has one row per provider and service (summed over the months).
    static func pairs(_ rows: [[String: Any]]) -> Int {
        Set(rows.map { "\($0["providerId"] ?? "")/\($0["serviceId"] ?? "")" }).count
    }

    static func tableRows(_ page: TestResponse) -> Int {
        page.text.components(separatedBy: "<tr><th scope=\"row\">").count - 1
    }

    /// One CSV line's fields (RFC 4180 quoting).
    static func csvRecord(_ line: String) -> [String] {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(line)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" {
                        field.append("\"")
                        characters = characters.dropFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                fields.append(field)
                field = ""
            } else {
                field.append(character)
            }
        }
        fields.append(field)
        return fields
    }
}

extension TestClientProtocol {
    /// `POST /ui/login` with a form body.
    func login(_ token: String, headers: [(String, String)]) async throws -> TestResponse {
        var fields: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        for (name, value) in headers {
            if let field = HTTPField.Name(name) { fields[field] = value }
        }
        let body = "token=" + (token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        return try await execute(uri: "/ui/login", method: .post, headers: fields, body: ByteBuffer(string: body))
    }

    /// A logged-in session's `Cookie` header value.
    func session(_ token: String) async throws -> String {
        let response = try await login(token, headers: [DashboardTests.origin])
        #expect(response.status == .seeOther)
        let cookie = try #require(response.headers[.setCookie])
        return try #require(cookie.split(separator: ";").first.map(String.init))
    }

    /// `GET path` with the session cookie.
    func page(_ path: String, _ session: String) async throws -> TestResponse {
        try await send(.get, path, token: nil, headers: [("Cookie", session)])
    }
}
