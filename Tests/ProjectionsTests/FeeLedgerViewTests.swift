import Domain
import Foundation
import Testing

@testable import Projections

/// Three residents' fee accounts in one programme (amounts in grosze): Anna is domain.md §7's p-01 (April in
/// full, then a 50 % exemption under EX-2); Jan's April charge is cancelled in full and assessed again under a
/// total exemption granted after it (the correction domain.md §4.8 prescribes), which is later revoked; Ewa
/// overpays April (credit) and has May's charge partly paid and the rest written off.
struct FeeStory {
    let programme = ProgrammeID(uuid: UUID())
    let anna = PersonRef(uuid: UUID())
    let jan = PersonRef(uuid: UUID())
    let ewa = PersonRef(uuid: UUID())
    let annaExemption = ExemptionID(uuid: UUID())
    let janExemption = ExemptionID(uuid: UUID())
    let charges = (0..<8).map { _ in ChargeID(uuid: UUID()) }
    let director = StaffID(uuid: UUID())

    func assessed(
        _ person: PersonRef, _ charge: Int, _ period: String, gross: Int64, exempted: Int64 = 0,
        exemption: ExemptionID? = nil
    ) -> DomainEvent {
        .feeAssessed(
            FeeAssessed(
                personRef: person, programmeId: programme, chargeId: charges[charge], chargePeriod: period,
                serviceId: "care", units: UInt64(gross / 1_000), rate: 1_000, gross: gross, exemptionId: exemption,
                exempted: exempted, net: gross - exempted, feeRuleId: "FEE-1", feeRuleVersion: 1))
    }

    func granted(
        _ person: PersonRef, _ exemption: ExemptionID, _ kind: ExemptionKind, rule: String, from: String, to: String?
    ) -> DomainEvent {
        .feeExemptionGranted(
            FeeExemptionGranted(
                personRef: person, programmeId: programme, exemptionId: exemption, kind: kind,
                percent: kind == .total ? 100 : 50, validFrom: .on(from), validTo: to.map(LocalDate.on),
                serviceIds: ["care"], exemptionRuleId: rule, decidedBy: director))
    }

    func paid(_ person: PersonRef, _ amount: Int64, on date: String, to allocations: [(Int, Int64)]) -> DomainEvent {
        .paymentReceived(
            PaymentReceived(
                personRef: person, programmeId: programme, paymentReference: "PAY-\(date)-\(amount)", amount: amount,
                receivedOn: .on(date), method: .bankTransfer,
                allocations: allocations.map { PaymentAllocation(chargeId: charges[$0.0], amount: $0.1) }))
    }

    var events: [DomainEvent] {
        [
            assessed(anna, 0, "2025-04", gross: 8_000),
            granted(anna, annaExemption, .partial, rule: "EX-2", from: "2025-05-01", to: "2025-06-30"),
            paid(anna, 8_000, on: "2025-05-12", to: [(0, 8_000)]),
            assessed(anna, 1, "2025-05", gross: 8_000, exempted: 4_000, exemption: annaExemption),
            paid(anna, 4_000, on: "2025-06-10", to: [(1, 4_000)]),
            assessed(anna, 2, "2025-06", gross: 6_000, exempted: 3_000, exemption: annaExemption),
            assessed(jan, 3, "2025-04", gross: 8_000),
            granted(jan, janExemption, .total, rule: "EX-1", from: "2025-04-01", to: nil),
            .chargeCancelled(
                ChargeCancelled(
                    personRef: jan, programmeId: programme, chargeId: charges[3], amount: 8_000,
                    reason: "Zwolnienie z mocą wsteczną")),
            assessed(jan, 4, "2025-04", gross: 8_000, exempted: 8_000, exemption: janExemption),
            .feeExemptionRevoked(
                FeeExemptionRevoked(
                    personRef: jan, programmeId: programme, exemptionId: janExemption, effectiveFrom: .on("2025-06-01"))
            ),
            assessed(ewa, 5, "2025-04", gross: 8_000),
            paid(ewa, 10_000, on: "2025-05-10", to: [(5, 8_000)]),
            assessed(ewa, 6, "2025-05", gross: 8_000),
            paid(ewa, 3_000, on: "2025-06-05", to: [(6, 3_000)]),
            .chargeWrittenOff(
                ChargeWrittenOff(
                    personRef: ewa, programmeId: programme, chargeId: charges[6], amount: 5_000,
                    reason: "Nieściągalne", decidedBy: director)),
        ]
    }

