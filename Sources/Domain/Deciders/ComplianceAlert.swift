/// An accepted but flagged fact (domain.md "Alert" enforcement): the decision stands, and the
/// `ComplianceAlerts` view lists it for follow-up. Alerts are data derived from events by pure functions, so a
/// rebuild raises the same alerts again. `subject` is an id and `parameters` hold dates, counts and codes only,
/// never personal data.
public struct ComplianceAlert: Sendable, Hashable {
    public var kind: String
    public var rule: String
    public var subject: String
    public var parameters: [String: String]

    public init(kind: String, rule: String, subject: String, parameters: [String: String]) {
        self.kind = kind
        self.rule = rule
        self.subject = subject
        self.parameters = parameters
    }
}

extension ComplianceAlert {
    /// The alerts a batch of freshly decided events raises under the rule set and business date they were
    /// decided with.
    public static func raised(by events: [DomainEvent], rules: RuleContext) -> [ComplianceAlert] {
        events.compactMap { event in
            switch event {
            case .applicationSubmitted(let submitted):
                backdatedApplication(
                    submitted, recordedOn: rules.today,
                    alertDays: rules.ruleSet.parameters.application.backdatingAlertDays)
            case .planApproved: planLate(PlanDecider.evolve(PlanState(), event))
            case .serviceDelivered(let delivered): overDelivery(delivered)
            default: nil
            }
        }
    }

    /// An application filed on paper earlier than it was recorded by more than the rule set's
    /// `application.backdatingAlertDays`: the 30-day plan clock (L15) and the filing order (L10) both run from
    /// `filedAt`, so a large gap is accepted with a reason but flagged for review.
    public static func backdatedApplication(
        _ submitted: ApplicationSubmitted, recordedOn: LocalDate, alertDays: Int
    ) -> ComplianceAlert? {
        let daysBackdated = submitted.filedAt.days(to: recordedOn)
        guard daysBackdated > Int64(alertDays) else { return nil }
        return ComplianceAlert(
            kind: "backdatedApplication", rule: "L15", subject: "application-\(submitted.applicationId)",
            parameters: [
                "filedAt": submitted.filedAt.description, "recordedOn": recordedOn.description,
                "daysBackdated": String(daysBackdated), "alertDays": String(alertDays),
            ])
    }
}

extension ComplianceAlert {
    /// A delivery beyond the units authorised (domain.md §4.7, Alert): accepted, flagged for the coordinator.
    public static func overDelivery(_ delivered: ServiceDelivered) -> ComplianceAlert? {
        guard delivered.overDelivery else { return nil }
        return overDelivery(
            delivered.authorisationId, deliveryId: delivered.deliveryId, deliveredOn: delivered.deliveredOn,
            units: delivered.units)
    }

    /// A correction that takes the authorisation's deliveries past the units authorised: it passes the delivery
    /// checks (domain.md §4.7), so it is accepted and flagged like a report over the total. The event carries no
    /// flag, so the caller gives the units delivered after it and those authorised.
    public static func overDelivery(_ corrected: DeliveryCorrected, unitsDelivered: UInt64, unitsAuthorised: UInt64)
        -> ComplianceAlert?
    {
        guard unitsDelivered > unitsAuthorised else { return nil }
        return overDelivery(
            corrected.authorisationId, deliveryId: corrected.deliveryId, deliveredOn: corrected.deliveredOn,
            units: corrected.units,
            totals: ["unitsDelivered": String(unitsDelivered), "unitsAuthorised": String(unitsAuthorised)])
    }

    /// The over-delivery alert of a report (a delivery or a correction) of `units` on `deliveredOn`.
    private static func overDelivery(
        _ authorisation: AuthorisationID, deliveryId: String, deliveredOn: LocalDate, units: UInt64,
        totals: [String: String] = [:]
    ) -> ComplianceAlert {
        ComplianceAlert(
            kind: "overDelivery", rule: "4.7", subject: "authorisation-\(authorisation)",
            parameters: [
                "deliveryId": deliveryId, "deliveredOn": deliveredOn.description, "units": String(units),
            ].merging(totals) { kept, _ in kept })
    }
}
