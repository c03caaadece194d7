public import Domain

/// One application's place in one programme service's queue (ApplicationQueue / WaitingList, domain.md §5).
public struct QueueEntry: PayloadCodable, Hashable, Sendable {
    public enum Status: String, StableName {
        case new, assessed, waitlisted, qualified, refused, forwarded, withdrawn

        public static let names = StableNames<Self>()
    }

    public var applicationId: ApplicationID
    public var personRef: PersonRef
    public var filedAt: LocalDate
    public var status: Status
    /// When the queue stopped counting the wait: qualification, refusal or withdrawal.
    public var decidedOn: LocalDate?

    public func encode(to writer: inout PayloadWriter) {
        writer.write(applicationId)
        writer.write(personRef)
        writer.write(filedAt)
        writer.write(status)
        writer.writeOptional(decidedOn)
    }

    public init(applicationId: ApplicationID, personRef: PersonRef, filedAt: LocalDate, status: Status) {
        self.applicationId = applicationId
        self.personRef = personRef
        self.filedAt = filedAt
        self.status = status
    }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        applicationId = try reader.read()
        personRef = try reader.read()
        filedAt = try reader.read()
        status = try reader.read()
        decidedOn = try reader.readOptional()
    }
}

/// A programme service's header: its limits against places taken and units authorised.
public struct QueueHeader: PayloadCodable, Hashable, Sendable {
    public var maxPersons: UInt64?
    public var maxUnits: UInt64?
    public var currentPersons: UInt64 = 0
    public var unitsAuthorised: UInt64 = 0

    public init(maxPersons: UInt64?, maxUnits: UInt64?) {
        self.maxPersons = maxPersons
        self.maxUnits = maxUnits
    }

    public func encode(to writer: inout PayloadWriter) {
        writer.writeOptional(maxPersons)
        writer.writeOptional(maxUnits)
        writer.write(currentPersons)
        writer.write(unitsAuthorised)
    }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        maxPersons = try reader.readOptional()
        maxUnits = try reader.readOptional()
        currentPersons = try reader.read()
        unitsAuthorised = try reader.read()
    }
}

/// Where an application's entries are: their keys, so decisions on the application find them.
struct QueuedApplication: PayloadCodable, Hashable, Sendable {
    var entries: [QueueSlot]

    func encode(to writer: inout PayloadWriter) { writer.writeArray(entries) }
    init(entries: [QueueSlot]) { self.entries = entries }
    init(from reader: inout PayloadReader) throws(PayloadCodingError) { entries = try reader.readArray() }
}

struct QueueSlot: PayloadCodable, Hashable, Sendable {
    var programmeId: ProgrammeID
    var serviceId: String
    var filedAt: LocalDate

    var serviceKey: RowKey { RowKey.uuid(programmeId.uuid).appending(serviceId) }

    func entryKey(_ application: ApplicationID) -> RowKey {
        serviceKey.appending(UInt64(bitPattern: filedAt.daysSinceEpoch) ^ (1 << 63)).appending(application.uuid)
    }

    func encode(to writer: inout PayloadWriter) {
        writer.write(programmeId)
        writer.write(serviceId)
        writer.write(filedAt)
    }

    init(programmeId: ProgrammeID, serviceId: String, filedAt: LocalDate) {
        self.programmeId = programmeId
        self.serviceId = serviceId
        self.filedAt = filedAt
    }

    init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        programmeId = try reader.read()
        serviceId = try reader.read()
        filedAt = try reader.read()
    }
}

/// An authorisation's programme service and units, for the header's units authorised.
struct AuthorisedUnits: PayloadCodable, Hashable, Sendable {
    var programmeId: ProgrammeID
    var serviceId: String
    var units: UInt64

    func encode(to writer: inout PayloadWriter) {
        writer.write(programmeId)
        writer.write(serviceId)
        writer.write(units)
    }

    init(programmeId: ProgrammeID, serviceId: String, units: UInt64) {
        self.programmeId = programmeId
        self.serviceId = serviceId
        self.units = units
    }

    init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        programmeId = try reader.read()
        serviceId = try reader.read()
        units = try reader.read()
    }
}
