import Commands
import Domain
import Foundation
import Ledger
import LedgerTesting
import Testing

@Suite("cus generate: fees follow what was delivered")
struct GeneratedFeeTests {
    @Test("Every month delivered in a charged programme is charged once, for the effective units delivered")
    func chargesFollowDeliveries() async throws {
        let fixture = try CommandsFixture()
        defer { fixture.directory.remove() }
        let services = try fixture.open()
        defer { services.close() }
        let months = 4
        let firstDay = try #require(LocalDate("2025-01-01"))
        let generator = CUSDataGenerator(
            services: services,
            options: .init(residents: 60, months: months, seed: 42, firstDay: firstDay, lanes: 8))
        _ = try await generator.run()
        var byStream: [StreamID: [DomainEvent]] = [:]
        var next = Position(rawValue: 0)
        while case let records = try services.ledger.readAll(from: next, limit: 1_000), let last = records.last {
            for record in records { byStream[record.stream, default: []].append(try StreamLoader.decode(record).event) }
            next = Position(rawValue: last.position.rawValue + 1)
        }
        // Effective units per (person, programme, service, month) from the authorisation streams.
        var delivered: [Charged: UInt64] = [:]
        var programmes: [ProgrammeID: ProgrammeState] = [:]
        for events in byStream.values {
            let programme = ProgrammeDecider.fold(events)
            if let id = programme.programmeId { programmes[id] = programme }
            let state = AuthorisationDecider.fold(events)
            guard let order = state.order else { continue }
            for (month, units) in state.deliveredByMonth where units > 0 {
                let key = Charged(
                    person: order.personRef, programme: order.programmeId, service: order.serviceId, month: month)
                delivered[key, default: 0] += units
            }
        }
        var charged: [Charged: UInt64] = [:]
        for events in byStream.values {
            let state = FeeAccountDecider.fold(events)
            guard let person = state.personRef, let programme = state.programmeId else { continue }
            for charge in state.charges.values where !charge.cancelledInFull {
                let key = Charged(
                    person: person, programme: programme, service: charge.serviceId, month: charge.chargePeriod)
                #expect(charged[key] == nil, "charged twice: \(key)")
                charged[key] = charge.units
            }
            #expect(state.totals.outstanding >= 0)
        }
        #expect(!charged.isEmpty)
        for (key, units) in charged { #expect(delivered[key] == units, "\(key)") }
        // The last month is charged after the run ends; every earlier one with a fee rule is charged.
        let lastMonth = MonthlyAllocation.month(of: firstDay.adding(months: months - 1))
        for key in delivered.keys where key.month != lastMonth {
            guard let programme = programmes[key.programme], programme.feeRegime == .charged,
                programme.feeRule(forService: key.service) != nil
            else { continue }
            #expect(charged[key] != nil, "not charged: \(key)")
        }
    }

    struct Charged: Hashable {
        var person: PersonRef
        var programme: ProgrammeID
        var service: String
        var month: String
    }
}
