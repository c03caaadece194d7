import Commands
import Domain
import Foundation
import HTTPAPI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import LedgerTesting
import Logging
import Projections
import Testing

/// A small generated CUS served by a real `APIServer` (own temporary data directory, projection engine caught
/// up), with a token per role for the generated centre's staff and first provider.
final class APIFixture: Sendable {
    static let generation = CUSDataGenerator.Options(
        residents: 60, months: 4, seed: 11, firstDay: LocalDate(daysSinceEpoch: 20_089), lanes: 8)
    /// 2025-05-01.
    static let today = LocalDate(daysSinceEpoch: 20_209)
    /// Business time of commands sent in tests: inside the generated period.
    static let now = Date(timeIntervalSince1970: 1_745_000_000)

    let directory: TemporaryDirectory
    let server: APIServer
    let staff: [(id: StaffID, role: ActorRole)]
    let providers: [ProviderID]
    let programmes: [ProgrammeID]

    var dataDirectory: String { directory.path + "/data" }

    init(
        limits: APILimits = .defaults, generate: Bool = true, ledgerMaxReaders: UInt32 = 256,
        keysCompactionDebounce: Duration = .seconds(2),  // the projections env's too
        cacheClock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) async throws {
        directory = try TemporaryDirectory(prefix: "cus-http")
        let options = Ledger.Options(dataDirectory: directory.path + "/data", maxReaders: ledgerMaxReaders)
        let services = try CommandServices.open(options)
        let generator = CUSDataGenerator(services: services, options: Self.generation)
        if generate { _ = try await generator.run() }
        let principals = generator.principals
        staff = principals.staff
        providers = principals.providers
        programmes = principals.programmes
        // The suite runs hundreds of tests at once on two cores, where a command can wait long for CPU; the request
        // timeout has its own test (RequestTimeoutTests), so here it only must not fire under that load. The same
        // holds for a `minPosition` read's wait for the live catch-up, unless a test sets its own (QueryTests).
        var limits = limits
        limits.requestTimeout = max(limits.requestTimeout, .seconds(600))
        if limits.minPositionWait == APILimits.defaults.minPositionWait { limits.minPositionWait = .seconds(600) }
        var configuration = ServerConfiguration(ledgerOptions: options, port: 0, limits: limits, today: Self.today)
        configuration.clock = { APIFixture.now }
        configuration.keysCompactionDebounce = keysCompactionDebounce
        configuration.projectionsCompactionDebounce = keysCompactionDebounce
        configuration.cacheClock = cacheClock
        server = try APIServer(configuration: configuration, services: services, logger: Logger(label: "test"))
        let size = try services.ledger.treeSize()
        if size > 0 { await server.engine.waitUntilProjected(Position(size - 1)) }
    }

    func close() async {
        await server.close()
        directory.remove()
    }

    /// A token for `role`; its subject is the first generated staff member of that role (the first provider for
    /// provider staff), or a new id.
    func token(_ role: APIRole, subject: UUID? = nil) throws -> String {
        try server.tokens.create(role: role, subject: subject ?? self.subject(of: role), label: "test").token
    }

    func subject(of role: APIRole) -> UUID {
        if role == .providerStaff { return providers.first?.uuid ?? UUID() }
        return staff.first { $0.role.rawValue == role.rawValue }?.id.uuid ?? UUID()
    }

    /// Runs `body` against the router with this fixture's server, then closes it.
    func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        do {
            try await buildApplication(server).test(.router, body)
        } catch {
            await close()
            throw error
        }
        await close()
    }
}

extension TestClientProtocol {
    /// A request with a bearer token and optional JSON body and extra headers.
    @discardableResult
    func send(
        _ method: HTTPRequest.Method, _ uri: String, token: String?, json: String? = nil,
        headers extra: [(String, String)] = []
    ) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if json != nil { headers[.contentType] = "application/json" }
        for (name, value) in extra {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return try await execute(
            uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    /// The body as a JSON object.
    func object() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// The problem's `code`, after checking the media type.
    func problemCode() throws -> String? {
        #expect(headers[.contentType] == "application/problem+json")
        return try object()["code"] as? String
    }
}
