import ArgumentParser
import Commands
import HTTPAPI
import Domain
import Foundation
import Ledger

/// `--from DATE --to DATE`: a half-open period of local dates (Europe/Warsaw), domain.md §6.1.
struct PeriodOptions: ParsableArguments {
    @Option(help: "The period's first day, YYYY-MM-DD (Europe/Warsaw).") var from: String?
    @Option(help: "The day after the period, YYYY-MM-DD (half-open).") var to: String?

    func validate() throws {
        for (name, value) in [("--from", from), ("--to", to)] {
            if let value, LocalDate(value) == nil { throw ValidationError("\(name) wants a date YYYY-MM-DD") }
        }
        if let from, let to, let start = LocalDate(from), let end = LocalDate(to), end <= start {
            throw ValidationError("--to must be after --from")
        }
    }

    var start: Instant? { from.flatMap(LocalDate.init).map { Instant(startOf: $0) } }
    var end: Instant? { to.flatMap(LocalDate.init).map { Instant(startOf: $0) } }
}

/// `--reveal --token T --purpose TEXT`: personal fields through the access-logged path.
struct RevealOptions: ParsableArguments {
    @Flag(help: "Show the residents' personal fields (logged as PersonalDataViewed first).") var reveal = false
    @Option(help: "The staff token that authorises --reveal.") var token: String?
    @Option(help: "Why the personal data is read, for the access log.") var purpose: String?
    @Option(help: "Reveal through this cus serve URL (default: DATA/server.json while a server holds the lock).")
    var server: String?
    @OptionGroup var keys: KeyFileOptions

    func validate() throws {
        if reveal && (token == nil || purpose == nil) { throw ValidationError("--reveal needs --token and --purpose") }
        if !reveal && (token != nil || purpose != nil || server != nil) {
            throw ValidationError("--token, --purpose and --server go with --reveal")
        }
        if server != nil, serverURL == nil { throw ValidationError("--server wants an http:// or https:// URL") }
    }

    var serverURL: URL? {
        server.flatMap(URL.init(string:)).flatMap { ["http", "https"].contains($0.scheme ?? "") ? $0 : nil }
    }
}

/// `cus audit timeline --person REF | --plan ID | --stream NAME`: every event touching the subject.
struct AuditTimelineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timeline",
        abstract: "Every event touching a person, plan or stream, in position order, with actor, rules and decisions.")

    @OptionGroup var store: StoreOptions
    @Option(help: "A resident's personRef (UUID).") var person: String?
    @Option(help: "A plan's id (UUID).") var plan: String?
    @Option(help: "A stream name, <category>-<uuid>.") var stream: String?
    @OptionGroup var period: PeriodOptions
    @OptionGroup var revealing: RevealOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard [person, plan, stream].compactMap({ $0 }).count == 1 else {
            throw ValidationError("give exactly one of --person, --plan, --stream")
        }
        if let person, UUID(canonicalText: person) == nil { throw ValidationError("--person wants a UUID") }
        if let plan, UUID(canonicalText: plan) == nil { throw ValidationError("--plan wants a UUID") }
    }

    var subject: AuditSubject {
        if let person, let uuid = UUID(canonicalText: person) { return .person(PersonRef(uuid: uuid)) }
        if let plan, let uuid = UUID(canonicalText: plan) { return .plan(uuid) }
        return .stream(stream ?? "")
    }

    func run() async throws {
        try await reportingFailures {
            let rows = try await revealing.reveal ? revealedRows() : plainRows()
            if output.json {
                print(JSONText.array(rows.map(Self.json)).text)
            } else {
                for row in rows { print(Self.line(row)) }
                print("\(rows.count) event(s)")
            }
        }
    }

    func plainRows() throws -> [AuditTimelineRow] {
        let ledger = try store.openLedger(readOnly: true, purpose: "cus audit timeline")
        defer { ledger.close() }
        return try AuditTimeline.entries(in: ledger, subject: subject, from: period.start, to: period.end).map {
            AuditTimelineRow($0, personal: nil)
        }
    }

    /// Through the access-logged entry point here, or through the running server's API when it holds the writer
    /// lock (`--server`, else the `server.json` it wrote): one `PersonalDataViewed` per revealed resident either way.
    func revealedRows() async throws -> [AuditTimelineRow] {
        guard let token = revealing.token, let purpose = revealing.purpose else { return [] }
        if let server = revealing.serverURL {
            return try await rowsThroughServer(server, token: token, purpose: purpose)
        }
        // The token is checked before anything is opened or read.
        let authorisation = TokenStaffAuthorisation(
            dataDirectory: store.data, roles: TokenStaffAuthorisation.revealRoles)
        let viewer = try authorisation.staffMember(forToken: token)
        let services: CommandServices
        do {
            services = try CommandServices.open(
                store.ledgerOptions(readOnly: false, purpose: "cus audit timeline --reveal"),
                masterKeyPath: revealing.keys.masterKeyFile, lookupKeyPath: revealing.keys.lookupKeyFile)
        } catch {
            guard let server = RevealClient.fallback(after: error, dataDirectory: store.data) else { throw error }
            return try await rowsThroughServer(server, token: token, purpose: purpose)
        }
        defer { services.close() }
        if case .person(let person) = subject {
            return try await AuditReveal.residentTimeline(
                person, from: period.start, to: period.end, viewer: viewer, purpose: purpose, channel: .cli,
                services: services) ?? []
        }
        let entries = try AuditTimeline.entries(
            in: services.ledger, subject: subject, from: period.start, to: period.end)
        let personal = try await AuditReveal.personalFields(
            of: entries, viewer: viewer, purpose: purpose, channel: .cli, services: services)
        return entries.map { AuditTimelineRow($0, personal: personal[$0.record.position]) }
    }

    func rowsThroughServer(_ server: URL, token: String, purpose: String) async throws -> [AuditTimelineRow] {
        guard case .person(let person) = subject else {
            throw CommandFailure(
                exitCode: 75,
                reason: "cus serve holds the data directory and its API reveals one resident at a time: use --person")
        }
        return try await RevealClient(server: server, token: token).residentTimeline(
            person.uuid, purpose: purpose, from: period.from, to: period.to)
    }

    static func json(_ row: AuditTimelineRow) -> JSONText {
        var fields: [(String, JSONText)] = [
            ("position", .number(row.position)), ("recordedAt", .string(row.recordedAt)),
            ("stream", .string(row.stream)), ("type", .string(row.type)), ("actor", .string(row.actor)),
            ("actorRole", row.actorRole.map(JSONText.string) ?? .null),
            ("correlationId", row.correlationId.map(JSONText.string) ?? .null),
            ("causationId", row.causationId.map(JSONText.string) ?? .null),
            ("decisionRefs", .array(row.decisionRefs.map(JSONText.string))),
            ("ruleSetVersion", row.ruleSetVersion.map(JSONText.string) ?? .null),
            ("encrypted", .bool(row.encrypted)), ("clear", row.clear.map(JSONText.literal) ?? .null),
        ]
        if let personal = row.personal { fields.append(("personal", .literal(personal))) }
        return .object(fields)
    }

    static func line(_ row: AuditTimelineRow) -> String {
        var text =
            "\(row.position)  \(row.recordedAt)  \(row.type)  \(row.actor) (\(row.actorRole ?? "–"))  \(row.stream)"
        if let rules = row.ruleSetVersion { text += "  rules \(rules)" }
        if !row.decisionRefs.isEmpty { text += "  decision \(row.decisionRefs.joined(separator: ", "))" }
        if let correlation = row.correlationId { text += "  correlation \(correlation)" }
        if let causation = row.causationId { text += "  causation \(causation)" }
        if let clear = row.clear { text += "\n    clear: \(clear)" }
        if let personal = row.personal { text += "\n    personal: \(personal)" }
        return text
    }
}

