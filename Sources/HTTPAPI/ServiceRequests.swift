import Domain
import Foundation

/// `applicationId` beside the order of `POST /v1/authorisations/{authorisationId}`: the application whose
/// qualification (`qualificationId`) grants the service.
struct AuthoriseFields: Codable, Sendable {
    var applicationId: ApplicationID
}

/// `POST /v1/authorisations/{authorisationId}/change`: new units, allocation or dates.
struct ChangeAuthorisationFields: Codable, Sendable {
    var unitsAuthorised: UInt64
    var monthlyAllocation: [MonthlyUnits]?
    var start: LocalDate
    var end: LocalDate
    var reason: String
}

/// `POST /v1/authorisations/{authorisationId}/deliveries`: a provider's report of units delivered; its natural
/// key is (provider, `deliveryId`, `deliveredOn`). `providerId` is the authorisation's.
struct RecordDeliveryFields: Codable, Sendable {
    var providerId: ProviderID
    var deliveryId: String
    var deliveredOn: LocalDate
    var units: UInt64
    var workerId: String?
    var groupSession: Bool?
}

typealias RecordDeliveryRequest = FieldsRequest<RecordDeliveryFields, ServiceDelivered.Personal>

extension FieldsRequest where Clear == RecordDeliveryFields, Personal == ServiceDelivered.Personal {
    func report(plan: PlanFacts?) -> RecordDelivery {
        RecordDelivery(
            providerId: clear.providerId, deliveryId: clear.deliveryId, deliveredOn: clear.deliveredOn,
            units: clear.units, workerId: clear.workerId, groupSession: clear.groupSession ?? false, plan: plan,
            personal: personal.ifGiven)
    }
}

/// `POST /v1/authorisations/{authorisationId}/delivery-corrections`: the date or units of a recorded delivery.
struct CorrectDeliveryFields: Codable, Sendable {
    var originalEventId: UUID
    var deliveredOn: LocalDate
    var units: UInt64
    var reason: String
}

/// `POST /v1/authorisations/{authorisationId}/delivery-reversals`: a recorded delivery that did not happen.
struct ReverseDeliveryFields: Codable, Sendable {
    var originalEventId: UUID
    var reason: String
}
