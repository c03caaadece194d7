public import Commands
public import Domain
import Foundation
import Ledger
public import Projections

/// What the policies see, read from the projections (ApplicationQueue for the waiting lists, ResidentTimeline for
/// last activity) and, for fees, from the fee desk's folds of the authorisation and fee-account streams (no
/// projection holds deliveries per person and month). Reading never appends: a projection rebuild replays events
/// into rows and calls no policy, and a policy runs only when its duty is run.
public final class DutyStateReader: Sendable {
    /// Whether this reader brings the projections it reads up to the ledger first (`cus ops run-due`), or a
    /// `ProjectionEngine` in the same process keeps them live (`cus serve`), in which case the caller waits for it.
    public enum Freshness: Sendable {
        case catchUpFirst
        case keptLiveElsewhere
    }

    let services: CommandServices
    let projections: ProjectionsStore
    let freshness: Freshness
    let desk: FeeDesk

    public init(services: CommandServices, projections: ProjectionsStore, freshness: Freshness = .catchUpFirst) {
        self.services = services
        self.projections = projections
        self.freshness = freshness
        desk = FeeDesk(FeeCommands(services: services))
    }

    func caughtUp(_ projection: any Projection) throws(DutyError) {
        guard case .catchUpFirst = freshness else { return }
        do {
            let size = try services.ledger.treeSize()
            let record = try ProjectionBuilder(ledger: services.ledger, store: projections)
                .build(projection, slot: .live, upTo: size)
            if let failure = record.failure {
                throw DutyError.projections(
                    "\(type(of: projection).name) failed at \(failure.position): \(failure.message)")
            }
        } catch let error as DutyError {
            throw error
        } catch {
            throw .projections("\(error)")
        }
    }

    /// The live rows of `projection`, refused while it has stopped at an event: a stopped view's rows are as old as
    /// its failure, and a policy deciding on them could erase a resident active since (ResidentTimeline) or promote
    /// from a stale queue. `caughtUp` reports the failure first under `cus ops run-due`; under `cus serve` the
    /// engine's wait returns for a stopped view (it is published as done, so no waiter hangs), and this is the check.
    private func readRows<R>(_ projection: any Projection.Type, _ body: (RowReader) throws -> R) throws -> R {
        try projections.readLive(projection) { reader, record in
            if let failure = record.failure {
                throw ProjectionError.failed(
                    projection: projection.name, position: failure.position, failure.message)
            }
            return try body(reader)
        }.value
    }

    /// Every programme service's queue, entries in filing order. The projection orders applications filed on the
    /// same day by id; L10 breaks such ties by ledger position, so each programme's ties are ordered by the ledger
    /// positions the decider's own `QualificationQueue` holds.
    public func queues() throws(DutyError) -> [WaitlistPromotionPolicy.Service] {
        try caughtUp(ApplicationQueueProjection())
        var services: [WaitlistPromotionPolicy.Service] = []
        do {
            services = try readRows(ApplicationQueueProjection.self) { reader in
                try reader.rows("services", as: QueueHeader.self).map { key, header in
                    let (programme, service) = try ApplicationQueueView.decode(key)
                    let entries = try reader.rows("entries", prefix: key, as: QueueEntry.self).map { _, entry in
                        WaitlistPromotionPolicy.Entry(
                            applicationId: entry.applicationId, personRef: entry.personRef, filedAt: entry.filedAt,
                            standing: Self.standing(entry.status))
                    }
                    return WaitlistPromotionPolicy.Service(
                        programmeId: programme, serviceId: service, maxPersons: header.maxPersons,
                        currentPersons: header.currentPersons, entries: entries)
                }
            }
        } catch {
            throw .projections("ApplicationQueue: \(error)")
        }
        var positions: [ProgrammeID: [ApplicationID: UInt64]] = [:]
        for index in services.indices {
            let programme = services[index].programmeId
            if positions[programme] == nil {
                do { positions[programme] = try desk.facts.queue(programme).applications.mapValues(\.position) } catch {
                    throw .command(error)
                }
            }
            let position = positions[programme] ?? [:]
            services[index].entries.sort {
                ($0.filedAt, position[$0.applicationId] ?? .max) < ($1.filedAt, position[$1.applicationId] ?? .max)
            }
        }
        return services
    }