    /// Emits the events; the write-off is decided on 2025-06-20 (its business date).
    func feed(_ fixture: ProjectionsFixture) async throws {
        for event in events {
            if case .chargeWrittenOff = event { fixture.occurredAt = Instant(startOf: .on("2025-06-20")) }
            try await fixture.emit(event)
        }
    }

    /// A fixture fed the whole story, with the view built.
    func built() async throws -> ProjectionsFixture {
        let fixture = try ProjectionsFixture()
        try await feed(fixture)
        try fixture.catchUp(FeeLedgerProjection())
        return fixture
    }
}

extension ProjectionsFixture {
    func feeRows(_ key: FeeLedgerView.Key? = nil, today: String = "2025-07-10") throws -> [ViewRow] {
        try store.read(FeeLedgerProjection.self) { reader in
            try FeeLedgerView.rows(reader, key: key, context: ViewContext(today: .on(today)))
        }
    }
}

@Suite("FeeLedgerView: fee accounts per person and programme, and programme totals per charge period")
struct FeeLedgerViewTests {
    static func money(_ row: ViewRow?) -> [String: ViewValue] {
        let columns = [
            "gross", "exemptedPartial", "exemptedTotal", "netDue", "paid", "outstanding", "writtenOff", "cancelled",
            "credit",
        ]
        return Dictionary(uniqueKeysWithValues: columns.map { ($0, row?[$0] ?? .null) })
    }

    static func amounts(
        gross: Int64, partial: Int64 = 0, total: Int64 = 0, net: Int64, paid: Int64 = 0, outstanding: Int64 = 0,
        writtenOff: Int64 = 0, cancelled: Int64 = 0, credit: Int64 = 0
    ) -> [String: ViewValue] {
        [
            "gross": .int(gross), "exemptedPartial": .int(partial), "exemptedTotal": .int(total), "netDue": .int(net),
            "paid": .int(paid), "outstanding": .int(outstanding), "writtenOff": .int(writtenOff),
            "cancelled": .int(cancelled), "credit": .int(credit),
        ]
    }

