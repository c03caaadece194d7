import Domain
import Foundation

/// A command whose body is a flat object of clear fields (`Clear`, the fingerprint) and, beside them, the
/// personal fields of `Personal`, which are never hashed.
struct FieldsRequest<Clear: Codable & Sendable, Personal: Decodable & Sendable>: CommandRequest {
    var clear: Clear
    var personal: Personal

    init(from decoder: any Decoder) throws {
        clear = try Clear(from: decoder)
        personal = try Personal(from: decoder)
    }
}

/// A request with no personal fields at all.
typealias ClearRequest<Clear: Codable & Sendable> = FieldsRequest<Clear, NoPersonalFields>
