import Commands
import Domain
import Foundation
import Ledger
import LedgerTesting
import Testing

/// An engaged provider, an authorisation for a service that needs no plan, and deliveries recorded through the
/// pipeline under natural-key command ids (ledger.md G4 row 2).
private enum Delivery {
    static let programmeId = ProgrammeID(uuid: UUID())
    static let providerId = ProviderID(uuid: UUID())
    static let engagementId = EngagementID(uuid: UUID())
    static let authorisationId = AuthorisationID(uuid: UUID())
    static let providerStaff = Actor.staff(StaffID(uuid: UUID()), role: .providerStaff)
    static let coordinator = Actor.staff(StaffID(uuid: UUID()), role: .coordinator)

    static func day(_ text: String) -> LocalDate {
        guard let date = LocalDate(text) else { preconditionFailure("bad test date \(text)") }
        return date
    }

    static let programme = ProgrammeDecider.fold([
        .programmeAdopted(
            ProgrammeAdopted(
                programmeId: programmeId, programmeVersion: 1, title: "PUS-2025", resolutionRef: "XII/1/2024",
                resolutionDate: day("2024-12-20"), journalRef: "Dz. Urz. 2024.1", effectiveFrom: day("2025-01-01"),
                effectiveTo: day("2025-12-31"), feeRegime: .free, targetGroups: ["senior75plus"])),
        .programmeServiceDefined(
            ProgrammeServiceDefined(
                programmeId: programmeId, serviceId: "transport", name: "Transport", area: .socialAssistance,
                statutoryBasis: "u.p.s. art. 50", taskOwner: .gmina, unit: .visit, addresseeType: .person,
                material: false, requiresPlan: false, targetGroups: [], limits: ServiceLimits(maxPersons: 10))),
    ])

    static let provider = ProviderDecider.fold([
        .providerRegistered(ProviderRegistered(providerId: providerId, name: "NGO-1", providerType: .ngo)),
        .providerEngaged(
            ProviderEngaged(
                providerId: providerId, engagementId: engagementId, programmeId: programmeId, mode: .ngoEntrusted,
                serviceIds: ["transport"], unitRate: 4_000, capacity: Capacity(unitsPerMonth: 100),
                validFrom: day("2025-01-01"), validTo: day("2025-12-31"))),
    ])

    static let authorise = AuthorisationCommand.authorise(
        AuthoriseService(
            authorisationId: authorisationId, personRef: PersonRef(uuid: UUID()), programme: programme,
            qualificationId: QualificationID(uuid: UUID()), qualifiedServiceIds: ["transport"], serviceId: "transport",
            provider: provider, engagementId: engagementId, unitsAuthorised: 10, rate: 4_000,
            start: day("2025-04-01"), end: day("2025-06-30")))

    static func envelope(_ actor: Actor, id: UUID128, on date: String, fingerprint: String) -> CommandEnvelope {
        CommandEnvelope(
            commandID: id, actor: actor, occurredAt: Instant(startOf: day(date)), fingerprint: fingerprint)
    }
}

