public import Domain
public import Foundation

/// An alert raised by an event, as stored when the event applied: the Domain function's kind, rule, subject and
/// parameters, when and under which rule set it was raised, and the event that resolved it, if any.
public struct StoredAlert: PayloadCodable, Hashable, Sendable {
    public var alertId: String
    public var kind: String
    public var rule: String
    public var subjectRef: String
    public var raisedAt: LocalDate
    /// The ledger position of the raising event; nil for an alert raised by the clock. Orders alerts of one day.
    public var raisedPosition: UInt64?
    public var ruleSetVersion: String?
    /// Sorted by name, so a rebuild writes the same bytes (the Domain function returns a dictionary).
    public var parameters: [AlertParameter]
    public var resolvingEventId: UUID?
    public var resolvedAt: LocalDate?

    public init(
        _ alert: ComplianceAlert, id: String, raisedAt: LocalDate, raisedPosition: UInt64?, ruleSetVersion: String?
    ) {
        alertId = id
        kind = alert.kind
        rule = alert.rule
        subjectRef = alert.subject
        self.raisedAt = raisedAt
        self.raisedPosition = raisedPosition
        self.ruleSetVersion = ruleSetVersion
        parameters = alert.parameters.sorted { $0.key < $1.key }.map { AlertParameter(name: $0.key, value: $0.value) }
    }

    public func encode(to writer: inout PayloadWriter) {
        writer.write(alertId)
        writer.write(kind)
        writer.write(rule)
        writer.write(subjectRef)
        writer.write(raisedAt)
        writer.writeOptional(raisedPosition)
        writer.writeOptional(ruleSetVersion)
        writer.writeArray(parameters)
        writer.writeOptional(resolvingEventId)
        writer.writeOptional(resolvedAt)
    }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        alertId = try reader.read()
        kind = try reader.read()
        rule = try reader.read()
        subjectRef = try reader.read()
        raisedAt = try reader.read()
        raisedPosition = try reader.readOptional()
        ruleSetVersion = try reader.readOptional()
        parameters = try reader.readArray()
        resolvingEventId = try reader.readOptional()
        resolvedAt = try reader.readOptional()
    }
}

/// One parameter of an alert: dates, counts and codes, never personal data (`ComplianceAlert`).
public struct AlertParameter: PayloadCodable, Hashable, Sendable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    public func encode(to writer: inout PayloadWriter) {
        writer.write(name)
        writer.write(value)
    }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        name = try reader.read()
        value = try reader.read()
    }
}

/// A dated event that moved a plan on: its business date and event id (what resolves a clock alert).
public struct Milestone: PayloadCodable, Hashable, Sendable {
    public var date: LocalDate
    public var eventId: UUID

    public init(date: LocalDate, eventId: UUID) {
        self.date = date
        self.eventId = eventId
    }

    public func encode(to writer: inout PayloadWriter) {
        writer.write(date)
        writer.write(eventId)
    }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        date = try reader.read()
        eventId = try reader.read()
    }
}

/// An application's filing date (the 30-day clock's start) and its withdrawal, which stops the clock (domain.md
/// §4.5).
public struct AlertApplication: PayloadCodable, Hashable, Sendable {
    public var filedAt: LocalDate
    public var withdrawn: Milestone?

    public init(filedAt: LocalDate) { self.filedAt = filedAt }

    public func encode(to writer: inout PayloadWriter) {
        writer.write(filedAt)
        writer.writeOptional(withdrawn)
    }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        filedAt = try reader.read()
        withdrawn = try reader.readOptional()
    }
}

/// A plan's facts that its alerts depend on: the clocks' inputs (filing, approval, end, summary) are read at
/// view time; the open alerts raised by events are remembered so a later event can resolve them.
public struct AlertPlan: PayloadCodable, Hashable, Sendable {
    public var planId: PlanID
    public var programmeId: ProgrammeID?
    public var applicationId: ApplicationID?
    public var applicationFiledAt: LocalDate?
    public var end: LocalDate?
    public var approval: Milestone?
    public var ended: Milestone?
    public var summary: Milestone?
    /// The open L16 alert.
    public var durationAlert: String?
    /// The open alert raised when the plan's programme ended, with the programme's last day.
    public var programmeAlert: String?
    public var programmeEndDate: LocalDate?

    public init(planId: PlanID) { self.planId = planId }

    /// Approved and not ended: what an ending programme leaves behind.
    public var isOpen: Bool { approval != nil && ended == nil }

    public func encode(to writer: inout PayloadWriter) {
        writer.write(planId)
        writer.writeOptional(programmeId)
        writer.writeOptional(applicationId)
        writer.writeOptional(applicationFiledAt)
        writer.writeOptional(end)
        writer.writeOptional(approval)
        writer.writeOptional(ended)
        writer.writeOptional(summary)
        writer.writeOptional(durationAlert)
        writer.writeOptional(programmeAlert)
        writer.writeOptional(programmeEndDate)
    }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        planId = try reader.read()
        programmeId = try reader.readOptional()
        applicationId = try reader.readOptional()
        applicationFiledAt = try reader.readOptional()
        end = try reader.readOptional()
        approval = try reader.readOptional()
        ended = try reader.readOptional()
        summary = try reader.readOptional()
        durationAlert = try reader.readOptional()
        programmeAlert = try reader.readOptional()
        programmeEndDate = try reader.readOptional()
    }
}

