import Domain
import Foundation
import Testing

private typealias A = Authorisations

private func deliver(
    _ command: AuthorisationCommand, given: [DomainEvent] = [A.authorised], on date: String = "2025-04-10"
) throws(AuthorisationRejection) -> [DomainEvent] {
    try AuthorisationDecider.decide(given: given, when: command, rules: A.provider(on: date))
}

private func missed(_ deliveryId: String, on date: String, units: UInt64 = 2) -> AuthorisationCommand {
    .recordNonDelivery(
        RecordNonDelivery(
            providerId: Fixture.providerId, deliveryId: deliveryId, date: Fixture.day(date), unitsPlanned: units,
            reason: .residentAbsent))
}

private func correct(_ eventID: UUID, on date: String = "2025-05-06", units: UInt64 = 2) -> AuthorisationCommand {
    .correctDelivery(
        CorrectDelivery(
            originalEventId: eventID, deliveredOn: Fixture.day(date), units: units, reason: "Entry error.",
            plan: A.plan()))
}

private func reverse(_ eventID: UUID) -> AuthorisationCommand {
    .reverseDelivery(ReverseDelivery(originalEventId: eventID, reason: "Did not happen."))
}

@Suite("AuthorisationDecider: deliveries, missed sessions, corrections and reversals (domain.md §4.7)")
struct AuthorisationDeliveryTests {
    @Test("A delivery is recorded on an active day up to today, never for a day to come")
    func deliveryDates() throws {
        let events = try deliver(A.deliver("d-1", on: "2025-04-10"), on: "2025-04-10")
        #expect(events == [A.delivered("d-1", on: "2025-04-10", units: 2)])
        #expect(
            throws: AuthorisationRejection.deliveryInFuture(
                date: Fixture.day("2025-04-11"), today: Fixture.day("2025-04-10"))
        ) {
            try deliver(A.deliver("d-1", on: "2025-04-11"), on: "2025-04-10")
        }
        #expect(try deliver(A.deliver("d-1", on: "2025-04-01")).count == 1)
        #expect(try deliver(A.deliver("d-1", on: "2025-06-30"), on: "2025-07-02").count == 1)
        for outside in ["2025-03-31", "2025-07-01"] {
            #expect(throws: AuthorisationRejection.outsideAuthorisedPeriod(date: Fixture.day(outside))) {
                try deliver(A.deliver("d-1", on: outside), on: "2025-07-02")
            }
        }
    }

    @Test("A repeated delivery id decides nothing, whatever it carries")
    func repeatedDelivery() throws {
        let given = [A.authorised, A.delivered("d-1", on: "2025-04-10", units: 2)]
        #expect(try deliver(A.deliver("d-1", on: "2025-04-10"), given: given).isEmpty)
        #expect(try deliver(A.deliver("d-1", on: "2025-04-12", units: 3), given: given, on: "2025-04-12").isEmpty)
        #expect(try deliver(missed("d-1", on: "2025-04-10"), given: given).isEmpty)
    }

    @Test("Units beyond those authorised are accepted, flagged as over-delivery and raised as an alert")
    func overDelivery() throws {
        let given = [A.authorised] + (1...5).map { A.delivered("d-\($0)", on: "2025-04-1\($0)", units: 4) }
        let exact = try deliver(A.deliver("d-6", on: "2025-04-20", units: 4), given: given, on: "2025-04-20")
        #expect(exact == [A.delivered("d-6", on: "2025-04-20", units: 4, over: false)])
        let beyond = try deliver(A.deliver("d-6", on: "2025-04-20", units: 5), given: given, on: "2025-04-20")
        #expect(beyond == [A.delivered("d-6", on: "2025-04-20", units: 5, over: true)])
        let alerts = ComplianceAlert.raised(by: beyond, rules: A.provider(on: "2025-04-20"))
        #expect(alerts.map(\.kind) == ["overDelivery"] && alerts.first?.rule == "4.7")
        #expect(ComplianceAlert.raised(by: exact, rules: A.provider(on: "2025-04-20")).isEmpty)
    }

    @Test("Only staff of the authorised provider record deliveries, and only positive units")
    func deliveryGuards() {
        #expect(throws: AuthorisationRejection.wrongProvider) {
            try deliver(A.deliver("d-1", on: "2025-04-10", providerId: ProviderID(uuid: Fixture.uuid(77))))
        }
        #expect(throws: AuthorisationRejection.notPermitted(role: .coordinator)) {
            try AuthorisationDecider.decide(
                given: [A.authorised], when: A.deliver("d-1", on: "2025-04-10"),
                rules: Fixture.context(role: .coordinator, on: Fixture.day("2025-04-10")))
        }
        #expect(throws: AuthorisationRejection.noUnits) { try deliver(A.deliver("d-1", on: "2025-04-10", units: 0)) }
        #expect(throws: AuthorisationRejection.notAuthorised) {
            try deliver(A.deliver("d-1", on: "2025-04-10"), given: [])
        }
    }

    @Test("While the plan is suspended deliveries are refused; before and after they are accepted")
    func planSuspension() throws {
        let suspension = PlanFacts.Suspension(from: Fixture.day("2025-05-01"), to: Fixture.day("2025-05-15"))
        let plan = A.plan(status: .suspended, suspensions: [suspension])
        for date in ["2025-05-01", "2025-05-15"] {
            #expect(throws: AuthorisationRejection.planSuspended(date: Fixture.day(date))) {
                try deliver(A.deliver("d-1", on: date, plan: plan), on: "2025-06-01")
            }
        }
        #expect(try deliver(A.deliver("d-1", on: "2025-04-30", plan: plan), on: "2025-06-01").count == 1)
        #expect(try deliver(A.deliver("d-1", on: "2025-05-16", plan: plan), on: "2025-06-01").count == 1)
        #expect(throws: AuthorisationRejection.planFactsMismatch) {
            try deliver(A.deliver("d-1", on: "2025-04-10", plan: nil))
        }
        #expect(throws: AuthorisationRejection.planNotActive) {
            try deliver(A.deliver("d-1", on: "2025-04-10", plan: A.plan(status: .notApproved)))
        }
        #expect(
            try deliver(A.deliver("d-1", on: "2025-06-30", plan: A.plan(status: .ended)), on: "2025-07-03").count == 1)
    }

    @Test("A missed session is recorded inside the period and counted apart from deliveries")
    func nonDelivery() throws {
        let events = try deliver(missed("m-1", on: "2025-06-17"), on: "2025-06-17")
        let state = AuthorisationDecider.fold([A.authorised] + events)
        #expect(state.unitsMissed == 2 && state.unitsDelivered == 0)
        #expect(throws: AuthorisationRejection.outsideAuthorisedPeriod(date: Fixture.day("2025-07-01"))) {
            try deliver(missed("m-1", on: "2025-07-01"), on: "2025-07-02")
        }
        #expect(
            throws: AuthorisationRejection.deliveryInFuture(
                date: Fixture.day("2025-06-18"), today: Fixture.day("2025-06-17"))
        ) {
            try deliver(missed("m-1", on: "2025-06-18"), on: "2025-06-17")
        }
        #expect(throws: AuthorisationRejection.noUnits) {
            try deliver(missed("m-1", on: "2025-06-17", units: 0), on: "2025-06-17")
        }
        // Units past the bound, which a view's sums could not hold, are refused in every report.
        let huge: UInt64 = 9_223_372_036_854_775_808
        let tooMany = AuthorisationRejection.tooManyUnits(units: huge, max: AuthorisationDecider.unitsMax)
        #expect(throws: tooMany) { try deliver(missed("m-1", on: "2025-06-17", units: huge), on: "2025-06-17") }
        #expect(throws: tooMany) { try deliver(A.deliver("d-1", on: "2025-04-10", units: huge)) }
        #expect(try deliver(A.deliver("d-1", on: "2025-04-10", units: AuthorisationDecider.unitsMax)).count == 1)
    }

    @Test("§7 d-105: 3 h recorded, then corrected to 2 h; a replay to the first event shows 3 h")
    func correction() throws {
        let given = A.identified([A.authorised, A.delivered("d-105", on: "2025-05-06", units: 3)])
        let original = A.eventID(2)
        #expect(AuthorisationDecider.fold(identified: given).unitsDelivered == 3)
        let events = try A.decide(given, correct(original), rules: A.provider(on: "2025-05-07"))
        guard case .deliveryCorrected(let corrected) = events.first else { Issue.record("no correction"); return }
        #expect(corrected.deliveryId == "d-105" && corrected.originalEventId == original && corrected.units == 2)
        let state = AuthorisationDecider.fold(identified: given + [(A.eventID(3), events[0])])
        #expect(state.unitsDelivered == 2 && state.deliveredByMonth == ["2025-05": 2])
        #expect(state.deliveries["d-105"]?.eventIds == [original, A.eventID(3)])
        // A correction of the correction names the latest event; a fold without ids still knows the original.
        let again = try A.decide(
            given + [(A.eventID(3), events[0])], correct(A.eventID(3), units: 1), rules: A.provider(on: "2025-05-08"))
        #expect(again.count == 1)
        #expect(AuthorisationDecider.fold(given.map(\.event) + events).deliveries["d-105"]?.eventIds == [original])
    }

    @Test("A correction names a delivery of this stream and passes the delivery checks")
    func correctionChecks() {
        let given = A.identified([A.authorised, A.delivered("d-105", on: "2025-05-06", units: 3)])
        let rules = A.provider(on: "2025-05-07")
        #expect(throws: AuthorisationRejection.unknownDelivery) {
            try A.decide(given, correct(A.eventID(1)), rules: rules)
        }
        #expect(throws: AuthorisationRejection.unknownDelivery) {
            try A.decide(given, correct(A.eventID(9)), rules: rules)
        }
        #expect(
            throws: AuthorisationRejection.deliveryInFuture(
                date: Fixture.day("2025-05-08"), today: Fixture.day("2025-05-07"))
        ) {
            try A.decide(given, correct(A.eventID(2), on: "2025-05-08"), rules: rules)
        }
        #expect(throws: AuthorisationRejection.outsideAuthorisedPeriod(date: Fixture.day("2025-03-31"))) {
            try A.decide(given, correct(A.eventID(2), on: "2025-03-31"), rules: rules)
        }
        #expect(throws: AuthorisationRejection.noUnits) {
            try A.decide(given, correct(A.eventID(2), units: 0), rules: rules)
        }
    }

    @Test("A reversal removes a delivery once; a reversed delivery is neither corrected nor reversed again")
    func reversal() throws {
        let given = A.identified([A.authorised, A.delivered("d-1", on: "2025-04-10", units: 2)])
        let rules = A.provider(on: "2025-04-12")
        let events = try A.decide(given, reverse(A.eventID(2)), rules: rules)
        let after = given + [(A.eventID(3), events[0])]
        #expect(AuthorisationDecider.fold(identified: after).unitsDelivered == 0)
        #expect(throws: AuthorisationRejection.deliveryAlreadyReversed(deliveryId: "d-1")) {
            try A.decide(after, reverse(A.eventID(2)), rules: rules)
        }
        #expect(throws: AuthorisationRejection.deliveryAlreadyReversed(deliveryId: "d-1")) {
            try A.decide(after, correct(A.eventID(2), on: "2025-04-10"), rules: rules)
        }
        let blank = AuthorisationCommand.reverseDelivery(ReverseDelivery(originalEventId: A.eventID(2), reason: ""))
        #expect(throws: AuthorisationRejection.reasonMissing) { try A.decide(given, blank, rules: rules) }
    }

    @Test("§7 au01: 22 h delivered in three months, 2 h missed, 2 remaining")
    func workedExample() {
        let events: [DomainEvent] = [
            A.authorised, A.delivered("d-101", on: "2025-04-02", units: 2),
            A.delivered("d-102", on: "2025-04-09", units: 2),
            A.delivered("d-103", on: "2025-04-16", units: 2), A.delivered("d-104", on: "2025-04-23", units: 2),
            A.delivered("d-105", on: "2025-05-06", units: 2), A.delivered("d-106", on: "2025-05-13", units: 2),
            A.delivered("d-107", on: "2025-05-20", units: 2), A.delivered("d-108", on: "2025-05-27", units: 2),
            A.delivered("d-109", on: "2025-06-03", units: 2), A.delivered("d-110", on: "2025-06-10", units: 2),
            A.delivered("d-111", on: "2025-06-26", units: 2),
        ]
        let missedEvent = DomainEvent.serviceNotDelivered(
            ServiceNotDelivered(
                authorisationId: A.authorisationId, personRef: A.personRef, providerId: Fixture.providerId,
                deliveryId: "m-1", date: Fixture.day("2025-06-17"), unitsPlanned: 2, reason: .residentAbsent))
        let state = AuthorisationDecider.fold(events + [missedEvent])
        #expect(state.unitsDelivered == 22 && state.unitsMissed == 2 && state.unitsRemaining == 2)
        #expect(state.deliveredByMonth == ["2025-04": 8, "2025-05": 8, "2025-06": 6])
        #expect(state.knows(deliveryId: "m-1") && !state.knows(deliveryId: "d-112"))
    }
}
