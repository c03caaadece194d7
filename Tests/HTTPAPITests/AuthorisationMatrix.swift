import Foundation
import HTTPAPI

/// `Schemas/authz-matrix.json`, the one table of who may call what: every operation of `Schemas/openapi.yaml` and
/// every dashboard page, with the roles allowed and the subjects each may reach ("all", or "own": only what the
/// token's subject owns, anything else answered like a missing subject).
struct AuthorisationMatrix: Decodable {
    enum Scope: String, Decodable, Sendable {
        case all, own
    }

    struct Operation: Decodable, Sendable {
        /// `METHOD /path/{parameter}` as in the OpenAPI document.
        var operation: String
        var `public`: Bool?
        var access: [String: Scope]?
        /// For `GET /v1/views/{name}`: the access per view.
        var views: [String: [String: Scope]]?

        var method: String { String(operation.prefix { $0 != " " }) }
        var path: String { String(operation.drop { $0 != " " }.dropFirst()) }
        var isPublic: Bool { `public` == true }

        /// What `role` may do here, nil when it is refused; `view` picks the entry of a per-view operation.
        func scope(_ role: APIRole, view: String? = nil) -> Scope? {
            if let view { return views?[view]?[role.rawValue] }
            return access?[role.rawValue]
        }
    }

    var roles: [String]
    var operations: [Operation]
    var dashboard: [Operation]

    static let schemas = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Schemas")

    static func load() throws -> AuthorisationMatrix {
        let data = try Data(contentsOf: schemas.appendingPathComponent("authz-matrix.json"))
        return try JSONDecoder().decode(AuthorisationMatrix.self, from: data)
    }

    /// Every `METHOD /path` of `Schemas/openapi.yaml`, read from its `paths:` block (two-space path keys, four-space
    /// method keys), in document order.
    static func openAPIOperations() throws -> [String] {
        let text = try String(contentsOf: schemas.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]
        var operations: [String] = []
        var inPaths = false
        var path: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" ") && !line.isEmpty { inPaths = line == "paths:" }
            guard inPaths else { continue }
            if line.hasPrefix("  /") && !line.hasPrefix("   ") && line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            } else if line.hasPrefix("    ") && !line.hasPrefix("     ") && line.hasSuffix(":"), let path {
                let key = String(line.dropFirst(4).dropLast())
                if methods.contains(key) { operations.append("\(key.uppercased()) \(path)") }
            }
        }
        return operations
    }
}