/// An authorisation's facts its alerts depend on: units authorised and effectively delivered (over-delivery),
/// its effective days (ended provider), and its open alerts with what resolves them.
public struct AlertAuthorisation: PayloadCodable, Hashable, Sendable {
    public var providerId: ProviderID
    public var engagementId: EngagementID
    public var start: LocalDate
    public var end: LocalDate
    public var cancelledFrom: LocalDate?
    public var unitsAuthorised: UInt64
    public var unitsDelivered: UInt64 = 0
    /// Open over-delivery alerts, by the event id of the report that now carries the units (a correction
    /// takes over from the report it corrects).
    public var overDeliveries: [OverDeliveryLink] = []
    /// Open alerts raised when the provider stopped serving.
    public var providerStops: [ProviderStopLink] = []

    public init(_ authorised: ServiceAuthorised) {
        providerId = authorised.providerId
        engagementId = authorised.engagementId
        start = authorised.start
        end = authorised.end
        unitsAuthorised = authorised.unitsAuthorised
    }

    /// Its first to last effective day; nil when cancelled from its first day.
    public var runs: ClosedRange<LocalDate>? {
        let last = cancelledFrom.map { min(end, $0.adding(days: -1)) } ?? end
        return start <= last ? start...last : nil
    }

    public var isOverDelivered: Bool { unitsDelivered > unitsAuthorised }

    public func encode(to writer: inout PayloadWriter) {
        writer.write(providerId)
        writer.write(engagementId)
        writer.write(start)
        writer.write(end)
        writer.writeOptional(cancelledFrom)
        writer.write(unitsAuthorised)
        writer.write(unitsDelivered)
        writer.writeArray(overDeliveries)
        writer.writeArray(providerStops)
    }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        providerId = try reader.read()
        engagementId = try reader.read()
        start = try reader.read()
        end = try reader.read()
        cancelledFrom = try reader.readOptional()
        unitsAuthorised = try reader.read()
        unitsDelivered = try reader.read()
        overDeliveries = try reader.readArray()
        providerStops = try reader.readArray()
    }
}

/// An open over-delivery alert and the report (or correction) whose units it is about.
public struct OverDeliveryLink: PayloadCodable, Hashable, Sendable {
    public var reportEventId: UUID
    public var alertId: String

    public init(reportEventId: UUID, alertId: String) {
        self.reportEventId = reportEventId
        self.alertId = alertId
    }

    public func encode(to writer: inout PayloadWriter) {
        writer.write(reportEventId)
        writer.write(alertId)
    }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        reportEventId = try reader.read()
        alertId = try reader.read()
    }
}

/// An open ended-provider alert and the days the provider may not serve, to check again when the
/// authorisation changes.
public struct ProviderStopLink: PayloadCodable, Hashable, Sendable {
    public var alertId: String
    public var stop: ComplianceAlert.ProviderStop
    public var from: LocalDate
    public var through: LocalDate?

    public init(alertId: String, stop: ComplianceAlert.ProviderStop, from: LocalDate, through: LocalDate?) {
        self.alertId = alertId
        self.stop = stop
        self.from = from
        self.through = through
    }

    public func encode(to writer: inout PayloadWriter) {
        writer.write(alertId)
        writer.write(stop)
        writer.write(from)
        writer.writeOptional(through)
    }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        alertId = try reader.read()
        stop = try reader.read()
        from = try reader.read()
        through = try reader.readOptional()
    }
}

/// A resident's current authorisations outside any plan (L14) and the open coordination alert.
public struct AlertCoordination: PayloadCodable, Hashable, Sendable {
    public var authorisations: [ServiceAuthorised] = []
    public var openAlert: String?

    public init() {}

    public func encode(to writer: inout PayloadWriter) {
        writer.writeArray(authorisations)
        writer.writeOptional(openAlert)
    }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        authorisations = try reader.readArray()
        openAlert = try reader.readOptional()
    }
}

/// The parameters of a published rule set that alerts raised at apply time use, by its version.
public struct AlertRules: PayloadCodable, Hashable, Sendable {
    public var backdatingAlertDays: Int64
    public var minMonths: Int64
    public var maxMonths: Int64
    public var coordinationThresholdMonths: Int64

    public init(_ ruleSet: RuleSet) {
        let parameters = ruleSet.parameters
        backdatingAlertDays = Int64(parameters.application.backdatingAlertDays)
        minMonths = Int64(parameters.plan.monthsAllowed.lowerBound)
        maxMonths = Int64(parameters.plan.monthsAllowed.upperBound)
        coordinationThresholdMonths = Int64(parameters.plan.coordinationThresholdMonths)
    }

    public var monthsAllowed: ClosedRange<Int> { Int(minMonths)...Int(max(minMonths, maxMonths)) }

    public func encode(to writer: inout PayloadWriter) {
        writer.write(backdatingAlertDays)
        writer.write(minMonths)
        writer.write(maxMonths)
        writer.write(coordinationThresholdMonths)
    }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        backdatingAlertDays = try reader.read()
        minMonths = try reader.read()
        maxMonths = try reader.read()
        coordinationThresholdMonths = try reader.read()
    }
}

/// Ids kept in one row: a programme's open plans, a provider's authorisations.
public struct IdentifierList<ID: EntityIdentifier>: PayloadCodable, Hashable, Sendable {
    public var ids: [ID] = []

    public init() {}

    public func encode(to writer: inout PayloadWriter) { writer.writeArray(ids) }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) { ids = try reader.readArray() }
}
