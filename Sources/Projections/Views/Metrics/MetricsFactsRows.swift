import Domain

/// A programme service's unit and area.
struct MetricsService: PayloadCodable, Hashable, Sendable {
    var unit: String
    var area: String

    init(unit: String, area: String) {
        self.unit = unit
        self.area = area
    }

    static func key(_ programme: ProgrammeID, _ service: String) -> RowKey {
        RowKey.uuid(programme.uuid).appending(service)
    }

    func encode(to writer: inout PayloadWriter) {
        writer.write(unit)
        writer.write(area)
    }

    init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        unit = try reader.read()
        area = try reader.read()
    }
}

/// Whose service an authorisation orders, in which programme, from which provider, and its units (in total and
/// per month, spread as ProviderWorkload spreads them).
struct MetricsAuthorisation: PayloadCodable, Hashable, Sendable {
    var programmeId: ProgrammeID
    var personRef: PersonRef
    var serviceId: String
    var providerId: ProviderID
    var unitsAuthorised: UInt64
    var end: LocalDate
    var allocation: [MonthlyUnits]
    var planId: PlanID?

    init(
        programmeId: ProgrammeID, personRef: PersonRef, serviceId: String, providerId: ProviderID,
        unitsAuthorised: UInt64, end: LocalDate, allocation: [MonthlyUnits], planId: PlanID?
    ) {
        self.planId = planId
        self.programmeId = programmeId
        self.personRef = personRef
        self.serviceId = serviceId
        self.providerId = providerId
        self.unitsAuthorised = unitsAuthorised
        self.end = end
        self.allocation = allocation
    }

    func encode(to writer: inout PayloadWriter) {
        writer.write(programmeId)
        writer.write(personRef)
        writer.write(serviceId)
        writer.write(providerId)
        writer.write(unitsAuthorised)
        writer.write(end)
        writer.writeArray(allocation)
        writer.writeOptional(planId)
    }

    init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        programmeId = try reader.read()
        personRef = try reader.read()
        serviceId = try reader.read()
        providerId = try reader.read()
        unitsAuthorised = try reader.read()
        end = try reader.read()
        allocation = try reader.readArray()
        planId = try reader.readOptional()
    }
}

/// A `ServiceNotDelivered` report.
struct MetricsMissed: PayloadCodable, Hashable, Sendable {
    var authorisationId: AuthorisationID
    var date: LocalDate
    var reason: String

    init(authorisationId: AuthorisationID, date: LocalDate, reason: String) {
        self.authorisationId = authorisationId
        self.date = date
        self.reason = reason
    }

    func encode(to writer: inout PayloadWriter) {
        writer.write(authorisationId)
        writer.write(date)
        writer.write(reason)
    }

    init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        authorisationId = try reader.read()
        date = try reader.read()
        reason = try reader.read()
    }
}

/// An application's first qualification decision in a programme.
struct MetricsDecision: PayloadCodable, Hashable, Sendable {
    var personRef: PersonRef
    var filedAt: LocalDate?
    var decidedOn: LocalDate
    var granted: Bool

    init(personRef: PersonRef, filedAt: LocalDate?, decidedOn: LocalDate, granted: Bool) {
        self.personRef = personRef
        self.filedAt = filedAt
        self.decidedOn = decidedOn
        self.granted = granted
    }

    func encode(to writer: inout PayloadWriter) {
        writer.write(personRef)
        writer.writeOptional(filedAt)
        writer.write(decidedOn)
        writer.write(granted)
    }

    init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        personRef = try reader.read()
        filedAt = try reader.readOptional()
        decidedOn = try reader.read()
        granted = try reader.read()
    }
}

/// An IPUS as the indicators need it.
struct MetricsPlan: PayloadCodable, Hashable, Sendable {
    static let open: UInt64 = 0
    static let completed: UInt64 = 1
    static let terminatedEarly: UInt64 = 2

    var programmeId: ProgrammeID
    var personRef: PersonRef
    var filedAt: LocalDate?
    var draftedOn: LocalDate
    var approvedOn: LocalDate?
    var start: LocalDate?
    var end: LocalDate?
    var endedOn: LocalDate?
    var ending: UInt64 = Self.open
    var summaryRecorded = false
    /// Whether the latest version has a supportingActivity item (P8).
    var supportingActivity = false
    /// The latest version's service items' unitsPlanned, per service (D1 c).
    var unitsPlanned: [MetricsServiceUnits] = []
    var suspensions: [MetricsSuspension] = []
    /// The summary's business day and the goals set (its ratings are sealed: the outcome dimension's).
    var summaryRecordedOn: LocalDate?
    var goalsSet: UInt64 = 0

