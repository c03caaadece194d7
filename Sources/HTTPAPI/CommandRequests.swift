import HTTPTypes
import Domain
import Foundation

/// Request bodies of the command routes. Each splits into its clear part, whose canonical JSON is the command's
/// fingerprint (event 0 records its SHA-256, so a reused Idempotency-Key with another request is told apart),
/// and its personal part, which is sealed and never hashed (ledger.md §3.2).
protocol CommandRequest: Decodable, Sendable {
    associatedtype Clear: Encodable
    /// The route's name and the fields that are not personal.
    var clear: Clear { get }
}

extension CommandRequest {
    func fingerprint(route: String) -> String {
        route + "\n" + String(decoding: JSONBody.encode(clear), as: UTF8.self)
    }
}

/// `POST /v1/persons`: register a resident (domain.md §4.4); `personRef` is chosen by the client so a retry lands
/// on the same stream.
struct RegisterPersonRequest: CommandRequest {
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
    }

    struct Clear: Encodable {
        var personRef: PersonRef
        var purposeTags: [String]
    }

    var personRef: PersonRef
    var purposeTags: [String]
    var identity: Identity

    var clear: Clear { Clear(personRef: personRef, purposeTags: purposeTags) }

    var personal: PersonRegistered.Personal {
        PersonRegistered.Personal(
            givenName: identity.givenName, familyName: identity.familyName, nationalID: identity.nationalID,
            address: identity.address, phone: identity.phone, email: identity.email, ageBand: identity.ageBand,
            sex: identity.sex, district: identity.district, residenceStatus: identity.residenceStatus)
    }
}

/// `POST /v1/applications/{applicationId}/need-signals`: a need signalled before any application (domain.md §4.5).
struct NeedSignalRequest: CommandRequest {
    struct Clear: Encodable {
        var personRef: PersonRef
        var source: SignalSource
        var channel: IntakeChannel
        var signalledOn: LocalDate
    }

    var personRef: PersonRef
    var source: SignalSource
    var channel: IntakeChannel
    var signalledOn: LocalDate
    var description: String

    var clear: Clear { Clear(personRef: personRef, source: source, channel: channel, signalledOn: signalledOn) }

    func event(_ application: ApplicationID) -> NeedSignalled {
        NeedSignalled(
            applicationId: application, personRef: personRef, source: source, channel: channel,
            signalledOn: signalledOn, personal: .init(description: description))
    }
}

/// `POST /v1/applications/{applicationId}`: file an application (wniosek, L9).
struct SubmitApplicationRequest: CommandRequest {
    struct Clear: Encodable {
        var personRef: PersonRef
        var applicantRole: ApplicantRole
        var applicantRef: PersonRef?
        var channel: IntakeChannel
        var programmeIds: [ProgrammeID]
        var requestedServiceIds: [String]
        var filedAt: LocalDate
        var backdatingReason: String?
    }

    var personRef: PersonRef
    var applicantRole: ApplicantRole
    var applicantRef: PersonRef?
    var channel: IntakeChannel
    var programmeIds: [ProgrammeID]
    var requestedServiceIds: [String]
    var filedAt: LocalDate
    var backdatingReason: String?
    var notes: String?

    var clear: Clear {
        Clear(
            personRef: personRef, applicantRole: applicantRole, applicantRef: applicantRef, channel: channel,
            programmeIds: programmeIds, requestedServiceIds: requestedServiceIds, filedAt: filedAt,
            backdatingReason: backdatingReason)
    }

    func event(_ application: ApplicationID) -> ApplicationSubmitted {
        ApplicationSubmitted(
            applicationId: application, personRef: personRef, applicantRole: applicantRole, applicantRef: applicantRef,
            channel: channel, programmeIds: programmeIds, requestedServiceIds: requestedServiceIds, filedAt: filedAt,
            backdatingReason: backdatingReason, personal: .init(notes: notes))
    }
}
