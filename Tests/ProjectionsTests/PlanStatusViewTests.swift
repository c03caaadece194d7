import Commands
import Domain
import Foundation
import Ledger
import Testing

@testable import Projections

/// A plan through its life, with an authorised item and the provider's reports, as PlanStatusView's tests feed it.
struct PlanStory {
    let plan = PlanID(uuid: UUID())
    let application = ApplicationID(uuid: UUID())
    let person = PersonRef(uuid: UUID())
    let coordinator = StaffID(uuid: UUID())
    let director = StaffID(uuid: UUID())
    let programme = ProgrammeID(uuid: UUID())
    let provider = ProviderID(uuid: UUID())
    let authorisation = AuthorisationID(uuid: UUID())

    var items: [PlanItem] {
        [
            PlanItem(
                itemId: "i1", kind: .service, serviceId: "care", unitsPlanned: 60, start: .on("2025-03-01"),
                end: .on("2025-08-31")),
            PlanItem(
                itemId: "i2", kind: .supportingActivity, activityName: "Spacery", unitsPlanned: 0,
                start: .on("2025-03-01"), end: .on("2025-08-31")),
        ]
    }

    var opening: [DomainEvent] {
        [
            .applicationSubmitted(
                ApplicationSubmitted(
                    applicationId: application, personRef: person, applicantRole: .self, channel: .inPerson,
                    programmeIds: [programme], requestedServiceIds: ["care"], filedAt: .on("2025-02-03"))),
            .coordinatorAssigned(
                CoordinatorAssigned(
                    planId: plan, applicationId: application, personRef: person, coordinatorId: coordinator,
                    fromDate: .on("2025-02-10"))),
            .planDrafted(
                PlanDrafted(
                    planId: plan, planVersion: 1, applicationId: application, personRef: person, programmeId: programme,
                    items: items, start: .on("2025-03-01"), end: .on("2025-08-31"))),
            .planAgreed(
                PlanAgreed(
                    planId: plan, personRef: person, planVersion: 1, agreedBy: person, agreedOn: .on("2025-02-20"))),
            .planApproved(
                PlanApproved(
                    planId: plan, personRef: person, planVersion: 1, approverId: director, approverRole: .director,
                    approvedOn: .on("2025-02-24"), start: .on("2025-03-01"), end: .on("2025-08-31"),
                    applicationFiledAt: .on("2025-02-03"), daysToPlan: 21, late: false)),
            .serviceAuthorised(
                ServiceAuthorised(
                    authorisationId: authorisation, planId: plan, planItemId: "i1",
                    qualificationId: QualificationID(uuid: UUID()),
                    personRef: person, programmeId: programme, serviceId: "care", providerId: provider,
                    engagementId: EngagementID(uuid: UUID()), unitsAuthorised: 50, monthlyAllocation: [], rate: 4_000,
                    start: .on("2025-03-01"), end: .on("2025-08-31"))),
        ]
    }

    func delivered(_ id: String, on date: String, units: UInt64) -> DomainEvent {
        .serviceDelivered(
            ServiceDelivered(
                authorisationId: authorisation, personRef: person, providerId: provider, deliveryId: id,
                deliveredOn: .on(date), units: units, groupSession: false, overDelivery: false))
    }

    func corrected(_ original: UUID, on date: String, units: UInt64) -> DomainEvent {
        .deliveryCorrected(
            DeliveryCorrected(
                authorisationId: authorisation, personRef: person, originalEventId: original, deliveryId: "c",
                deliveredOn: .on(date), units: units, reason: "Błąd liczby godzin"))
    }

    func reversed(_ original: UUID) -> DomainEvent {
        .deliveryReversed(
            DeliveryReversed(
                authorisationId: authorisation, personRef: person, originalEventId: original, deliveryId: "r",
                reason: "Wizyta się nie odbyła"))
    }

    /// A report over the order's total, as the decider marks one.
    func overDelivered(_ id: String, units: UInt64) -> DomainEvent {
        .serviceDelivered(
            ServiceDelivered(
                authorisationId: authorisation, personRef: person, providerId: provider, deliveryId: id,
                deliveredOn: .on("2025-03-10"), units: units, groupSession: false, overDelivery: true))
    }

    /// The order changed to `units` over the plan's whole period.
    func changed(units: UInt64, on date: String, reason: String) -> DomainEvent {
        .serviceAuthorisationChanged(
            ServiceAuthorisationChanged(
                authorisationId: authorisation, personRef: person, unitsAuthorised: units, monthlyAllocation: [],
                start: .on("2025-03-01"), end: .on("2025-08-31"), reason: reason, changedOn: .on(date)))
    }

    func cancelled(from date: String, reason: String) -> DomainEvent {
        .serviceAuthorisationCancelled(
            ServiceAuthorisationCancelled(
                authorisationId: authorisation, personRef: person, effectiveFrom: .on(date), reason: reason))
    }

    var missed: DomainEvent {
        .serviceNotDelivered(
            ServiceNotDelivered(
                authorisationId: authorisation, personRef: person, providerId: provider, deliveryId: "m",
                date: .on("2025-03-24"), unitsPlanned: 4, reason: .residentAbsent))
    }

