import ArgumentParser
import Domain
import Foundation
import HTTPAPI

/// `cus tokens …`: the API's bearer tokens, stored hashed in `DIR/tokens/` (works beside a running server).
struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens", abstract: "Create, list and revoke HTTP API bearer tokens.",
        subcommands: [TokensCreateCommand.self, TokensListCommand.self, TokensRevokeCommand.self])
}

/// `cus tokens create --role ROLE --subject ID [--label TEXT]`: prints the token once; only its hash is kept.
struct TokensCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a token; it is printed once and stored only as its SHA-256.")

    @OptionGroup var store: StoreOptions
    @Option(name: .long, help: "The role: \(APIRole.allCases.map(\.rawValue).joined(separator: ", ")).")
    var role: String
    @Option(name: .long, help: "Who holds it: a staffId, or the providerId for providerStaff (a UUID).")
    var subject: String
    @Option(name: .long, help: "A note for `tokens list` (no personal data).") var label: String?

    func validate() throws {
        guard APIRole(rawValue: role) != nil else {
            throw ValidationError("--role must be one of \(APIRole.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard UUID(canonicalText: subject) != nil else { throw ValidationError("--subject must be a UUID") }
    }

    func run() async throws {
        try await reportingFailures {
            guard let role = APIRole(rawValue: role), let subject = UUID(canonicalText: subject) else {
                throw ValidationError("invalid arguments")
            }
            do {
                let created = try TokenStore(dataDirectory: store.data).create(
                    role: role, subject: subject, label: label)
                print(created.token)
                var standardError = StandardError()
                print(
                    "token \(created.entry.id): \(role.rawValue) for \(role.subjectKind) \(subject)", to: &standardError
                )
            } catch { throw CommandFailure(exitCode: 74, reason: "\(error)") }
        }
    }
}

/// `cus tokens list [--json]`: ids, roles, subjects, labels and dates; never a token or its hash.
struct TokensListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List tokens (active and revoked).")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    struct Listed: Encodable {
        var id: String
        var role: String
        var subject: String
        var label: String?
        var createdAt: Date
        var revokedAt: Date?
    }

    func run() async throws {
        try await reportingFailures {
            let entries: [TokenStore.Entry]
            do { entries = try TokenStore(dataDirectory: store.data).list() } catch {
                throw CommandFailure(exitCode: 74, reason: "\(error)")
            }
            let listed = entries.map {
                Listed(
                    id: $0.id, role: $0.role.rawValue, subject: $0.subject.lowercasedText, label: $0.label,
                    createdAt: $0.createdAt, revokedAt: $0.revokedAt)
            }
            if output.json {
                try OutputOptions.printJSON(listed)
                return
            }
            let formatter = ISO8601DateFormatter()
            for entry in listed {
                let state = entry.revokedAt.map { "revoked \(formatter.string(from: $0))" } ?? "active"
                print(
                    "\(entry.id)  \(entry.role.padding(toLength: 18, withPad: " ", startingAt: 0)) \(entry.subject)  "
                        + "\(state)  \(entry.label ?? "")")
            }
        }
    }
}

/// `cus tokens revoke ID`: a running server refuses the token from its next request.
struct TokensRevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a token by its id.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "The token's id (from `tokens list`).") var id: String

    func run() async throws {
        try await reportingFailures {
            do {
                let revoked = try TokenStore(dataDirectory: store.data).revoke(id: id)
                print(revoked ? "revoked \(id)" : "\(id) was already revoked")
            } catch { throw CommandFailure(exitCode: 64, reason: "\(error)") }
        }
    }
}
