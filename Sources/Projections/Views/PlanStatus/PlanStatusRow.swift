public import Domain

/// One IPUS as PlanStatusView shows it (domain.md §5): stored facts only; columns relative to today
/// (`noDelivery14d`, `endingIn30d`) are computed when read.
public struct PlanStatusRow: PayloadCodable, Hashable, Sendable {
    public enum Status: String, StableName {
        case draft, agreed, active, suspended, completed, terminatedEarly, closed

        public static let names = StableNames<Self>()
    }

    public var planId: PlanID
    public var personRef: PersonRef?
    public var householdRef: HouseholdRef?
    public var applicationId: ApplicationID?
    public var coordinatorId: StaffID?
    public var status: Status
    public var planVersion: UInt64
    public var applicationFiledAt: LocalDate?
    public var approvedAt: LocalDate?
    public var daysToPlan: UInt64?
    public var within30Days: Bool?
    public var late: Bool
    public var lateReasonRecorded: Bool
    public var start: LocalDate?
    public var end: LocalDate?
    public var endedOn: LocalDate?
    public var goalsSet: UInt64?
    public var lastReviewAt: LocalDate?
    public var summaryRecorded: Bool
    /// The plan's authorisations whose over-delivery report (domain.md §4.7) still stands: raised by the report,
    /// cleared once the units delivered under the authorisation are within those authorised again (a
    /// correction, a reversal, a change of the order), as ComplianceAlerts resolves its over-delivery alert.
    public var overDeliveredAuthorisations: [AuthorisationID]
    public var items: [PlanItemStatus]

    /// The `overDelivery` flag: an over-delivery of one of the plan's authorisations stands.
    public var overDelivery: Bool { !overDeliveredAuthorisations.isEmpty }

    public init(planId: PlanID) {
        self.planId = planId
        status = .draft
        planVersion = 0
        late = false
        lateReasonRecorded = false
        summaryRecorded = false
        overDeliveredAuthorisations = []
        items = []
    }

    public func encode(to writer: inout PayloadWriter) {
        writer.write(planId)
        writer.writeOptional(personRef)
        writer.writeOptional(householdRef)
        writer.writeOptional(applicationId)
        writer.writeOptional(coordinatorId)
        writer.write(status)
        writer.write(planVersion)
        writer.writeOptional(applicationFiledAt)
        writer.writeOptional(approvedAt)
        writer.writeOptional(daysToPlan)
        writer.writeOptional(within30Days)
        writer.write(late)
        writer.write(lateReasonRecorded)
        writer.writeOptional(start)
        writer.writeOptional(end)
        writer.writeOptional(endedOn)
        writer.writeOptional(goalsSet)
        writer.writeOptional(lastReviewAt)
        writer.write(summaryRecorded)
        writer.writeArray(overDeliveredAuthorisations)
        writer.writeArray(items)
    }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        planId = try reader.read()
        personRef = try reader.readOptional()
        householdRef = try reader.readOptional()
        applicationId = try reader.readOptional()
        coordinatorId = try reader.readOptional()
        status = try reader.read()
        planVersion = try reader.read()
        applicationFiledAt = try reader.readOptional()
        approvedAt = try reader.readOptional()
        daysToPlan = try reader.readOptional()
        within30Days = try reader.readOptional()
        late = try reader.read()
        lateReasonRecorded = try reader.read()
        start = try reader.readOptional()
        end = try reader.readOptional()
        endedOn = try reader.readOptional()
        goalsSet = try reader.readOptional()
        lastReviewAt = try reader.readOptional()
        summaryRecorded = try reader.read()
        overDeliveredAuthorisations = try reader.readArray()
        items = try reader.readArray()
    }
}

/// One plan item with the three quantities domain.md §4.7 keeps apart: planned, authorised, delivered.
public struct PlanItemStatus: PayloadCodable, Hashable, Sendable {
    public var itemId: String
    public var kind: PlanItemKind
    public var serviceId: String?
    public var providerId: ProviderID?
    public var unitsPlanned: UInt64
    public var unitsAuthorised: UInt64
    public var unitsDelivered: UInt64
    public var unitsMissed: UInt64
    /// Effective deliveries per date (corrections move them, reversals remove them), for `lastDeliveryAt`.
    public var deliveryDates: [DatedUnits]
    /// Units delivered under each authorisation of the item (usually one): what a cancellation leaves authorised.
    /// Kept here, in the row every delivery rewrites anyway, rather than in the authorisation's link row.
    public var deliveredPerAuthorisation: [Tallied<AuthorisationID>]

    public init(item: PlanItem) {
        itemId = item.itemId
        kind = item.kind
        serviceId = item.serviceId
        providerId = item.preferredProviderId
        unitsPlanned = item.unitsPlanned
        unitsAuthorised = 0
        unitsDelivered = 0
        unitsMissed = 0
        deliveryDates = []
        deliveredPerAuthorisation = []
    }

    public var lastDeliveryAt: LocalDate? { deliveryDates.last { $0.units > 0 }?.date }

    /// Adds (or with a negative count removes) units delivered on `date` under `authorisation`.
    mutating func record(units: Int64, on date: LocalDate, under authorisation: AuthorisationID) {
        unitsDelivered = unitsDelivered.adding(units)
        deliveryDates.tally(units, for: date)
        deliveredPerAuthorisation.tally(units, for: authorisation)
    }

    /// Units delivered under `authorisation` on this item.
    func delivered(under authorisation: AuthorisationID) -> UInt64 {
        deliveredPerAuthorisation.units(for: authorisation)
    }

    public func encode(to writer: inout PayloadWriter) {
        writer.write(itemId)
        writer.write(kind)
        writer.writeOptional(serviceId)
        writer.writeOptional(providerId)
        writer.write(unitsPlanned)
        writer.write(unitsAuthorised)
        writer.write(unitsDelivered)
        writer.write(unitsMissed)
        writer.writeArray(deliveryDates)
        writer.writeArray(deliveredPerAuthorisation)
    }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        itemId = try reader.read()
        kind = try reader.read()
        serviceId = try reader.readOptional()
        providerId = try reader.readOptional()
        unitsPlanned = try reader.read()
        unitsAuthorised = try reader.read()
        unitsDelivered = try reader.read()
        unitsMissed = try reader.read()
        deliveryDates = try reader.readArray()
        deliveredPerAuthorisation = try reader.readArray()
    }
}
