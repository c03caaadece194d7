public import Domain

/// One provider's work on one service in one calendar month ("YYYY-MM"): units authorised (each authorisation's
/// month allocation), delivered (effective: corrections applied, reversals removed) and missed, by whom, and how
/// long authorisations whose first delivery fell in the month waited for it. Engagement terms and the waiting
/// list are joined when read.
public struct WorkloadMonthRow: PayloadCodable, Hashable, Sendable {
    public var providerId: ProviderID
    public var serviceId: String
    public var month: String
    public var unitsAuthorised: UInt64 = 0
    public var unitsDelivered: UInt64 = 0
    public var unitsMissed: UInt64 = 0
    public var overDeliveryCount: UInt64 = 0
    /// Effective units per person, for `activePersons`.
    public var persons: [Tallied<PersonRef>] = []
    /// Σ days from the authorisation decision to the first effective delivery, over `firstDeliveries` authorisations.
    public var firstDeliveryDays: UInt64 = 0
    public var firstDeliveries: UInt64 = 0

    public init(providerId: ProviderID, serviceId: String, month: String) {
        self.providerId = providerId
        self.serviceId = serviceId
        self.month = month
    }

    static func key(_ providerId: ProviderID, _ serviceId: String, _ month: String) -> RowKey {
        WorkloadService.key(providerId, serviceId).appending(month)
    }

    /// Nothing counted: a correction or a change moved everything away, so the row goes.
    var isEmpty: Bool {
        unitsAuthorised == 0 && unitsDelivered == 0 && unitsMissed == 0 && overDeliveryCount == 0 && persons.isEmpty
            && firstDeliveries == 0
    }

    public func encode(to writer: inout PayloadWriter) {
        writer.write(providerId)
        writer.write(serviceId)
        writer.write(month)
        writer.write(unitsAuthorised)
        writer.write(unitsDelivered)
        writer.write(unitsMissed)
        writer.write(overDeliveryCount)
        writer.writeArray(persons)
        writer.write(firstDeliveryDays)
        writer.write(firstDeliveries)
    }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        providerId = try reader.read()
        serviceId = try reader.read()
        month = try reader.read()
        unitsAuthorised = try reader.read()
        unitsDelivered = try reader.read()
        unitsMissed = try reader.read()
        overDeliveryCount = try reader.read()
        persons = try reader.readArray()
        firstDeliveryDays = try reader.read()
        firstDeliveries = try reader.read()
    }
}

/// A provider's engagements covering one service, as ProviderEngaged and its amendments, endings and capacity
/// changes left them: what mode, contract end and capacity a month's row shows.
public struct WorkloadService: PayloadCodable, Hashable, Sendable {
    /// In the order engaged.
    public var engagements: [EngagementTerms] = []

    public init() {}

    static func key(_ providerId: ProviderID, _ serviceId: String) -> RowKey {
        RowKey.uuid(providerId.uuid).appending(serviceId)
    }

    public func encode(to writer: inout PayloadWriter) { writer.writeArray(engagements) }
    public init(from reader: inout PayloadReader) throws(PayloadCodingError) { engagements = try reader.readArray() }
}

/// One engagement's terms for a service.
public struct EngagementTerms: PayloadCodable, Hashable, Sendable {
    public var engagementId: EngagementID
    public var programmeId: ProgrammeID
    public var mode: EngagementMode
    public var capacity: Capacity
    /// Later capacities, in the order recorded.
    public var capacityChanges: [EngagementCapacityChange] = []
    public var validFrom: LocalDate
    public var validTo: LocalDate?
    /// The first day without the engagement, once ended.
    public var endedFrom: LocalDate?

    init(_ engaged: ProviderEngaged) {
        engagementId = engaged.engagementId
        programmeId = engaged.programmeId
        mode = engaged.mode
        capacity = engaged.capacity
        validFrom = engaged.validFrom
        validTo = engaged.validTo
    }

    /// The contract's last day (its end, or the day before it was ended); nil while open-ended.
    public var lastDay: LocalDate? {
        guard let endedFrom else { return validTo }
        return min(validTo ?? endedFrom, endedFrom.adding(days: -1))
    }

    /// Whether the engagement runs on some day of `month`.
    func runs(in month: MonthSpan) -> Bool {
        validFrom <= month.lastDay && (lastDay.map { $0 >= month.firstDay } ?? true)
    }

    /// The capacity in force on the engagement's first day in `month` (as the capacity alert reads it): the latest
    /// change from that day or before, of two from one day the one recorded later.
    func capacity(in month: MonthSpan) -> Capacity {
        let day = max(month.firstDay, validFrom)
        var current: EngagementCapacityChange?
        for change in capacityChanges where change.effectiveFrom <= day {
            if current.map({ $0.effectiveFrom <= change.effectiveFrom }) ?? true { current = change }
        }
        return current?.capacity ?? capacity
    }

    public func encode(to writer: inout PayloadWriter) {
        writer.write(engagementId)
        writer.write(programmeId)
        writer.write(mode)
        writer.write(capacity)
        writer.writeArray(capacityChanges)
        writer.write(validFrom)
        writer.writeOptional(validTo)
        writer.writeOptional(endedFrom)
    }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        engagementId = try reader.read()
        programmeId = try reader.read()
        mode = try reader.read()
        capacity = try reader.read()
        capacityChanges = try reader.readArray()
        validFrom = try reader.read()
        validTo = try reader.readOptional()
        endedFrom = try reader.readOptional()
    }
}