    @Test("Accounts: §7's totals, a charge cancelled and assessed again, credit from an overpayment, a write-off")
    func accounts() async throws {
        let story = FeeStory()
        let fixture = try await story.built()
        let rows = try fixture.feeRows()
        let accounts = rows.filter { $0["kind"] == .string("account") }
        #expect(accounts.count == 3)
        #expect(rows.count == 6, "three accounts, then April, May and June")
        #expect(
            rows.map { $0["kind"] }
                == ["account", "account", "account", "month", "month", "month"].map(ViewValue.string))
        func account(_ person: PersonRef) -> ViewRow? { accounts.first { $0["personRef"] == .id(person) } }
        // domain.md §7: gross 220, exempted 70 (partial), net 150, paid 120, outstanding 30 (PLN).
        #expect(
            Self.money(account(story.anna))
                == Self.amounts(gross: 22_000, partial: 7_000, net: 15_000, paid: 12_000, outstanding: 3_000))
        #expect(
            Self.money(account(story.jan))
                == Self.amounts(gross: 16_000, total: 8_000, net: 8_000, cancelled: 8_000))
        #expect(
            Self.money(account(story.ewa))
                == Self.amounts(gross: 16_000, net: 16_000, paid: 11_000, writtenOff: 5_000, credit: 2_000))
        guard case .rows(let annaExemptions) = account(story.anna)?["exemptions"],
            case .rows(let janExemptions) = account(story.jan)?["exemptions"]
        else {
            Issue.record("exemptions are nested rows")
            return
        }
        #expect(annaExemptions.map { $0["exemptionRuleId"] } == [.string("EX-2")])
        #expect(annaExemptions.map { $0["status"] } == [.string("expired")])
        #expect(janExemptions.map { $0["kind"] } == [.string("total")])
        #expect(janExemptions.map { $0["revokedFrom"] } == [.string("2025-06-01")])
        #expect(janExemptions.map { $0["status"] } == [.string("revoked")])
        let earlier = try fixture.feeRows(.account(story.programme, story.jan), today: "2025-05-20")
        #expect(earlier.count == 1)
        guard case .rows(let earlierExemptions) = earlier.first?["exemptions"] else {
            Issue.record("exemptions are nested rows")
            return
        }
        #expect(earlierExemptions.map { $0["status"] } == [.string("active")], "revoked from June on")
    }

    @Test("Months: payments, cancellations and write-offs count in the charge's period; persons by kind and rule")
    func months() async throws {
        let story = FeeStory()
        let fixture = try await story.built()
        let months = try fixture.feeRows(.programme(story.programme)).filter { $0["kind"] == .string("month") }
        #expect(months.map { $0["month"] } == [.string("2025-04"), .string("2025-05"), .string("2025-06")])
        #expect(months.allSatisfy { $0["personRef"] == .null && $0["exemptions"] == .null })
        // April: Anna, Jan's cancelled charge and its replacement, Ewa.
        #expect(
            Self.money(months[0])
                == Self.amounts(gross: 32_000, total: 8_000, net: 24_000, paid: 16_000, cancelled: 8_000))
        // May: Anna's exempted charge, Ewa's written-off one, and Ewa's unallocated 20 PLN received in May.
        #expect(
            Self.money(months[1])
                == Self.amounts(
                    gross: 16_000, partial: 4_000, net: 12_000, paid: 7_000, writtenOff: 5_000, credit: 2_000))
        #expect(Self.money(months[2]) == Self.amounts(gross: 6_000, partial: 3_000, net: 3_000, outstanding: 3_000))
        // Jan's cancelled charge no longer counts him as charged without an exemption: three persons, one exempted.
        #expect(months.map { $0["personsCharged"] } == [.int(3), .int(2), .int(1)])
        let exempted = months.map { row -> [ViewRow] in
            guard case .rows(let groups) = row["personsExempted"] else { return [] }
            return groups
        }
        #expect(
            exempted[0]
                == [ViewRow([("kind", .string("total")), ("exemptionRuleId", .string("EX-1")), ("persons", .int(1))])])
        #expect(
            exempted[1]
                == [
                    ViewRow([("kind", .string("partial")), ("exemptionRuleId", .string("EX-2")), ("persons", .int(1))])
                ])
        #expect(exempted[2] == exempted[1])
    }

    @Test("--key: a programme, or one account; anything else is refused")
    func keys() async throws {
        let story = FeeStory()
        let fixture = try await story.built()
        #expect(FeeLedgerView.key(story.programme.description) == .programme(story.programme))
        #expect(FeeLedgerView.key("\(story.programme)/\(story.ewa)") == .account(story.programme, story.ewa))
        #expect(FeeLedgerView.key("\(story.programme)/x") == nil)
        #expect(FeeLedgerView.key("care") == nil)
        let view = try ProjectionCatalogue.view(named: FeeLedgerProjection.name)
        let context = ViewContext(today: .on("2025-07-10"))
        let account = try fixture.store.read(FeeLedgerProjection.self) { reader in
            try view.render(reader, "\(story.programme)/\(story.ewa)", context)
        }
        #expect(account.map { $0["personRef"] } == [.id(story.ewa)])
        #expect(try fixture.store.read(FeeLedgerProjection.self) { try view.render($0, nil, context) }.count == 6)
        #expect(throws: ProjectionError.self) {
            try fixture.store.read(FeeLedgerProjection.self) { try view.render($0, "nope", context) }
        }
    }

    @Test("Erasing a resident leaves the fee rows: they hold pseudonymous references and amounts only")
    func erasedPerson() async throws {
        let story = FeeStory()
        let fixture = try await story.built()
        let before = try fixture.contents(FeeLedgerProjection.self)
        try await fixture.erase(story.anna)
        try fixture.catchUp(FeeLedgerProjection())
        #expect(try fixture.contents(FeeLedgerProjection.self) == before)
        #expect(try fixture.feeRows().contains { $0["personRef"] == .id(story.anna) })
    }

    @Test("Rebuilt from zero in one batch, FeeLedgerView is byte-identical to the one built live in small batches")
    func rebuildIsByteIdentical() async throws {
        let fixture = try ProjectionsFixture()
        fixture.batchEvents = 3
        fixture.liveProjections = [FeeLedgerProjection()]
        try await FeeStory().feed(fixture)
        let (live, rebuilt) = try fixture.liveAndRebuiltContents(FeeLedgerProjection())
        #expect(!live.isEmpty)
        #expect(rebuilt == live)
    }
}
