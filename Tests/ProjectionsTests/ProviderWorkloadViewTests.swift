import Domain
import Foundation
import Testing

@testable import Projections

/// domain.md §7's two providers and p-01's two authorisations (care from NGO-1 8/8/8 h, psychological support from
/// CUS-OWN spread pro rata, then changed to 2/3/3), with the month's deliveries, d-105 corrected from 3 to 2 h,
/// a miss in June, and an over-delivery reported in June and then reversed.
struct WorkloadStory {
    let programme = ProgrammeID(uuid: UUID())
    let ngo = ProviderID(uuid: UUID())
    let cusOwn = ProviderID(uuid: UUID())
    let care = EngagementID(uuid: UUID())
    let psych = EngagementID(uuid: UUID())
    let au01 = AuthorisationID(uuid: UUID())
    let au02 = AuthorisationID(uuid: UUID())
    let anna = PersonRef(uuid: UUID())

    var engagements: [DomainEvent] {
        [
            .providerEngaged(
                ProviderEngaged(
                    providerId: ngo, engagementId: care, programmeId: programme, mode: .ngoEntrusted,
                    serviceIds: ["care"], unitRate: 4_000, capacity: Capacity(unitsPerMonth: 400),
                    validFrom: .on("2025-01-01"), validTo: .on("2025-12-31"))),
            .providerEngaged(
                ProviderEngaged(
                    providerId: cusOwn, engagementId: psych, programmeId: programme, mode: .ownUnit,
                    serviceIds: ["psych"], unitRate: 0, capacity: Capacity(unitsPerMonth: 60, places: 20),
                    validFrom: .on("2025-01-01"))),
        ]
    }

    func authorised(
        _ id: AuthorisationID, _ person: PersonRef, service: String, provider: ProviderID, engagement: EngagementID,
        units: UInt64, allocation: [MonthlyUnits] = [], from start: String, to end: String
    ) -> DomainEvent {
        .serviceAuthorised(
            ServiceAuthorised(
                authorisationId: id, qualificationId: QualificationID(uuid: UUID()), personRef: person,
                programmeId: programme, serviceId: service, providerId: provider, engagementId: engagement,
                unitsAuthorised: units, monthlyAllocation: allocation, rate: 4_000, start: .on(start), end: .on(end)))
    }

    func delivered(
        _ id: AuthorisationID, _ person: PersonRef, by provider: ProviderID, on date: String, units: UInt64,
        over: Bool = false
    ) -> DomainEvent {
        .serviceDelivered(
            ServiceDelivered(
                authorisationId: id, personRef: person, providerId: provider, deliveryId: "\(id)-\(date)",
                deliveredOn: .on(date), units: units, groupSession: false, overDelivery: over))
    }

    func care(_ date: String, _ units: UInt64 = 2, over: Bool = false) -> DomainEvent {
        delivered(au01, anna, by: ngo, on: date, units: units, over: over)
    }

    func psych(_ date: String) -> DomainEvent { delivered(au02, anna, by: cusOwn, on: date, units: 1) }

    var authorisations: [DomainEvent] {
        [
            authorised(
                au01, anna, service: "care", provider: ngo, engagement: care, units: 24,
                allocation: ["2025-04", "2025-05", "2025-06"].map { MonthlyUnits(month: $0, units: 8) },
                from: "2025-04-01", to: "2025-06-30"),
            authorised(
                au02, anna, service: "psych", provider: cusOwn, engagement: psych, units: 6, from: "2025-04-01",
                to: "2025-06-30"),
        ]
    }

    /// The engagements, then both authorisations decided on 03-27 as in §7.
    func authorise(_ fixture: ProjectionsFixture) async throws {
        for event in engagements { try await fixture.emit(event) }
        fixture.occurredAt = Instant(startOf: .on("2025-03-27"))
        for event in authorisations { try await fixture.emit(event) }
    }