    /// Feeds the whole story; returns the event ids of the three delivery reports.
    func feed(_ fixture: ProjectionsFixture) async throws {
        for event in opening { try await fixture.emit(event) }
        let first = try await fixture.emit(delivered("d1", on: "2025-03-03", units: 4))
        let second = try await fixture.emit(delivered("d2", on: "2025-03-10", units: 4))
        try await fixture.emit(delivered("d3", on: "2025-03-17", units: 4))
        try await fixture.emit(corrected(try fixture.eventID(at: first), on: "2025-03-03", units: 2))
        try await fixture.emit(reversed(try fixture.eventID(at: second)))
        try await fixture.emit(missed)
    }
}

extension ProjectionsFixture {
    func eventID(at position: Position) throws -> UUID {
        guard let record = try services.ledger.event(at: position) else { throw ProjectionError.storage("no event") }
        return record.id.rawValue.foundationUUID
    }

    func planRows(today: String = "2025-03-25", in store: ProjectionsStore? = nil) throws -> [ViewRow] {
        try (store ?? self.store).read(PlanStatusProjection.self) { reader in
            try PlanStatusView.rows(reader, key: nil, context: ViewContext(today: .on(today)))
        }
    }
}

@Suite("PlanStatusView: one row per IPUS with planned, authorised and delivered units")
struct PlanStatusViewTests {
    @Test("A plan's row follows approval, authorisation, deliveries with a correction, a reversal and a miss")
    func lifecycle() async throws {
        let fixture = try ProjectionsFixture()
        let story = PlanStory()
        try await story.feed(fixture)
        try fixture.catchUp(PlanStatusProjection())
        let rows = try fixture.planRows()
        #expect(rows.count == 1)
        let row = try #require(rows.first)
        #expect(row["status"] == .string("active"))
        #expect(row["coordinatorId"] == .id(story.coordinator))
        #expect(row["applicationFiledAt"] == .string("2025-02-03"))
        #expect(row["daysToPlan"] == .int(21))
        #expect(row["within30Days"] == .bool(true))
        #expect(row["durationMonths"] == .int(6))
        #expect(row["durationValid"] == .bool(true))
        guard case .rows(let items) = row["items"], case .rows(let flags) = row["flags"] else {
            Issue.record("items and flags are nested rows")
            return
        }
        #expect(items.count == 2)
        // 4 + 4 + 4 delivered, the first corrected to 2, the second reversed: 2 + 4 = 6.
        #expect(items[0]["unitsPlanned"] == .int(60))
        #expect(items[0]["unitsAuthorised"] == .int(50))
        #expect(items[0]["unitsDelivered"] == .int(6))
        #expect(items[0]["unitsMissed"] == .int(4))
        #expect(items[0]["deliveryRatio"] == .number(0.12))
        #expect(items[0]["lastDeliveryAt"] == .string("2025-03-17"))
        #expect(items[0]["providerId"] == .id(story.provider))
        #expect(items[1]["kind"] == .string("supportingActivity"))
        #expect(items[1]["deliveryRatio"] == .null)
        #expect(flags.first?["noDelivery14d"] == .bool(false))
        #expect(try fixture.planRows(today: "2025-04-10").first.flatMap(Self.flag("noDelivery14d")) == .bool(true))
        #expect(try fixture.planRows(today: "2025-08-10").first.flatMap(Self.flag("endingIn30d")) == .bool(true))
    }

    @Test("A changed authorisation replaces its units; a cancelled one leaves authorised what was delivered")
    func authorisationChangedAndCancelled() async throws {
        let fixture = try ProjectionsFixture()
        let story = PlanStory()
        for event in story.opening { try await fixture.emit(event) }
        try await fixture.emit(story.delivered("d1", on: "2025-03-03", units: 4))
        try await fixture.emit(story.changed(units: 30, on: "2025-03-05", reason: "Mniej godzin"))
        try fixture.catchUp(PlanStatusProjection())
        #expect(try Self.firstItem(fixture)["unitsAuthorised"] == .int(30))

        try await fixture.emit(story.delivered("d2", on: "2025-03-10", units: 5))
        try await fixture.emit(story.cancelled(from: "2025-03-12", reason: "Rezygnacja"))
        try fixture.catchUp(PlanStatusProjection())
        let item = try Self.firstItem(fixture)
        // 4 + 5 delivered of 30: the 21 not delivered are released, the 9 delivered stay authorised.
        #expect(item["unitsAuthorised"] == .int(9))
        #expect(item["unitsDelivered"] == .int(9))
        #expect(item["deliveryRatio"] == .number(1))
    }

