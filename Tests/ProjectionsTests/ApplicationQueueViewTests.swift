import Domain
import Foundation
import Testing

@testable import Projections

@Suite("ApplicationQueue: applications per programme service in filing order, with places and units")
struct ApplicationQueueViewTests {
    let programme = ProgrammeID(uuid: UUID())

    func defined(_ service: String, maxPersons: UInt64?) -> DomainEvent {
        .programmeServiceDefined(
            ProgrammeServiceDefined(
                programmeId: programme, serviceId: service, name: service, area: .socialAssistance,
                statutoryBasis: "art. 2", taskOwner: .gmina, unit: .hour, addresseeType: .person, material: false,
                requiresPlan: false, targetGroups: [], limits: ServiceLimits(maxPersons: maxPersons)))
    }

    func submitted(_ application: ApplicationID, _ person: PersonRef, filed: String) -> DomainEvent {
        .applicationSubmitted(
            ApplicationSubmitted(
                applicationId: application, personRef: person, applicantRole: .self, channel: .inPerson,
                programmeIds: [programme], requestedServiceIds: ["club"], filedAt: .on(filed)))
    }

    func granted(_ application: ApplicationID, _ person: PersonRef, on date: String) -> DomainEvent {
        .qualificationGranted(
            QualificationGranted(
                applicationId: application, personRef: person, qualificationId: QualificationID(uuid: UUID()),
                programmeId: programme, programmeVersion: 1, serviceIds: ["club"], queuePosition: 1,
                validFrom: .on(date), promotedFromWaitlist: false))
    }

    func rows(_ fixture: ProjectionsFixture, today: String) throws -> [ViewRow] {
        try fixture.store.read(ApplicationQueueProjection.self) { reader in
            try ApplicationQueueView.rows(reader, programme: nil, context: ViewContext(today: .on(today)))
        }
    }

    @Test("Filing order, statuses, waiting days, and places freed by a withdrawal")
    func queue() async throws {
        let fixture = try ProjectionsFixture()
        let (first, second, third) = (
            ApplicationID(uuid: UUID()), ApplicationID(uuid: UUID()), ApplicationID(uuid: UUID())
        )
        let (anna, jan, ewa) = (PersonRef(uuid: UUID()), PersonRef(uuid: UUID()), PersonRef(uuid: UUID()))
        try await fixture.emit(defined("club", maxPersons: 1))
        // Filed out of append order: the queue follows filing dates.
        try await fixture.emit(submitted(second, jan, filed: "2025-03-05"))
        try await fixture.emit(submitted(first, anna, filed: "2025-03-03"))
        try await fixture.emit(submitted(third, ewa, filed: "2025-03-07"))
        try await fixture.emit(granted(first, anna, on: "2025-03-20"))
        try await fixture.emit(
            .applicantWaitlisted(
                ApplicantWaitlisted(
                    applicationId: second, personRef: jan, programmeId: programme, serviceIds: ["club"], position: 1,
                    reason: .limitReached)))
        try await fixture.emit(
            .qualificationRefused(
                QualificationRefused(
                    applicationId: third, personRef: ewa, programmeId: programme, decisionRef: "CUS.1",
                    decisionDate: .on("2025-03-21"), legalBasis: "art. 104 k.p.a.", appealInstruction: "14 dni",
                    signedBy: StaffID(uuid: UUID()))))
        try fixture.catchUp(ApplicationQueueProjection())
        var queue = try rows(fixture, today: "2025-04-04")
        #expect(queue.map { $0["applicationId"] } == [.id(first), .id(second), .id(third)])
        #expect(queue.map { $0["status"] } == [.string("qualified"), .string("waitlisted"), .string("refused")])
        #expect(queue.map { $0["daysWaiting"] } == [.int(17), .int(30), .int(14)])
        #expect(queue.first?["currentPersons"] == .int(1))
        #expect(queue.first?["maxPersons"] == .int(1))
        // The qualified resident withdraws: the place is free again; the promoted one takes it.
        try await fixture.emit(
            .applicationWithdrawn(
                ApplicationWithdrawn(applicationId: first, personRef: anna, withdrawnOn: .on("2025-04-01"))))
        try fixture.catchUp(ApplicationQueueProjection())
        #expect(try rows(fixture, today: "2025-04-04").first?["currentPersons"] == .int(0))
        try await fixture.emit(granted(second, jan, on: "2025-04-02"))
        try fixture.catchUp(ApplicationQueueProjection())
        queue = try rows(fixture, today: "2025-04-04")
        #expect(queue.map { $0["status"] } == [.string("withdrawn"), .string("qualified"), .string("refused")])
        #expect(queue[0]["daysWaiting"] == .int(17), "a withdrawal after qualification keeps the wait to qualification")
        #expect(queue[1]["daysWaiting"] == .int(28))
        #expect(queue.first?["currentPersons"] == .int(1))
    }
}
