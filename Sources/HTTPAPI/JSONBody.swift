import HTTPTypes
import Foundation
import Hummingbird

/// JSON at the API's edge (style.md §5: Foundation JSON is fine here, never on the append or replay path): sorted
/// keys so responses are stable, and request bodies read within `bodyBytesMax` and decoded into typed DTOs whose
/// every failure is a 400 problem, never a 500.
enum JSONBody {
    static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? Array(encoder.encode(value))) ?? Array(#"{"error":"unencodable"}"#.utf8)
    }

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:])
        -> Response
    {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: encode(value))))
    }

    /// A response whose JSON text was written by hand (view pages, `ViewRow.writeJSON`).
    static func response(jsonText: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: jsonText)))
    }

    /// A response of JSON already encoded (cached answers, `IndicatorReportCache`).
    static func response(jsonBytes: [UInt8]) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: jsonBytes)))
    }

    /// Whether a `Content-Type` names JSON: `application/json` or a `+json` type, in any case, with or without
    /// parameters (`; charset=utf-8`). A body of any other type, or of none named, is not read as JSON.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = contentType.prefix { $0 != ";" }.trimmingCharacters(in: .whitespaces).lowercased()
        return mediaType == "application/json"
            || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }

    /// The body's bytes, refused with 413 when over `limit`.
    static func bytes(of request: Request, limit: Int) async throws(Problem) -> [UInt8] {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            throw Problem.limitExceeded("the body is over bodyBytesMax (\(limit) bytes)")
        }
        var total: [UInt8] = []
        do {
            for try await buffer in request.body {
                if total.count + buffer.readableBytes > limit {
                    throw Problem.limitExceeded("the body is over bodyBytesMax (\(limit) bytes)")
                }
                total.append(contentsOf: buffer.readableBytesView)
            }
        } catch let problem as Problem {
            throw problem
        } catch {
            throw Problem.invalidRequest("the body could not be read")
        }
        return total
    }

    /// Decodes `T`, naming the first offending field path (never its value).
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws(Problem) -> T {
        guard !bytes.isEmpty else { throw Problem.invalidRequest("a JSON body is required") }
        do { return try JSONDecoder().decode(T.self, from: Data(bytes)) } catch let error as DecodingError {
            throw Problem.invalidRequest(describe(error))
        } catch {
            throw Problem.invalidRequest("the body is not valid JSON")
        }
    }

    /// The body with `fields` the path and the stream fix (`planId`, `personRef`…) filled in: a body may omit
    /// them, but one that names another value is a 400. The body is rewritten from what was parsed, so the typed
    /// decoding reads the checked values: a body this parser refuses is a 400 here, never passed on as it came
    /// (`JSONDecoder` skips an unknown field it could not parse, such as `1e400`, and would then read fields that
    /// were never checked). A body that parses to something else than an object is left for `decode`.
    static func binding(_ fields: [String: String], into bytes: [UInt8]) throws(Problem) -> [UInt8] {
        guard !fields.isEmpty else { return bytes }
        guard !bytes.isEmpty else { throw Problem.invalidRequest("a JSON body is required") }
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) } catch {
            throw Problem.invalidRequest("the body is not valid JSON, or holds a number out of range")
        }
        guard var object = parsed as? [String: Any] else { return bytes }
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            if let given = object[name], (given as? String)?.lowercased() != value.lowercased() {
                throw Problem.invalidRequest("$.\(name) does not match the resource the path names")
            }
            object[name] = value
        }
        guard let data = try? JSONSerialization.data(withJSONObject: object) else {
            throw Problem.invalidRequest("the body is not valid JSON")
        }
        return Array(data)
    }

    /// What `Decoder.requireKnownKeys` says of an unknown key, told apart from other corrupted data.
    static let unknownFieldDescription = "an unknown field"

    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let text = codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.isEmpty ? "the body" : "$" + text
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])) is required"
        case .typeMismatch(_, let context): return "\(path(context.codingPath)) has the wrong type"
        case .valueNotFound(_, let context): return "\(path(context.codingPath)) must not be null"
        case .dataCorrupted(let context) where context.debugDescription == unknownFieldDescription:
            return "\(path(context.codingPath)) is not a field of this request"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "the body is not valid JSON" : "\(path(context.codingPath)) is invalid"
        @unknown default: return "the body does not match the schema"
        }
    }
}