    @Test("overDelivery stands while an over-delivery does: a reversal or a larger order clears it, a cancellation not")
    func overDeliveryClears() async throws {
        let fixture = try ProjectionsFixture()
        let story = PlanStory()  // 50 units authorised
        for event in story.opening { try await fixture.emit(event) }
        try await fixture.emit(story.delivered("d1", on: "2025-03-03", units: 46))
        #expect(try Self.overDeliveryFlag(fixture) == .bool(false))
        let first = try fixture.eventID(at: try await fixture.emit(story.overDelivered("d2", units: 8)))  // 54 > 50
        #expect(try Self.overDeliveryFlag(fixture) == .bool(true))
        try await fixture.emit(story.corrected(first, on: "2025-03-10", units: 6))  // 52 > 50
        #expect(try Self.overDeliveryFlag(fixture) == .bool(true), "still over")
        try await fixture.emit(story.reversed(first))  // the correction in force goes: 46
        #expect(try Self.overDeliveryFlag(fixture) == .bool(false))
        try await fixture.emit(story.overDelivered("d3", units: 9))  // 55 > 50
        #expect(try Self.overDeliveryFlag(fixture) == .bool(true))
        try await fixture.emit(story.changed(units: 55, on: "2025-03-20", reason: "Aneks"))
        #expect(try Self.overDeliveryFlag(fixture) == .bool(false), "55 of 55")
        try await fixture.emit(story.overDelivered("d4", units: 1))  // 56 > 55
        try await fixture.emit(story.cancelled(from: "2025-03-25", reason: "Rezygnacja"))
        #expect(
            try Self.overDeliveryFlag(fixture) == .bool(true),
            "a cancellation changes neither the units ordered nor those delivered")
        let (live, rebuilt) = try fixture.liveAndRebuiltContents(PlanStatusProjection())
        #expect(live == rebuilt)
    }

    @Test("A correction past the order's total raises overDelivery as a report over it does; one back within clears it")
    func correctionOverTheTotal() async throws {
        let fixture = try ProjectionsFixture()
        let story = PlanStory()  // 50 units authorised
        for event in story.opening { try await fixture.emit(event) }
        let report = try fixture.eventID(at: try await fixture.emit(story.delivered("d1", on: "2025-03-04", units: 46)))
        #expect(try Self.overDeliveryFlag(fixture) == .bool(false))
        try await fixture.emit(story.corrected(report, on: "2025-03-04", units: 52))  // 52 > 50
        #expect(
            try Self.overDeliveryFlag(fixture) == .bool(true),
            "the decider does not mark corrections; the view sees 52 of 50")
        #expect(try Self.firstItem(fixture)["unitsDelivered"] == .int(52))
        try await fixture.emit(story.corrected(report, on: "2025-03-04", units: 50))  // the one in force: 50 of 50
        #expect(try Self.overDeliveryFlag(fixture) == .bool(false))
        let (live, rebuilt) = try fixture.liveAndRebuiltContents(PlanStatusProjection())
        #expect(live == rebuilt)
    }

    static func firstItem(_ fixture: ProjectionsFixture) throws -> ViewRow {
        guard case .rows(let items) = try #require(try fixture.planRows().first)["items"], let first = items.first
        else { throw ProjectionError.storage("no items") }
        return first
    }

    @Test("Completion without a summary is flagged; the summary closes the plan")
    func summaryClosesThePlan() async throws {
        let fixture = try ProjectionsFixture()
        let story = PlanStory()
        for event in story.opening { try await fixture.emit(event) }
        try await fixture.emit(
            .planCompleted(PlanCompleted(planId: story.plan, personRef: story.person, endDate: .on("2025-08-31"))))
        try fixture.catchUp(PlanStatusProjection())
        #expect(try fixture.planRows().first?["status"] == .string("completed"))
        #expect(try fixture.planRows().first.flatMap(Self.flag("summaryMissing")) == .bool(true))
        try await fixture.emit(
            .planSummaryRecorded(
                PlanSummaryRecorded(
                    planId: story.plan, personRef: story.person, recordedOn: .on("2025-09-05"), goalsSet: 3)))
        try fixture.catchUp(PlanStatusProjection())
        #expect(try fixture.planRows().first?["status"] == .string("closed"))
        #expect(try fixture.planRows().first?["goalsSet"] == .int(3))
        #expect(try fixture.planRows().first.flatMap(Self.flag("summaryMissing")) == .bool(false))
    }

    @Test("Erasing the resident leaves the plan's row: it holds pseudonymous references only")
    func erasedPerson() async throws {
        let fixture = try ProjectionsFixture()
        let story = PlanStory()
        try await story.feed(fixture)
        try fixture.catchUp(PlanStatusProjection())
        let before = try fixture.contents(PlanStatusProjection.self)
        try await fixture.erase(story.person)
        try fixture.catchUp(PlanStatusProjection())
        #expect(try fixture.contents(PlanStatusProjection.self) == before)
    }

    /// The first plan's `overDelivery` flag once PlanStatusView caught up.
    static func overDeliveryFlag(_ fixture: ProjectionsFixture) throws -> ViewValue? {
        try fixture.catchUp(PlanStatusProjection())
        return try fixture.planRows().first.flatMap(flag("overDelivery"))
    }

    static func flag(_ name: String) -> (ViewRow) -> ViewValue? {
        { row in
            guard case .rows(let flags) = row["flags"] else { return nil }
            return flags.first?[name]
        }
    }
}
