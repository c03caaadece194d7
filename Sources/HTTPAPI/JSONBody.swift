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
    /// Read on the header's bytes, without a copy: every command asks.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        var mediaType = contentType.utf8.prefix { $0 != UInt8(ascii: ";") }[...]
        while let first = mediaType.first, first == 0x20 || first == 0x09 { mediaType.removeFirst() }
        while let last = mediaType.last, last == 0x20 || last == 0x09 { mediaType.removeLast() }
        let application = "application/".utf8
        guard mediaType.count >= application.count,
            equalIgnoringCase(mediaType.prefix(application.count), application)
        else { return false }
        let subtype = mediaType.dropFirst(application.count)
        return equalIgnoringCase(subtype, "json".utf8)
            || (subtype.count > 5 && equalIgnoringCase(subtype.suffix(5), "+json".utf8))
    }

    /// ASCII letters compared without their case; other bytes as they are.
    static func equalIgnoringCase(_ text: some Collection<UInt8>, _ lowercase: String.UTF8View) -> Bool {
        text.count == lowercase.count
            && zip(text, lowercase).allSatisfy { byte, expected in
                (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte) == expected
            }
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

    /// The body with `fields` (the ids the path and the stream fix: `planId`, `personRef`…) checked and filled in:
    /// a body may omit them, but one that names another value is a 400. They are read by the same decoder, from the
    /// same bytes, as the typed decoding that follows, so what is checked is what that decoding reads (whatever it
    /// makes of a key given twice, or of a number it skips unparsed). A missing field is written into the text
    /// after the object's opening brace; nothing else is rewritten, so numbers reach the typed decoding as sent.
    static func binding(_ fields: [String: String], into bytes: [UInt8]) throws(Problem) -> [UInt8] {
        guard !fields.isEmpty else { return bytes }
        guard !bytes.isEmpty else { throw Problem.invalidRequest("a JSON body is required") }
        let given: [String: String?]
        do { given = try JSONDecoder().decode(BoundFields.self, from: Data(bytes)).values } catch let error
            as DecodingError
        {
            throw Problem.invalidRequest(describe(error))
        } catch {
            throw Problem.invalidRequest("the body is not valid JSON")
        }
        var missing: [(name: String, value: String)] = []
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            guard let found = given[name] else {
                missing.append((name, value))
                continue
            }
            guard found?.lowercased() == value.lowercased() else {
                throw Problem.invalidRequest("$.\(name) does not match the resource the path names")
            }
        }
        guard !missing.isEmpty else { return bytes }
        let whitespace: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]
        guard let brace = bytes.firstIndex(where: { !whitespace.contains($0) }), bytes[brace] == UInt8(ascii: "{")
        else { throw Problem.invalidRequest("the body must be a JSON object") }
        let isEmpty = bytes[(brace + 1)...].first { !whitespace.contains($0) } == UInt8(ascii: "}")
        var members = missing.map { quoted($0.name) + ":" + quoted($0.value) }.joined(separator: ",")
        if !isEmpty { members += "," }
        var bound = bytes
        bound.insert(contentsOf: Array(members.utf8), at: brace + 1)
        return bound
    }

    /// A JSON string of `text`: ids and field names as they stand, anything else through `JSONEncoder`.
    private static func quoted(_ text: String) -> String {
        let plain = text.utf8.allSatisfy { byte in
            let letter = byte | 0x20
            return (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || (letter >= UInt8(ascii: "a") && letter <= UInt8(ascii: "z")) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "_")
        }
        return plain ? "\"" + text + "\"" : String(decoding: encode(text), as: UTF8.self)
    }

    /// The top-level fields as `binding` reads them: each key's string, or nil for any other JSON value. Read
    /// through a keyed container, as the typed decoding reads its fields (a `Dictionary` may resolve a key given
    /// twice otherwise).
    private struct BoundFields: Decodable {
        var values: [String: String?] = [:]

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: AnyCodingKey.self)
            for key in container.allKeys {
                values[key.stringValue] = .some(try? container.decode(String.self, forKey: key))
            }
        }
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