    /// Feeds the story up to the over-delivery and returns its event id; `finish` reverses it.
    func feed(_ fixture: ProjectionsFixture) async throws -> UUID {
        try await authorise(fixture)
        for event in ["04-02", "04-09", "04-16", "04-23"].map({ care("2025-\($0)") }) { try await fixture.emit(event) }
        for event in ["04-07", "04-14"].map({ psych("2025-\($0)") }) { try await fixture.emit(event) }
        let d105 = try await fixture.emit(care("2025-05-06", 3))
        try await fixture.emit(
            .deliveryCorrected(
                DeliveryCorrected(
                    authorisationId: au01, personRef: anna, originalEventId: try fixture.eventID(at: d105),
                    deliveryId: "\(au01)-2025-05-06", deliveredOn: .on("2025-05-06"), units: 2,
                    reason: "Błąd wpisu")))
        for event in ["05-13", "05-20", "05-27"].map({ care("2025-\($0)") }) { try await fixture.emit(event) }
        try await fixture.emit(
            .serviceAuthorisationChanged(
                ServiceAuthorisationChanged(
                    authorisationId: au02, personRef: anna, unitsAuthorised: 8,
                    monthlyAllocation: [
                        MonthlyUnits(month: "2025-04", units: 2), MonthlyUnits(month: "2025-05", units: 3),
                        MonthlyUnits(month: "2025-06", units: 3),
                    ], start: .on("2025-04-01"), end: .on("2025-06-30"), reason: "PlanUpdated v2",
                    changedOn: .on("2025-05-15"))))
        for day in ["05-16", "05-23", "05-30", "06-06", "06-13", "06-20"] {
            try await fixture.emit(psych("2025-\(day)"))
        }
        for event in ["06-03", "06-10", "06-24"].map({ care("2025-\($0)") }) { try await fixture.emit(event) }
        try await fixture.emit(
            .serviceNotDelivered(
                ServiceNotDelivered(
                    authorisationId: au01, personRef: anna, providerId: ngo, deliveryId: "m-0617",
                    date: .on("2025-06-17"), unitsPlanned: 2, reason: .residentAbsent)))
        return try fixture.eventID(at: try await fixture.emit(care("2025-06-26", 2, over: true)))
    }

    func correct(_ overDelivery: UUID, units: UInt64, _ fixture: ProjectionsFixture) async throws {
        try await fixture.emit(
            .deliveryCorrected(
                DeliveryCorrected(
                    authorisationId: au01, personRef: anna, originalEventId: overDelivery,
                    deliveryId: "\(au01)-2025-06-26", deliveredOn: .on("2025-06-27"), units: units,
                    reason: "Błąd liczby godzin")))
    }

    func reverse(_ overDelivery: UUID, _ fixture: ProjectionsFixture) async throws {
        try await fixture.emit(
            .deliveryReversed(
                DeliveryReversed(
                    authorisationId: au01, personRef: anna, originalEventId: overDelivery,
                    deliveryId: "\(au01)-2025-06-26", reason: "Wizyta się nie odbyła")))
    }
}

extension ProjectionsFixture {
    func workloadRows(_ key: ProviderWorkloadView.Key? = nil, today: String = "2025-07-10") throws -> [ViewRow] {
        try store.read(ProviderWorkloadProjection.self) { reader in
            try ProviderWorkloadView.rows(reader, key: key, context: ViewContext(today: .on(today)))
        }
    }
}

@Suite("ProviderWorkload: units authorised, delivered and missed per provider, service and month")
struct ProviderWorkloadViewTests {
    static let units = ["capacity", "unitsAuthorised", "unitsDelivered", "unitsMissed", "fulfilment", "utilisation"]

    static func columns(_ rows: [ViewRow], _ names: [String]) -> [[ViewValue?]] {
        rows.map { row in names.map { row[$0] } }
    }

