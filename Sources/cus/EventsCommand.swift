import ArgumentParser
import Domain
import Foundation

/// `cus events …`: the event catalogue this release reads and writes.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "List the event types and write sample payloads for their JSON Schemas (Schemas/events/).",
        subcommands: [EventsListCommand.self, EventsSamplesCommand.self])
}

/// `cus events list [--json]`
struct EventsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Every event type with its category, versions and sealed fields.")

    @OptionGroup var output: OutputOptions

    func run() async throws {
        let rows = DomainEvent.samples.map(\.payload).map { payload in
            let type = Swift.type(of: payload)
            let readable = DomainEvent.registry[type.eventType]?.readable ?? [type.schemaVersion]
            return (type.eventType, type.category, readable, type.personalFieldNames)
        }
        if output.json {
            let objects = rows.map { name, category, versions, sealed in
                JSONText.object([
                    ("type", .string(name)), ("category", .string(category)),
                    ("current", .number(UInt64(versions.max() ?? 1))),
                    ("readable", .array(versions.map { .number(UInt64($0)) })),
                    ("sealedFields", .array(sealed.map(JSONText.string))),
                ])
            }
            print(JSONText.array(objects).text)
        } else {
            for (name, category, versions, sealed) in rows {
                let sealedText = sealed.isEmpty ? "" : "  🔒 " + sealed.joined(separator: ", ")
                print("\(category)  \(name) v\(versions.map(String.init).joined(separator: ",v"))\(sealedText)")
            }
        }
    }
}

/// `cus events samples --out DIR`: one clear-part JSON (and sealed-part JSON) per type and version, which
/// `Tools/validate-event-samples` checks against the JSON Schemas with a real validator.
struct EventsSamplesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "samples", abstract: "Write a sample of every event type and version as JSON.")

    @Option(name: .long, help: "The directory to write <Type>.v<N>.json and <Type>.v<N>.sealed.json into.")
    var out: String

    func run() async throws {
        try await reportingFailures {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let context = EventContext(
                occurredAt: Instant(microsecondsSinceEpoch: 1_741_000_000_000_000), actorRole: .coordinator,
                ruleSetVersion: "cus-act/2020-01-01.1", programmeVersion: 1, commandId: DomainSamples.uuid,
                commandHash: String(repeating: "0f", count: 32))
            let payloads = DomainEvent.samples.map(\.payload) + DomainEvent.olderVersionSamples
            for payload in payloads {
                let type = Swift.type(of: payload)
                let stem = "\(out)/\(type.eventType).v\(type.schemaVersion)"
                try EventCodec.clearJSON(payload, context: context, encoder: encoder)
                    .write(to: URL(fileURLWithPath: stem + ".json"))
                if let sealed = try EventCodec.personalJSON(payload, encoder: encoder) {
                    try sealed.write(to: URL(fileURLWithPath: stem + ".sealed.json"))
                }
            }
            print("wrote \(payloads.count) samples to \(out)")
        }
    }
}