/// `cus audit access --by USER | --person REF`: the `PersonalDataViewed` events.
struct AuditAccessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "access", abstract: "List who viewed residents' personal data (PersonalDataViewed events).")

    @OptionGroup var store: StoreOptions
    @Option(help: "The viewer's ledger name, e.g. staff:<uuid> or system:cli.") var by: String?
    @Option(help: "A resident's personRef (UUID).") var person: String?
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard by != nil || person != nil else { throw ValidationError("give --by, --person or both") }
        if let person, UUID(canonicalText: person) == nil { throw ValidationError("--person wants a UUID") }
    }

    func run() async throws {
        try await reportingFailures {
            let ledger = try store.openLedger(readOnly: true, purpose: "cus audit access")
            defer { ledger.close() }
            let entries = try AuditTimeline.accessEntries(
                in: ledger, viewerID: by, person: person.flatMap(UUID.init(uuidString:)).map { PersonRef(uuid: $0) })
            if output.json {
                print(
                    JSONText.array(
                        entries.map { entry in
                            .object([
                                ("position", .number(entry.position.rawValue)),
                                ("recordedAt", .string(RFC3339.format(entry.recordedAt))),
                                ("viewerId", .string(entry.viewed.viewerId)),
                                ("viewerRole", .string(entry.viewed.viewerRole.rawValue)),
                                ("personRef", .string(entry.viewed.personRef.uuid.lowercasedText)),
                                ("fieldNames", .array(entry.viewed.fieldNames.map(JSONText.string))),
                                ("purpose", .string(entry.viewed.purpose)),
                                ("channel", .string(entry.viewed.channel.rawValue)),
                            ])
                        }
                    ).text)
            } else {
                for entry in entries {
                    print(
                        "\(entry.position.rawValue)  \(RFC3339.format(entry.recordedAt))  \(entry.viewed.viewerId) "
                            + "(\(entry.viewed.viewerRole.rawValue)) viewed \(entry.viewed.personRef.uuid.lowercasedText) "
                            + "[\(entry.viewed.fieldNames.joined(separator: ", "))] via \(entry.viewed.channel.rawValue): "
                            + entry.viewed.purpose)
                }
                print("\(entries.count) view(s)")
            }
        }
    }
}
