import HTTPTypes
import Domain
import Hummingbird

/// Typed query parameters: a value that does not parse is 400 naming the parameter, never echoing it.
struct QueryParameters {
    let request: Request

    /// The parameter's value; a parameter given twice is 400 (which of the two was meant is not for the server
    /// to guess).
    func text(_ name: String) throws(Problem) -> String? {
        let values = request.uri.queryParameters[values: Substring(name)]
        guard values.count <= 1 else { throw Problem.invalidRequest("\(name) is given more than once") }
        return values.first.map(String.init)
    }

    /// ASCII digits only: `UInt64.init` would also take a sign (`+3`, `-0`).
    func unsigned(_ name: String) throws(Problem) -> UInt64? {
        guard let text = try text(name) else { return nil }
        guard let value = UInt64(asciiDigits: text) else {
            throw Problem.invalidRequest("\(name) must be a non-negative integer")
        }
        return value
    }

    func date(_ name: String) throws(Problem) -> LocalDate? {
        guard let text = try text(name) else { return nil }
        guard let value = LocalDate(text) else { throw Problem.invalidRequest("\(name) must be a date YYYY-MM-DD") }
        return value
    }

    func identifier<ID: EntityIdentifier>(_ name: String, _ type: ID.Type) throws(Problem) -> ID? {
        guard let text = try text(name) else { return nil }
        guard let value = ID(text) else { throw Problem.invalidRequest("\(name) must be a UUID") }
        return value
    }

    /// `offset` and `limit`, the latter at most `pageRowsMax` (413 above it).
    func page(_ limits: APILimits) throws(Problem) -> (offset: Int, limit: Int) {
        let offset = try unsigned("offset") ?? 0
        let limit = try unsigned("limit") ?? UInt64(limits.pageRowsDefault)
        guard limit >= 1 else { throw Problem.invalidRequest("limit must be at least 1") }
        guard limit <= UInt64(limits.pageRowsMax) else {
            throw Problem.limitExceeded("limit is over pageRowsMax (\(limits.pageRowsMax))")
        }
        guard offset <= UInt64(Int32.max) else { throw Problem.invalidRequest("offset is too large") }
        return (Int(offset), Int(limit))
    }
}

/// A path parameter as an entity id: a malformed one is 404, as an unknown one is.
func pathIdentifier<ID: EntityIdentifier>(_ context: APIRequestContext, _ name: String, _ type: ID.Type)
    throws(Problem) -> ID
{
    guard let text = context.parameters.get(name), let value = ID(text) else { throw Problem.notFound }
    return value
}

extension UInt64 {
    /// A decimal number of ASCII digits only (no sign, blank or other character), nil when it overflows.
    init?(asciiDigits text: some StringProtocol) {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        self.init(text, radix: 10)
    }
}
