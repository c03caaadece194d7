import Commands
import Domain
import Foundation
import HTTPAPI

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Access-logged reveals sent to a running `cus serve` (issue #11: "through the server's API when it runs"):
/// the server holds the writer lock the `PersonalDataViewed` append needs, so the CLI asks it, with the caller's
/// token, instead of opening the ledger. The server is `--server URL`, else the `server.json` it wrote in the data
/// directory, looked up only after the writer lock refused the CLI.
struct RevealClient {
    let server: URL
    let token: String

    /// The server to use after the local open failed with `error`: `DIR/server.json` (its pid alive) when the writer lock is held by
    /// another process, else nil (the error stands).
    static func fallback(after error: any Error, dataDirectory: String) -> URL? {
        guard let commandError = error as? CommandError, commandError.code == .writerLocked else { return nil }
        return ServerFile.live(dataDirectory: dataDirectory).flatMap { URL(string: $0.url) }
    }

    /// `POST /v1/persons/{personRef}/timeline-reveals`: the resident's timeline rows, none when the server knows
    /// no event about them (404).
    func residentTimeline(_ person: UUID, purpose: String, from: String?, to: String?) async throws
        -> [AuditTimelineRow]
    {
        var body: [String: Any] = ["purpose": purpose]
        if let from { body["from"] = from }
        if let to { body["to"] = to }
        let path = "v1/persons/\(person.lowercasedText)/timeline-reveals"
        guard let object = try await post(path, body) else { return [] }
        guard let events = object["events"] as? [[String: Any]] else {
            throw CommandFailure(exitCode: 70, reason: "the server's answer has no events")
        }
        return try events.map { event in
            guard let row = AuditTimelineRow(jsonObject: event) else {
                throw CommandFailure(exitCode: 70, reason: "the server's answer has a malformed event")
            }
            return row
        }
    }

    /// The JSON object answered, nil for 404; a problem answer becomes the CLI's exit code and one line.
    private func post(_ path: String, _ body: [String: Any]) async throws -> [String: Any]? {
        var request = URLRequest(url: server.appendingPathComponent(path))
        request.httpMethod = "POST"
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        let data: Data
        let response: URLResponse
        do { (data, response) = try await URLSession.shared.data(for: request) } catch {
            throw CommandFailure(exitCode: 69, reason: "cannot reach the server at \(server.absoluteString)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        switch status {
        case 200: return object
        case 404: return nil
        default:
            let problem = [object?["title"] as? String, object?["detail"] as? String].compactMap { $0 }
            let reason = "the server refused (\(status)): " + problem.joined(separator: ": ")
            throw CommandFailure(exitCode: [400, 401, 403, 422].contains(status) ? 64 : 75, reason: reason)
        }
    }
}
