import Domain

/// `POST …/charges`: a month's units of a service charged (L24). The rate, gross, exemption and net are
/// computed from the programme's fee rule and the account, as `FeeAccountDecider` recomputes them.
struct AssessFeeFields: Codable, Sendable {
    var chargeId: ChargeID
    /// "YYYY-MM".
    var chargePeriod: String
    var serviceId: String
    var units: UInt64
    var incomeTierIndex: Int?
}

/// `POST …/exemption-requests`: the resident asks for an exemption.
struct ExemptionRequestFields: Codable, Sendable {
    var requestedKind: ExemptionKind
}

/// `POST …/exemptions`: an exemption granted under an exemption rule (L24, L25), by the caller.
struct GrantExemptionFields: Codable, Sendable {
    var exemptionId: ExemptionID
    var kind: ExemptionKind
    var percent: UInt64
    var validFrom: LocalDate
    var validTo: LocalDate?
    var serviceIds: [String]
    var exemptionRuleId: String
    var decisionRef: String?
}

/// `POST …/exemption-refusals`: the pending request refused, by the caller.
struct RefuseExemptionFields: Codable, Sendable {
    var decisionRef: String?
}

/// `POST …/charge-write-offs`: all or part of a charge's outstanding amount written off, by the caller.
struct WriteOffFields: Codable, Sendable {
    var chargeId: ChargeID
    var amount: Int64
    var reason: String
    var decisionRef: String?
}