    init(programmeId: ProgrammeID, personRef: PersonRef, draftedOn: LocalDate) {
        self.programmeId = programmeId
        self.personRef = personRef
        self.draftedOn = draftedOn
    }

    func encode(to writer: inout PayloadWriter) {
        writer.write(programmeId)
        writer.write(personRef)
        writer.writeOptional(filedAt)
        writer.write(draftedOn)
        writer.writeOptional(approvedOn)
        writer.writeOptional(start)
        writer.writeOptional(end)
        writer.writeOptional(endedOn)
        writer.write(ending)
        writer.write(summaryRecorded)
        writer.write(supportingActivity)
        writer.writeArray(unitsPlanned)
        writer.writeArray(suspensions)
        writer.writeOptional(summaryRecordedOn)
        writer.write(goalsSet)
    }

    /// Sums the service items' units per service, in service order.
    static func unitsPlanned(_ items: [PlanItem]) -> [MetricsServiceUnits] {
        var units: [String: UInt64] = [:]
        for item in items where item.kind == .service {
            guard let service = item.serviceId else { continue }
            units[service, default: 0] += item.unitsPlanned
        }
        return units.sorted { $0.key < $1.key }.map { MetricsServiceUnits(serviceId: $0.key, units: $0.value) }
    }

    init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        programmeId = try reader.read()
        personRef = try reader.read()
        filedAt = try reader.readOptional()
        draftedOn = try reader.read()
        approvedOn = try reader.readOptional()
        start = try reader.readOptional()
        end = try reader.readOptional()
        endedOn = try reader.readOptional()
        ending = try reader.read()
        summaryRecorded = try reader.read()
        supportingActivity = try reader.read()
        unitsPlanned = try reader.readArray()
        suspensions = try reader.readArray()
        summaryRecordedOn = try reader.readOptional()
        goalsSet = try reader.read()
    }
}

/// An application's waiting-list spells, one per programme it waited for: from ApplicantWaitlisted's business
/// date to its promotion, qualification or withdrawal (business date) or refusal (decision date).
struct MetricsWaitlist: PayloadCodable, Hashable, Sendable {
    struct Spell: PayloadCodable, Hashable, Sendable {
        var programmeId: ProgrammeID
        var personRef: PersonRef
        var enteredOn: LocalDate
        var leftOn: LocalDate?

        init(programmeId: ProgrammeID, personRef: PersonRef, enteredOn: LocalDate) {
            self.programmeId = programmeId
            self.personRef = personRef
            self.enteredOn = enteredOn
        }

        func encode(to writer: inout PayloadWriter) {
            writer.write(programmeId)
            writer.write(personRef)
            writer.write(enteredOn)
            writer.writeOptional(leftOn)
        }

        init(from reader: inout PayloadReader) throws(PayloadCodingError) {
            programmeId = try reader.read()
            personRef = try reader.read()
            enteredOn = try reader.read()
            leftOn = try reader.readOptional()
        }
    }

    var spells: [Spell] = []

    init() {}

    func encode(to writer: inout PayloadWriter) { writer.writeArray(spells) }

    init(from reader: inout PayloadReader) throws(PayloadCodingError) { spells = try reader.readArray() }
}

/// A person's household memberships, as recorded and ended.
struct MetricsMemberships: PayloadCodable, Hashable, Sendable {
    var memberships: [MetricsFacts.Membership] = []

    init() {}

    func encode(to writer: inout PayloadWriter) {
        writer.write(unsigned: UInt64(memberships.count))
        for membership in memberships {
            writer.write(membership.householdRef)
            writer.write(membership.validFrom)
            writer.writeOptional(membership.validTo)
        }
    }

    init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        let count = try reader.readUnsigned()
        for _ in 0..<count {
            var membership = MetricsFacts.Membership(householdRef: try reader.read(), validFrom: try reader.read())
            membership.validTo = try reader.readOptional()
            memberships.append(membership)
        }
    }
}

/// A granted qualification's person and validity (P1).
struct MetricsQualification: PayloadCodable, Hashable, Sendable {
    var personRef: PersonRef
    var validFrom: LocalDate
    var validTo: LocalDate?