    @Test("domain.md §7's table: allocations, a change, a correction, a miss, and a reversed over-delivery")
    func workedExample() async throws {
        let fixture = try ProjectionsFixture()
        let story = WorkloadStory()
        let overDelivery = try await story.feed(fixture)
        try fixture.catchUp(ProviderWorkloadProjection())
        var june = try fixture.workloadRows(.service(story.ngo, "care")).last
        #expect(june?["unitsDelivered"] == .int(8))
        #expect(june?["overDeliveryCount"] == .int(1))
        try await story.reverse(overDelivery, fixture)
        try fixture.catchUp(ProviderWorkloadProjection())
        june = try fixture.workloadRows(.service(story.ngo, "care")).last
        #expect(june?["overDeliveryCount"] == .int(0), "the reversed over-delivery no longer counts")

        let care = try fixture.workloadRows(.provider(story.ngo))
        let psych = try fixture.workloadRows(.provider(story.cusOwn))
        #expect(care.map { $0["month"] } == ["2025-04", "2025-05", "2025-06"].map(ViewValue.string))
        #expect(
            Self.columns(care, Self.units)
                == [
                    [.int(400), .int(8), .int(8), .int(0), .number(1), .number(0.02)],
                    [.int(400), .int(8), .int(8), .int(0), .number(1), .number(0.02)],
                    [.int(400), .int(8), .int(6), .int(2), .number(0.75), .number(0.015)],
                ])
        #expect(
            Self.columns(psych, Self.units)
                == [
                    [.int(60), .int(2), .int(2), .int(0), .number(1), .number(0.0333)],
                    [.int(60), .int(3), .int(3), .int(0), .number(1), .number(0.05)],
                    [.int(60), .int(3), .int(3), .int(0), .number(1), .number(0.05)],
                ])
        #expect(care.allSatisfy { $0["mode"] == .string("ngoEntrusted") && $0["contractEnd"] == .string("2025-12-31") })
        #expect(psych.allSatisfy { $0["mode"] == .string("ownUnit") && $0["contractEnd"] == .null })
        #expect(psych.map { $0["places"] } == [.int(20), .int(20), .int(20)])
        #expect(care.map { $0["activePersons"] } == [.int(1), .int(1), .int(1)])
        // From the authorisation decision (03-27) to the first delivery: care 04-02 (6 days, as §7 says),
        // psych 04-07.
        #expect(care.map { $0["avgDaysToFirstDelivery"] } == [.number(6), .null, .null])
        #expect(psych.map { $0["avgDaysToFirstDelivery"] } == [.number(11), .null, .null])
        #expect(care.map { $0["waitingPersons"] } == [.int(0), .int(0), .int(0)])
        #expect(try fixture.workloadRows().count == 6)
    }

    @Test("A cancellation drops later months; a reversal moves the first delivery; capacity and contract end")
    func cancellationAndEngagementChanges() async throws {
        let fixture = try ProjectionsFixture()
        let story = WorkloadStory()
        let piotr = PersonRef(uuid: UUID())
        let au03 = AuthorisationID(uuid: UUID())
        try await story.authorise(fixture)
        // 12 h over 05-01 … 07-31 pro rata by days: 4 / 4 / 4, decided on 04-28.
        fixture.occurredAt = Instant(startOf: .on("2025-04-28"))
        try await fixture.emit(
            story.authorised(
                au03, piotr, service: "care", provider: story.ngo, engagement: story.care, units: 12,
                from: "2025-05-01", to: "2025-07-31"))
        try await fixture.emit(story.care("2025-04-02"))
        let first = try await fixture.emit(story.delivered(au03, piotr, by: story.ngo, on: "2025-05-05", units: 2))
        try fixture.catchUp(ProviderWorkloadProjection())
        var care = try fixture.workloadRows(.service(story.ngo, "care"))
        #expect(care.map { $0["month"] } == ["2025-04", "2025-05", "2025-06", "2025-07"].map(ViewValue.string))
        #expect(care.map { $0["unitsAuthorised"] } == [.int(8), .int(12), .int(12), .int(4)])
        #expect(care[1]["activePersons"] == .int(1))
        #expect(care[1]["avgDaysToFirstDelivery"] == .number(7), "decided 04-28, first delivered 05-05")
        // A second report for piotr in May, the first reversed: the first delivery moves to 05-12.
        try await fixture.emit(story.delivered(au03, piotr, by: story.ngo, on: "2025-05-12", units: 2))
        try await fixture.emit(
            .deliveryReversed(
                DeliveryReversed(
                    authorisationId: au03, personRef: piotr, originalEventId: try fixture.eventID(at: first),
                    deliveryId: "\(au03)-2025-05-05", reason: "Pomyłka")))
        try await fixture.emit(
            .serviceAuthorisationCancelled(
                ServiceAuthorisationCancelled(
                    authorisationId: au03, personRef: piotr, effectiveFrom: .on("2025-06-15"), reason: "Wyjazd")))
        try await fixture.emit(
            .providerCapacityChanged(
                ProviderCapacityChanged(
                    providerId: story.ngo, engagementId: story.care, serviceId: "care",
                    capacity: Capacity(unitsPerMonth: 300), effectiveFrom: .on("2025-06-01"))))
        try await fixture.emit(
            .providerEngagementEnded(
                ProviderEngagementEnded(
                    providerId: story.ngo, engagementId: story.care, reason: "Koniec umowy",
                    effectiveFrom: .on("2025-09-01"))))
        try fixture.catchUp(ProviderWorkloadProjection())
        care = try fixture.workloadRows(.service(story.ngo, "care"))
        #expect(care.map { $0["month"] } == ["2025-04", "2025-05", "2025-06"].map(ViewValue.string), "July is gone")
        #expect(care.map { $0["unitsAuthorised"] } == [.int(8), .int(12), .int(12)])
        #expect(care.map { $0["unitsDelivered"] } == [.int(2), .int(2), .int(0)])
        #expect(care[1]["avgDaysToFirstDelivery"] == .number(14), "04-28 to the first delivery in force, 05-12")
        #expect(care.map { $0["capacity"] } == [.int(400), .int(400), .int(300)])
        #expect(care.allSatisfy { $0["contractEnd"] == .string("2025-08-31") })
    }

    @Test("The waiting list: persons waiting for the service on the month's last day, or today while it runs")
    func waitingList() async throws {
        let fixture = try ProjectionsFixture()
        let story = WorkloadStory()
        for event in story.engagements + story.authorisations { try await fixture.emit(event) }
        let applicants = (0..<3).map { _ in (ApplicationID(uuid: UUID()), PersonRef(uuid: UUID())) }
        fixture.occurredAt = Instant(startOf: .on("2025-03-20"))
        for (application, person) in applicants {
            try await fixture.emit(
                .applicantWaitlisted(
                    ApplicantWaitlisted(
                        applicationId: application, personRef: person, programmeId: story.programme,
                        serviceIds: ["care"], position: 1, reason: .limitReached)))
        }
        try await fixture.emit(
            .applicationWithdrawn(
                ApplicationWithdrawn(
                    applicationId: applicants[1].0, personRef: applicants[1].1, withdrawnOn: .on("2025-05-15"))))
        fixture.occurredAt = Instant(startOf: .on("2025-05-20"))
        let (promoted, person) = applicants[2]
        try await fixture.emit(
            .waitlistPromoted(
                WaitlistPromoted(
                    applicationId: promoted, personRef: person, programmeId: story.programme, serviceIds: ["care"],
                    fromPosition: 1)),
            .qualificationGranted(
                QualificationGranted(
                    applicationId: promoted, personRef: person, qualificationId: QualificationID(uuid: UUID()),
                    programmeId: story.programme, programmeVersion: 1, serviceIds: ["care"], queuePosition: 1,
                    validFrom: .on("2025-06-01"), promotedFromWaitlist: true)))
        try fixture.catchUp(ProviderWorkloadProjection())
        // All three in April; in May one withdrew (05-15) and one was promoted (05-20).
        let care = try fixture.workloadRows(.service(story.ngo, "care"))
        #expect(care.map { $0["waitingPersons"] } == [.int(3), .int(1), .int(1)])
        let midMay = try fixture.workloadRows(.service(story.ngo, "care"), today: "2025-05-18")
        #expect(midMay.map { $0["waitingPersons"] } == [.int(3), .int(2), .int(2)], "on 05-18 for May and June")
        #expect(try fixture.workloadRows(.provider(story.cusOwn)).allSatisfy { $0["waitingPersons"] == .int(0) })
    }

    @Test("--key: a provider, or one of its services; anything else is refused")
    func keys() {
        let provider = ProviderID(uuid: UUID())
        #expect(ProviderWorkloadView.key(provider.description) == .provider(provider))
        #expect(ProviderWorkloadView.key("\(provider)/care") == .service(provider, "care"))
        #expect(ProviderWorkloadView.key("\(provider)/") == nil)
        #expect(ProviderWorkloadView.key("care") == nil)
    }

    @Test("Erasing a resident leaves the workload rows: they hold pseudonymous references and units only")
    func erasedPerson() async throws {
        let fixture = try ProjectionsFixture()
        let story = WorkloadStory()
        try await story.reverse(try await story.feed(fixture), fixture)
        try fixture.catchUp(ProviderWorkloadProjection())
        let before = try fixture.contents(ProviderWorkloadProjection.self)
        try await fixture.erase(story.anna)
        try fixture.catchUp(ProviderWorkloadProjection())
        #expect(try fixture.contents(ProviderWorkloadProjection.self) == before)
        #expect(try fixture.workloadRows().allSatisfy { $0["activePersons"] == .int(1) })
    }

    @Test("Rebuilt from zero in one batch, ProviderWorkload is byte-identical to the one built live in small batches")
    func rebuildIsByteIdentical() async throws {
        let fixture = try ProjectionsFixture()
        fixture.batchEvents = 3
        fixture.liveProjections = [ProviderWorkloadProjection()]
        let story = WorkloadStory()
        try await story.reverse(try await story.feed(fixture), fixture)
        let (live, rebuilt) = try fixture.liveAndRebuiltContents(ProviderWorkloadProjection())
        #expect(!live.isEmpty)
        #expect(rebuilt == live)
    }

    @Test("An over-delivery corrected, then reversed by its original's id: the correction goes, with its mark")
    func reversalNamingACorrectedReport() async throws {
        let fixture = try ProjectionsFixture()
        let story = WorkloadStory()
        let overDelivery = try await story.feed(fixture)
        try await story.correct(overDelivery, units: 3, fixture)
        try fixture.catchUp(ProviderWorkloadProjection())
        var june = try fixture.workloadRows(.service(story.ngo, "care")).last
        #expect(june?["unitsDelivered"] == .int(9), "three reports of 2, and the over-delivery corrected to 3")
        #expect(june?["overDeliveryCount"] == .int(1), "the mark moved to the correction")
        try await story.reverse(overDelivery, fixture)  // the decider accepts any report of the delivery
        try fixture.catchUp(ProviderWorkloadProjection())
        june = try fixture.workloadRows(.service(story.ngo, "care")).last
        #expect(june?["unitsDelivered"] == .int(6))
        #expect(june?["overDeliveryCount"] == .int(0))
    }
}
