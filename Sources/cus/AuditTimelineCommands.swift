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
    @OptionGroup var keys: KeyFileOptions

    func validate() throws {
        if reveal && (token == nil || purpose == nil) { throw ValidationError("--reveal needs --token and --purpose") }
        if !reveal && (token != nil || purpose != nil) {
            throw ValidationError("--token and --purpose go with --reveal")
        }
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
        if let person, UUID(uuidString: person) == nil { throw ValidationError("--person wants a UUID") }
        if let plan, UUID(uuidString: plan) == nil { throw ValidationError("--plan wants a UUID") }
    }

    var subject: AuditSubject {
        if let person, let uuid = UUID(uuidString: person) { return .person(PersonRef(uuid: uuid)) }
        if let plan, let uuid = UUID(uuidString: plan) { return .plan(uuid) }
        return .stream(stream ?? "")
    }

    func run() async throws {
        try await reportingFailures {
            var personal: [Position: Data] = [:]
            let entries: [AuditTimelineEntry]
            if revealing.reveal, let token = revealing.token, let purpose = revealing.purpose {
                // The token is checked before anything is opened or read.
                let authorisation = TokenStaffAuthorisation(
                    dataDirectory: store.data, roles: TokenStaffAuthorisation.revealRoles)
                _ = try authorisation.staffMember(forToken: token)
                let services = try CommandServices.open(
                    store.ledgerOptions(readOnly: false, purpose: "cus audit timeline --reveal"),
                    masterKeyPath: revealing.keys.masterKeyFile, lookupKeyPath: revealing.keys.lookupKeyFile)
                defer { services.close() }
                entries = try AuditTimeline.entries(
                    in: services.ledger, subject: subject, from: period.start, to: period.end)
                personal = try await AuditReveal.personalFields(
                    of: entries, token: token, purpose: purpose, channel: .cli, authorisation: authorisation,
                    services: services)
            } else {
                let ledger = try store.openLedger(readOnly: true, purpose: "cus audit timeline")
                defer { ledger.close() }
                entries = try AuditTimeline.entries(in: ledger, subject: subject, from: period.start, to: period.end)
            }
            if output.json {
                print(JSONText.array(entries.map { Self.json($0, personal: personal[$0.record.position]) }).text)
            } else {
                for entry in entries { print(Self.line(entry, personal: personal[entry.record.position])) }
                print("\(entries.count) event(s)")
            }
        }
    }

    static func json(_ entry: AuditTimelineEntry, personal: Data?) -> JSONText {
        let record = entry.record
        var fields: [(String, JSONText)] = [
            ("position", .number(record.position.rawValue)), ("recordedAt", .string(RFC3339.format(record.recordedAt))),
            ("stream", .string(record.stream.description)), ("type", .string(record.type.name)),
            ("actor", .string(record.metadata.actor)), ("actorRole", entry.actorRole.map(JSONText.string) ?? .null),
            ("correlationId", record.metadata.correlationID.map { .string($0.description) } ?? .null),
            ("causationId", record.metadata.causationID.map { .string($0.description) } ?? .null),
            ("decisionRefs", .array(entry.decisionRefs.map(JSONText.string))),
            ("ruleSetVersion", entry.ruleSetVersion.map(JSONText.string) ?? .null),
            ("encrypted", .bool(record.sealed != nil)), ("clear", entry.clearJSON.map(JSONText.literal) ?? .null),
        ]
        if let personal { fields.append(("personal", .literal(String(decoding: personal, as: UTF8.self)))) }
        return .object(fields)
    }

    static func line(_ entry: AuditTimelineEntry, personal: Data?) -> String {
        let record = entry.record
        var text = "\(record.position.rawValue)  \(RFC3339.format(record.recordedAt))  \(record.type.name)  "
        text += "\(record.metadata.actor) (\(entry.actorRole ?? "–"))  \(record.stream)"
        if let rules = entry.ruleSetVersion { text += "  rules \(rules)" }
        if !entry.decisionRefs.isEmpty { text += "  decision \(entry.decisionRefs.joined(separator: ", "))" }
        if let correlation = record.metadata.correlationID { text += "  correlation \(correlation)" }
        if let causation = record.metadata.causationID { text += "  causation \(causation)" }
        if let clear = entry.clearJSON { text += "\n    clear: \(clear)" }
        if let personal { text += "\n    personal: \(String(decoding: personal, as: UTF8.self))" }
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
        if let person, UUID(uuidString: person) == nil { throw ValidationError("--person wants a UUID") }
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
                                ("personRef", .string(entry.viewed.personRef.uuid.uuidString.lowercased())),
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
                            + "(\(entry.viewed.viewerRole.rawValue)) viewed \(entry.viewed.personRef.uuid.uuidString.lowercased()) "
                            + "[\(entry.viewed.fieldNames.joined(separator: ", "))] via \(entry.viewed.channel.rawValue): "
                            + entry.viewed.purpose)
                }
                print("\(entries.count) view(s)")
            }
        }
    }
}