    init(personRef: PersonRef, validFrom: LocalDate, validTo: LocalDate?) {
        self.personRef = personRef
        self.validFrom = validFrom
        self.validTo = validTo
    }

    func encode(to writer: inout PayloadWriter) {
        writer.write(personRef)
        writer.write(validFrom)
        writer.writeOptional(validTo)
    }

    init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        personRef = try reader.read()
        validFrom = try reader.read()
        validTo = try reader.readOptional()
    }
}

/// A plan's suspension: from its first day, through its planned last day until resumed, to the day before the
/// resumption (as `PlanState.Suspension`).
struct MetricsSuspension: PayloadCodable, Hashable, Sendable {
    var from: LocalDate
    var plannedTo: LocalDate?
    var resumedOn: LocalDate?

    init(from: LocalDate, plannedTo: LocalDate?) {
        self.from = from
        self.plannedTo = plannedTo
    }

    var fact: PlanState.Suspension { PlanState.Suspension(from: from, plannedTo: plannedTo, resumedOn: resumedOn) }

    func encode(to writer: inout PayloadWriter) {
        writer.write(from)
        writer.writeOptional(plannedTo)
        writer.writeOptional(resumedOn)
    }

    init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        from = try reader.read()
        plannedTo = try reader.readOptional()
        resumedOn = try reader.readOptional()
    }
}

/// An amount that settled a charge on a business day (payment allocations, write-offs), kept under the charge id
/// and the event's position.
struct MetricsSettlement: PayloadCodable, Hashable, Sendable {
    var date: LocalDate
    var amount: Int64

    init(date: LocalDate, amount: Int64) {
        self.date = date
        self.amount = amount
    }

    func encode(to writer: inout PayloadWriter) {
        writer.write(date)
        writer.write(amount)
    }

    init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        date = try reader.read()
        amount = try reader.read()
    }
}

/// An application's refusals (the programmes refused in) and its appeals, in the order lodged.
/// An application's refusals (each with its decision reference and programme) and the appeals against them.
struct MetricsAppeals: PayloadCodable, Hashable, Sendable {
    struct Refusal: PayloadCodable, Hashable, Sendable {
        var decisionRef: String
        var programmeId: ProgrammeID

        init(decisionRef: String, programmeId: ProgrammeID) {
            self.decisionRef = decisionRef
            self.programmeId = programmeId
        }

        func encode(to writer: inout PayloadWriter) {
            writer.write(decisionRef)
            writer.write(programmeId)
        }

        init(from reader: inout PayloadReader) throws(PayloadCodingError) {
            decisionRef = try reader.read()
            programmeId = try reader.read()
        }
    }

    struct Appeal: PayloadCodable, Hashable, Sendable {
        var appealedOn: LocalDate
        /// The programme of the refusal appealed against; nil when its decision reference matched none.
        var programmeId: ProgrammeID?
        var resolvedOn: LocalDate?
        var outcome: String?

        init(appealedOn: LocalDate, programmeId: ProgrammeID?) {
            self.appealedOn = appealedOn
            self.programmeId = programmeId
        }

        func encode(to writer: inout PayloadWriter) {
            writer.write(appealedOn)
            writer.writeOptional(programmeId)
            writer.writeOptional(resolvedOn)
            writer.writeOptional(outcome)
        }

        init(from reader: inout PayloadReader) throws(PayloadCodingError) {
            appealedOn = try reader.read()
            programmeId = try reader.readOptional()
            resolvedOn = try reader.readOptional()
            outcome = try reader.readOptional()
        }
    }

    var refusals: [Refusal] = []
    var appeals: [Appeal] = []

    init() {}

    /// Whether the application was refused in `programme`.
    func wasRefused(in programme: ProgrammeID) -> Bool { refusals.contains { $0.programmeId == programme } }

    func encode(to writer: inout PayloadWriter) {
        writer.writeArray(refusals)
        writer.writeArray(appeals)
    }

    init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        refusals = try reader.readArray()
        appeals = try reader.readArray()
    }
}

/// Units of one service (a plan's unitsPlanned per service).
struct MetricsServiceUnits: PayloadCodable, Hashable, Sendable {
    var serviceId: String
    var units: UInt64

    init(serviceId: String, units: UInt64) {
        self.serviceId = serviceId
        self.units = units
    }

    func encode(to writer: inout PayloadWriter) {
        writer.write(serviceId)
        writer.write(units)
    }

    init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        serviceId = try reader.read()
        units = try reader.read()
    }
}
