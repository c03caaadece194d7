import Domain
import Foundation

/// Request bodies of the command routes: one flat JSON object, decoded twice over — its clear part (`Clear`),
/// whose canonical JSON is the command's fingerprint (event 0 records its SHA-256, so a reused Idempotency-Key
/// with another request is told apart), and its personal fields, which are sealed and never hashed (ledger.md
/// §3.2).
protocol CommandRequest: Decodable, Sendable {
    associatedtype Clear: Codable & Sendable
    var clear: Clear { get }
    /// The body field that holds the id of the stream a path names, for bodies that carry it (an event's stream
    /// key): a body may omit it, and one naming another id is a 400 (`JSONBody.binding`). Nil by default.
    static var pathBoundField: String? { get }
}

extension CommandRequest {
    static var pathBoundField: String? { nil }
}

extension CommandRequest {
    func fingerprint(route: String) -> String {
        route + "\n" + String(decoding: JSONBody.encode(clear), as: UTF8.self)
    }
}

/// `POST /v1/persons`: register a resident (domain.md §4.4); `personRef` is chosen by the client so a retry lands
/// on the same stream.
struct RegisterPersonRequest: CommandRequest {
    struct Clear: Codable, Sendable {
        var personRef: PersonRef
        var purposeTags: [String]
    }

    struct Identity: Decodable, Sendable {
        var givenName: String
        var familyName: String
        var nationalID: String?
        var address: String?
        var phone: String?
        var email: String?
        var ageBand: String?
        var sex: Sex?
        var district: String?
        var residenceStatus: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case givenName, familyName, nationalID, address, phone, email, ageBand, sex, district, residenceStatus
        }
    }

    enum CodingKeys: String, CodingKey { case identity }

    var clear: Clear
    var identity: Identity

    /// Unknown keys are refused, at the top and in `identity` (`additionalProperties: false`): a mistyped
    /// `nationalId` would otherwise register the resident without their PESEL, unseen.
    init(from decoder: any Decoder) throws {
        try decoder.requireKnownKeys(["personRef", "purposeTags", "identity"])
        clear = try Clear(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard container.contains(.identity) else {
            throw DecodingError.keyNotFound(
                CodingKeys.identity, .init(codingPath: decoder.codingPath, debugDescription: "identity is required"))
        }
        let identityDecoder = try container.superDecoder(forKey: .identity)
        try identityDecoder.requireKnownKeys(Set(Identity.CodingKeys.allCases.map(\.stringValue)))
        identity = try Identity(from: identityDecoder)
    }

    var personal: PersonRegistered.Personal {
        PersonRegistered.Personal(
            givenName: identity.givenName, familyName: identity.familyName, nationalID: identity.nationalID,
            address: identity.address, phone: identity.phone, email: identity.email, ageBand: identity.ageBand,
            sex: identity.sex, district: identity.district, residenceStatus: identity.residenceStatus)
    }
}

/// `POST /v1/applications/{applicationId}/need-signals`: a need signalled before any application (domain.md §4.5).
struct NeedSignalRequest: CommandRequest {
    struct Clear: Codable, Sendable {
        var personRef: PersonRef
        var source: SignalSource
        var channel: IntakeChannel
        var signalledOn: LocalDate
    }

    enum CodingKeys: String, CodingKey { case description }

    var clear: Clear
    var description: String

    init(from decoder: any Decoder) throws {
        clear = try Clear(from: decoder)
        description = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .description)
    }

    func event(_ application: ApplicationID) -> NeedSignalled {
        NeedSignalled(
            applicationId: application, personRef: clear.personRef, source: clear.source, channel: clear.channel,
            signalledOn: clear.signalledOn, personal: .init(description: description))
    }
}

/// `POST /v1/applications/{applicationId}`: file an application (wniosek, L9).
struct SubmitApplicationRequest: CommandRequest {
    struct Clear: Codable, Sendable {
        var personRef: PersonRef
        var applicantRole: ApplicantRole
        var applicantRef: PersonRef?
        var channel: IntakeChannel
        var programmeIds: [ProgrammeID]
        var requestedServiceIds: [String]
        var filedAt: LocalDate
        var backdatingReason: String?
    }

    enum CodingKeys: String, CodingKey { case notes }

    var clear: Clear
    var notes: String?

    init(from decoder: any Decoder) throws {
        clear = try Clear(from: decoder)
        notes = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(String.self, forKey: .notes)
    }

    func event(_ application: ApplicationID) -> ApplicationSubmitted {
        ApplicationSubmitted(
            applicationId: application, personRef: clear.personRef, applicantRole: clear.applicantRole,
            applicantRef: clear.applicantRef, channel: clear.channel, programmeIds: clear.programmeIds,
            requestedServiceIds: clear.requestedServiceIds, filedAt: clear.filedAt,
            backdatingReason: clear.backdatingReason, personal: .init(notes: notes))
    }
}

/// Any key of a JSON object, to list them all.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension Decoder {
    /// Throws, naming the first key of this object that is not in `known`: for request objects whose contract
    /// says `additionalProperties: false` and where a dropped key would lose what the caller meant.
    func requireKnownKeys(_ known: Set<String>) throws {
        let keys = try container(keyedBy: AnyCodingKey.self).allKeys
        guard let unknown = keys.first(where: { !known.contains($0.stringValue) }) else { return }
        throw DecodingError.dataCorrupted(
            .init(codingPath: codingPath + [unknown], debugDescription: JSONBody.unknownFieldDescription))
    }
}