@Suite("Natural-key command ids (ledger.md G4)")
struct NaturalKeyCommandIDTests {
    @Test("The same delivery gives the same id; another key, provider or date gives another")
    func deliveryIDIsStable() {
        let date = Delivery.day("2025-04-10")
        let id = NaturalKeyCommandID.delivery(providerID: Delivery.providerId, deliveryID: "d-1", businessDate: date)
        #expect(
            id == NaturalKeyCommandID.delivery(providerID: Delivery.providerId, deliveryID: "d-1", businessDate: date))
        #expect(
            id != NaturalKeyCommandID.delivery(providerID: Delivery.providerId, deliveryID: "d-2", businessDate: date))
        #expect(
            id
                != NaturalKeyCommandID.delivery(
                    providerID: ProviderID(uuid: UUID()), deliveryID: "d-1", businessDate: date))
        let payment = NaturalKeyCommandID.payment(
            payer: PersonRef(uuid: UUID()), programmeID: Delivery.programmeId, reference: "d-1", businessDate: date)
        #expect(payment != id)
    }

    @Test("The id is RFC 9562 version 8 whose time prefix is the business date's midnight UTC")
    func layout() {
        let date = Delivery.day("2025-04-10")
        let id = NaturalKeyCommandID.delivery(providerID: Delivery.providerId, deliveryID: "d-1", businessDate: date)
        #expect(id.timePrefix == UInt64(date.daysSinceEpoch) * 86_400_000)
        #expect((id.high >> 12) & 0xF == 8)
        #expect(id.low >> 62 == 0b10)
        let period = Delivery.day("2025-05-01")...Delivery.day("2025-05-31")
        let duty = NaturalKeyCommandID.duty(policy: "monthlyCharge", subject: "feeaccount-1", period: period)
        #expect(duty.timePrefix == UInt64(period.lowerBound.daysSinceEpoch) * 86_400_000)
        #expect(duty == NaturalKeyCommandID.duty(policy: "monthlyCharge", subject: "feeaccount-1", period: period))
    }

    @Test("A fee account's stream is named by its resident and programme, the same every time")
    func feeAccountStream() throws {
        let person = PersonRef(uuid: UUID())
        let stream = try LedgerNames.feeAccount(person, programme: Delivery.programmeId)
        #expect(stream == (try LedgerNames.feeAccount(person, programme: Delivery.programmeId)))
        #expect(stream != (try LedgerNames.feeAccount(PersonRef(uuid: UUID()), programme: Delivery.programmeId)))
        #expect(stream.description.hasPrefix("feeaccount-"))
    }

    @Test("A repeated delivery through the pipeline is recognised as recorded and writes nothing")
    func repeatedDeliveryWritesNothing() async throws {
        let fixture = try CommandsFixture()
        defer { fixture.directory.remove() }
        let services = try fixture.open()
        defer { services.close() }
        let stream = try LedgerNames.stream(ServiceAuthorised.category, Delivery.authorisationId)
        _ = try await services.pipeline.execute(
            AuthorisationDecider.self, stream: stream, command: Delivery.authorise,
            envelope: Delivery.envelope(
                Delivery.coordinator, id: CommandsFixture.newCommandID(), on: "2025-03-27", fingerprint: "authorise"))
        let deliver = AuthorisationCommand.recordDelivery(
            RecordDelivery(
                providerId: Delivery.providerId, deliveryId: "d-1", deliveredOn: Delivery.day("2025-04-10"), units: 1))
        let id = NaturalKeyCommandID.delivery(
            providerID: Delivery.providerId, deliveryID: "d-1", businessDate: Delivery.day("2025-04-10"))
        let envelope = Delivery.envelope(Delivery.providerStaff, id: id, on: "2025-04-10", fingerprint: "deliver d-1")
        let first = try await services.pipeline.execute(
            AuthorisationDecider.self, stream: stream, command: deliver, envelope: envelope)
        #expect(!first.wasAlreadyRecorded && first.eventCount == 1)
        let size = try services.ledger.treeSize()
        let retry = try await services.pipeline.execute(
            AuthorisationDecider.self, stream: stream, command: deliver, envelope: envelope)
        #expect(retry.wasAlreadyRecorded && retry.firstPosition == first.firstPosition)
        #expect(try services.ledger.treeSize() == size)
        // The same delivery id reported the next day under a new command id: the decider makes it a no-op.
        let nextDay = Delivery.envelope(
            Delivery.providerStaff, id: CommandsFixture.newCommandID(), on: "2025-04-11", fingerprint: "deliver d-1")
        let late = try await services.pipeline.execute(
            AuthorisationDecider.self, stream: stream, command: deliver, envelope: nextDay)
        #expect(late.eventCount == 0)
        #expect(try services.ledger.treeSize() == size)
    }

    @Test("A command the system issues itself gets a fresh v7 id stamped with its instant, so later ones sort later")
    func systemCommandIDs() {
        let instant = Instant(microsecondsSinceEpoch: 1_764_000_000_123_456)
        let first = UUID128.commandID(issuedAt: instant)
        let second = UUID128.commandID(issuedAt: instant)
        let later = UUID128.commandID(issuedAt: Instant(microsecondsSinceEpoch: 1_764_000_000_124_000))
        #expect(first.timePrefix == 1_764_000_000_123 && later.timePrefix == 1_764_000_000_124)
        #expect((first.high >> 12) & 0xF == 7 && first.low >> 62 == 0b10)
        #expect(first != second)
        #expect(first < later && second < later)
        let derived = EventID.derived(commandID: first, index: 0)
        #expect(derived.rawValue.timePrefix == first.timePrefix)
    }
}