    static func standing(_ status: QueueEntry.Status) -> WaitlistPromotionPolicy.Entry.Standing {
        switch status {
        case .waitlisted: .waitlisted
        case .new, .assessed: .undecided
        case .qualified, .refused, .forwarded, .withdrawn: .decided
        }
    }

    /// The persons whose personal data was erased, from ResidentTimeline's standing rows alone (no event is read).
    public func erasedPersons() throws(DutyError) -> Set<PersonRef> {
        try caughtUp(ResidentTimelineProjection())
        do {
            return try readRows(ResidentTimelineProjection.self) { reader in
                var erased: Set<PersonRef> = []
                for (key, standing) in try reader.rows("persons", as: PersonStanding.self)
                where standing.erasedAt != nil && key.count == 16 {
                    let uuid = key.bytes.withUnsafeBytes { $0.loadUnaligned(as: uuid_t.self) }
                    erased.insert(PersonRef(uuid: UUID(uuid: uuid)))
                }
                return erased
            }
        } catch {
            throw .projections("ResidentTimeline: \(error)")
        }
    }

    /// Every person the ResidentTimeline knows, with the business date of their last event (reads of their data
    /// and erasure receipts excluded) and whether they were erased.
    public func persons() throws(DutyError) -> [RetentionErasurePolicy.Person] {
        try caughtUp(ResidentTimelineProjection())
        let notActivity: Set<String> = [PersonalDataViewed.eventType, PersonalDataErased.eventType]
        do {
            return try readRows(ResidentTimelineProjection.self) { reader in
                var last: [PersonRef: LocalDate] = [:]
                for timeline in try ResidentTimelineView.timelines(reader, person: nil, ledger: services.ledger) {
                    let activity = timeline.events.filter { !notActivity.contains($0.type) }
                    if let day = activity.map(\.occurredAt.localDate).max() { last[timeline.person] = day }
                }
                return try last.map { person, day in
                    let standing = try reader.get("persons", RowKey().appending(person.uuid), as: PersonStanding.self)
                    return RetentionErasurePolicy.Person(
                        personRef: person, lastActivity: day, isErased: standing?.erasedAt != nil)
                }
            }
        } catch {
            throw .projections("ResidentTimeline: \(error)")
        }
    }

    /// Every fee account of a charged programme with an authorisation, with the units delivered in `months`.
    public func feeAccounts(months: [ClosedRange<LocalDate>]) throws(DutyError) -> [MonthlyChargePolicy.Account] {
        do {
            var programmes: [ProgrammeID: ProgrammeState] = [:]
            var accounts: [MonthlyChargePolicy.Account] = []
            for (person, orders) in try desk.ordersByPerson() {
                for programmeId in Set(orders.map(\.programme)).sorted() {
                    let programme: ProgrammeState
                    if let known = programmes[programmeId] {
                        programme = known
                    } else {
                        programme = try desk.facts.programme(programmeId)
                        programmes[programmeId] = programme
                    }
                    guard programme.feeRegime == .charged else { continue }
                    let onProgramme = orders.filter { $0.programme == programmeId }
                    var unitsByMonth: [String: [String: UInt64]] = [:]
                    for month in months {
                        let period = MonthlyAllocation.month(of: month.lowerBound)
                        unitsByMonth[period] = try desk.unitsDelivered(in: period, on: onProgramme)
                    }
                    let state = try desk.facts.state(
                        FeeAccountDecider.self, of: try LedgerNames.feeAccount(person, programme: programmeId))
                    accounts.append(
                        MonthlyChargePolicy.Account(
                            personRef: person, programmeId: programmeId, programme: programme, state: state,
                            unitsByMonth: unitsByMonth))
                }
            }
            return accounts
        } catch {
            throw .command(error)
        }
    }
}