/// A capacity in force from a day on, until a later change.
public struct EngagementCapacityChange: PayloadCodable, Hashable, Sendable {
    public var effectiveFrom: LocalDate
    public var capacity: Capacity

    init(effectiveFrom: LocalDate, capacity: Capacity) {
        self.effectiveFrom = effectiveFrom
        self.capacity = capacity
    }

    public func encode(to writer: inout PayloadWriter) {
        writer.write(effectiveFrom)
        writer.write(capacity)
    }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        effectiveFrom = try reader.read()
        capacity = try reader.read()
    }
}

/// A calendar month's first and last day.
struct MonthSpan {
    let firstDay: LocalDate
    let lastDay: LocalDate

    init?(_ month: String) {
        guard let first = LocalDate("\(month)-01") else { return nil }
        firstDay = first
        lastDay = first.adding(months: 1).adding(days: -1)
    }
}

/// Which provider and service an engagement covers, so amendments, endings and capacity changes (which name
/// the engagement only) find its terms.
struct EngagementScope: PayloadCodable, Hashable, Sendable {
    var providerId: ProviderID
    var serviceIds: [String]

    init(providerId: ProviderID, serviceIds: [String]) {
        self.providerId = providerId
        self.serviceIds = serviceIds
    }

    func encode(to writer: inout PayloadWriter) {
        writer.write(providerId)
        writer.writeArray(serviceIds)
    }

    init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        providerId = try reader.read()
        serviceIds = try reader.readArray()
    }
}

/// An authorisation as the workload counts it: whose rows it feeds, its month allocation now in force, and its
/// effective deliveries by date (for the first delivery).
struct WorkloadAuthorisation: PayloadCodable, Hashable, Sendable {
    var providerId: ProviderID
    var serviceId: String
    var personRef: PersonRef
    /// The business day of the authorisation decision: the wait to the first delivery counts from it, as
    /// domain.md §7 does ("au01 went from authorisation to first delivery in 6 days").
    var authorisedOn: LocalDate
    /// Units per month in month order; empty until `WorkloadTables.reallocate` counts them in.
    var allocation: [MonthlyUnits] = []
    var deliveries: [DatedUnits] = []

    init(_ authorised: ServiceAuthorised, on day: LocalDate) {
        providerId = authorised.providerId
        serviceId = authorised.serviceId
        personRef = authorised.personRef
        authorisedOn = day
    }

    /// The domain's spread (`MonthlyAllocation.spread`), in month order so the row stays byte-stable.
    static func spread(units: UInt64, allocation: [MonthlyUnits], from start: LocalDate, through end: LocalDate)
        -> [MonthlyUnits]
    {
        MonthlyAllocation.spread(units: units, allocation: allocation, from: start, through: end)
            .sorted { $0.key < $1.key }.map { MonthlyUnits(month: $0.key, units: $0.value) }
    }

    func monthKey(_ month: String) -> RowKey { WorkloadMonthRow.key(providerId, serviceId, month) }

    var firstDelivery: LocalDate? { deliveries.first?.date }

    func encode(to writer: inout PayloadWriter) {
        writer.write(providerId)
        writer.write(serviceId)
        writer.write(personRef)
        writer.write(authorisedOn)
        writer.writeArray(allocation)
        writer.writeArray(deliveries)
    }

    init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        providerId = try reader.read()
        serviceId = try reader.read()
        personRef = try reader.read()
        authorisedOn = try reader.read()
        allocation = try reader.readArray()
        deliveries = try reader.readArray()
    }
}

/// A person on a programme service's waiting list from `since` until the day `until` they left it (promoted,
/// qualified, refused or withdrawn).
public struct WaitingSpell: PayloadCodable, Hashable, Sendable {
    public var personRef: PersonRef
    public var since: LocalDate
    public var until: LocalDate?

    init(personRef: PersonRef, since: LocalDate) {
        self.personRef = personRef
        self.since = since
    }

    static func key(_ programmeId: ProgrammeID, _ serviceId: String) -> RowKey {
        RowKey.uuid(programmeId.uuid).appending(serviceId)
    }

    /// Whether the person waits on `day`.
    func waits(on day: LocalDate) -> Bool { since <= day && (until.map { day < $0 } ?? true) }

    public func encode(to writer: inout PayloadWriter) {
        writer.write(personRef)
        writer.write(since)
        writer.writeOptional(until)
    }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        personRef = try reader.read()
        since = try reader.read()
        until = try reader.readOptional()
    }
}

/// The waiting-list services of one application, so a withdrawal or refusal closes its spells.
struct WaitingApplication: PayloadCodable, Hashable, Sendable {
    var slots: [WaitingSlot] = []

    init() {}
    func encode(to writer: inout PayloadWriter) { writer.writeArray(slots) }
    init(from reader: inout PayloadReader) throws(PayloadCodingError) { slots = try reader.readArray() }
}

struct WaitingSlot: PayloadCodable, Hashable, Sendable {
    var programmeId: ProgrammeID
    var serviceId: String

    init(programmeId: ProgrammeID, serviceId: String) {
        self.programmeId = programmeId
        self.serviceId = serviceId
    }

    func key(_ applicationId: ApplicationID) -> RowKey {
        WaitingSpell.key(programmeId, serviceId).appending(applicationId.uuid)
    }

    func encode(to writer: inout PayloadWriter) {
        writer.write(programmeId)
        writer.write(serviceId)
    }

    init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        programmeId = try reader.read()
        serviceId = try reader.read()
    }
}
