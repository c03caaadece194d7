import Commands
import Domain
import Foundation
import Ledger
import LedgerTesting
import Testing

@Suite("Fees through the command pipeline")
struct FeeFlowTests {
    func day(_ text: String) -> LocalDate { LocalDate(text) ?? LocalDate(daysSinceEpoch: 0) }

    func envelope(_ actor: Actor, on date: String) -> CommandEnvelope {
        CommandEnvelope(
            commandID: CommandsFixture.newCommandID(), actor: actor,
            occurredAt: Instant(startOf: day(date)).advanced(byHours: 10), fingerprint: "\(actor.role) \(date)")
    }

    @Test("A charge is assessed from the fee rule and a payment read twice is recorded once")
    func assessAndPayOnce() async throws {
        let fixture = try CommandsFixture()
        defer { fixture.directory.remove() }
        let services = try fixture.open()
        defer { services.close() }
        let fees = FeeCommands(services: services)
        let organiser = Actor.staff(StaffID(uuid: UUID()), role: .servicesOrganiser)
        let programme = ProgrammeID(uuid: UUID())
        let stream = try LedgerNames.stream("programme", programme)
        let commands: [ProgrammeCommand] = [
            .adoptProgramme(
                AdoptProgramme(
                    programmeId: programme, title: "PUS-2025",
                    resolution: .init(
                        resolutionRef: "XII/100/2024", resolutionDate: day("2024-12-15"), journalRef: "Dz.Urz.2024.999"),
                    effectiveFrom: day("2025-01-01"), effectiveTo: day("2025-12-31"), feeRegime: .charged,
                    targetGroups: ["seniors"])),
            .defineService(
                DefineProgrammeService(
                    programmeId: programme, serviceId: "care", name: "Care", area: .socialAssistance,
                    statutoryBasis: "u.p.s. art. 50", taskOwner: .gmina, unit: .hour, addresseeType: .person,
                    requiresPlan: true, targetGroups: ["seniors"], limits: ServiceLimits(),
                    centre: CentreFacts(cityWithCountyRights: false))),
            .defineFeeRule(
                DefineFeeRule(
                    programmeId: programme, feeRuleId: "FR-1", serviceIds: ["care"], rate: 1_000, incomeTiers: [],
                    exemptionRules: [], effectiveFrom: day("2025-01-01"))),
        ]
        for command in commands {
            _ = try await services.pipeline.execute(
                ProgrammeDecider.self, stream: stream, command: command, envelope: envelope(organiser, on: "2025-01-02")
            )
        }
        let person = PersonRef(uuid: UUID())
        let charge = ChargeID(uuid: UUID())
        _ = try await fees.account(
            person, programme: programme, envelope: envelope(.system("monthly-charges"), on: "2025-05-02")
        ) { facts throws(CommandError) in
            .assess(
                AssessFee(
                    chargeId: charge, chargePeriod: "2025-04", serviceId: "care", units: 8, rate: 1_000, gross: 8_000,
                    net: 8_000, programme: try facts.programme(programme)))
        }
        let finance = Actor.staff(StaffID(uuid: UUID()), role: .financeOfficer)
        let payment = ReceivePayment(
            paymentReference: "PL61109010140000071219812874/2025/05/12", amount: 8_000, receivedOn: day("2025-05-12"),
            method: .bankTransfer, allocations: [PaymentAllocation(chargeId: charge, amount: 8_000)])
        let occurred = Instant(startOf: day("2025-05-13"))
        let first = try await fees.receivePayment(
            payment, from: person, programme: programme, by: finance, occurredAt: occurred)
        let size = try services.ledger.treeSize()
        let again = try await fees.receivePayment(
            payment, from: person, programme: programme, by: finance, occurredAt: occurred)
        #expect(!first.wasAlreadyRecorded && again.wasAlreadyRecorded)
        #expect(again.firstPosition == first.firstPosition)
        #expect(try services.ledger.treeSize() == size)
        let state = try fees.facts.state(
            FeeAccountDecider.self, of: try LedgerNames.feeAccount(person, programme: programme))
        #expect(state.totals.outstanding == 0)
    }
}
