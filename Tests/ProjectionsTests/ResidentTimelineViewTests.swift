import Commands
import Domain
import Foundation
import Ledger
import Testing

@testable import Projections

/// A resident registered with their identity (sealed), their consents and a legal representative who applies and
/// agrees the plan for them, then PlanStory's deliveries with a correction and a reversal.
struct ResidentStory {
    let plan = PlanStory()
    let guardian = PersonRef(uuid: UUID())
    let survey = ConsentID(uuid: UUID())
    let contact = ConsentID(uuid: UUID())
    var person: PersonRef { plan.person }

    var standing: [DomainEvent] {
        [
            .personRegistered(
                PersonRegistered(
                    personRef: person, purposeTags: ["intake"],
                    personal: .init(givenName: "Anna", familyName: "Nowak", nationalID: "85010112345"))),
            .consentGranted(
                ConsentGranted(
                    personRef: person, consentId: survey, purpose: .survey, scope: "ankieta satysfakcji",
                    medium: .written, validTo: .on("2025-12-31"))),
            .consentGranted(
                ConsentGranted(
                    personRef: person, consentId: contact, purpose: .contact, scope: "telefon", medium: .oralRecorded)),
            .consentWithdrawn(
                ConsentWithdrawn(personRef: person, consentId: contact, effectiveFrom: .on("2025-04-01"))),
            .representativeRecorded(
                RepresentativeRecorded(
                    personRef: person, representativeRef: guardian, kind: .legalRepresentative,
                    validFrom: .on("2025-01-01"), validTo: .on("2025-06-30"))),
            .applicationSubmitted(
                ApplicationSubmitted(
                    applicationId: plan.application, personRef: person, applicantRole: .legalRepresentative,
                    applicantRef: guardian, channel: .inPerson, programmeIds: [plan.programme],
                    requestedServiceIds: ["care"], filedAt: .on("2025-02-03"))),
        ]
    }

    /// Feeds everything; returns the positions in the order fed.
    func feed(_ fixture: ProjectionsFixture) async throws -> [UInt64] {
        var positions: [UInt64] = []
        for event in standing + plan.opening.dropFirst() {
            positions.append(try await fixture.emit(event).rawValue)
        }
        let first = try await fixture.emit(plan.delivered("d1", on: "2025-03-03", units: 4))
        let second = try await fixture.emit(plan.delivered("d2", on: "2025-03-10", units: 4))
        let correction = try await fixture.emit(
            plan.corrected(try fixture.eventID(at: first), on: "2025-03-03", units: 2))
        let reversal = try await fixture.emit(plan.reversed(try fixture.eventID(at: second)))
        return positions + [first, second, correction, reversal].map(\.rawValue)
    }
}

extension ProjectionsFixture {
    func timeline(_ person: PersonRef?, today: String = "2025-03-25") throws -> [ViewRow] {
        try catchUp(ResidentTimelineProjection())
        return try store.read(ResidentTimelineProjection.self) { reader in
            try ResidentTimelineView.rows(
                reader, person: person, context: ViewContext(today: .on(today), ledger: services.ledger))
        }
    }
}

extension ViewRow {
    func nested(_ column: String) -> [ViewRow] {
        guard case .rows(let rows) = self[column] else { return [] }
        return rows
    }
}

@Suite("ResidentTimeline: a resident's events as references, with consents and representatives as of a day")
struct ResidentTimelineViewTests {
    @Test("Every event naming the resident, in ledger order, a correction and a reversal included")
    func eventsInOrder() async throws {
        let fixture = try ProjectionsFixture()
        let story = ResidentStory()
        let positions = try await story.feed(fixture)
        let row = try #require(try fixture.timeline(story.person).first)
        #expect(row["personRef"] == .id(story.person))
        let events = row.nested("events")
        #expect(events.map { $0["position"] } == positions.map { .int(Int64($0)) })
        #expect(
            events.map { $0["type"] }.suffix(4)
                == ["ServiceDelivered", "ServiceDelivered", "DeliveryCorrected", "DeliveryReversed"].map(
                    ViewValue.string))
        let registered = try #require(events.first)
        #expect(registered["type"] == .string("PersonRegistered"))
        #expect(registered["sealed"] == .bool(true))
        #expect(registered["namedAs"] == .string("personRef"))
        #expect(registered["businessDate"] == .string("2025-03-03"))
        #expect(registered["stream"].map { "\($0)".contains("person-") } == true)
        #expect(events.first { $0["type"] == .string("PlanAgreed") }?["namedAs"] == .string("personRef,agreedBy"))
        #expect(events.first { $0["type"] == .string("ConsentGranted") }?["sealed"] == .bool(false))
        let guardian = try #require(try fixture.timeline(story.guardian).first)
        #expect(
            guardian.nested("events").map { $0["namedAs"] }
                == [.string("representativeRef"), .string("applicantRef")])
        #expect(guardian.nested("events").allSatisfy { $0["sealed"] == .bool(false) })
        #expect(try fixture.timeline(nil).count == 2)
    }

    @Test("Consents and representatives are those active on the day read")
    func activeStanding() async throws {
        let fixture = try ProjectionsFixture()
        let story = ResidentStory()
        _ = try await story.feed(fixture)
        let march = try #require(try fixture.timeline(story.person, today: "2025-03-25").first)
        #expect(march.nested("consents").map { $0["purpose"] } == [.string("survey"), .string("contact")])
        #expect(march.nested("representatives").map { $0["representativeRef"] } == [.id(story.guardian)])
        #expect(march.nested("representatives").first?["kind"] == .string("legalRepresentative"))
        let april = try #require(try fixture.timeline(story.person, today: "2025-04-01").first)
        #expect(april.nested("consents").map { $0["purpose"] } == [.string("survey")], "withdrawn from 04-01")
        let july = try #require(try fixture.timeline(story.person, today: "2025-07-01").first)
        #expect(july.nested("representatives").isEmpty)
        #expect(try fixture.timeline(story.person, today: "2026-01-01").first?.nested("consents").isEmpty == true)
    }

    @Test("An erased resident keeps their timeline of references, with the receipt's position")
    func erasedPerson() async throws {
        let fixture = try ProjectionsFixture()
        let story = ResidentStory()
        _ = try await story.feed(fixture)
        let before = try #require(try fixture.timeline(story.person).first)
        try await fixture.erase(story.person)
        let after = try #require(try fixture.timeline(story.person).first)
        let events = after.nested("events")
        #expect(Array(events.dropLast()) == before.nested("events"))
        #expect(events.last?["type"] == .string("PersonalDataErased"))
        #expect(after["erasedAt"] == events.last?["position"])
        #expect(before["erasedAt"] == .null)
    }

    @Test("The events table is an index: one empty row per person and position, the events read from the ledger")
    func eventsAreAnIndex() async throws {
        let fixture = try ProjectionsFixture()
        let story = ResidentStory()
        let positions = try await story.feed(fixture)
        try fixture.catchUp(ResidentTimelineProjection())
        let stored = try fixture.store.read(ResidentTimelineProjection.self) { reader in
            try reader.rawContents().filter { $0.table == "events" }
        }
        let own = stored.filter { $0.key.starts(with: RowKey.uuid(story.person.uuid).bytes) }
        #expect(
            own.map(\.key)
                == positions.map { ResidentTimelineProjection.key(story.person, position: $0).bytes })
        #expect(stored.allSatisfy { $0.value.isEmpty })
    }

    @Test(
        "Read without the ledger, or against another ledger (without the positions, or with other persons' events there), the view says so"
    )
    func readsNeedTheirLedger() async throws {
        let fixture = try ProjectionsFixture()
        let story = ResidentStory()
        _ = try await story.feed(fixture)
        try fixture.catchUp(ResidentTimelineProjection())
        let empty = try ProjectionsFixture()
        let another = try ProjectionsFixture()
        _ = try await ResidentStory().feed(another)
        // No ledger, one without the positions, and one whose records at those positions name other persons.
        for ledger in [nil, empty.services.ledger, another.services.ledger] {
            #expect(throws: ProjectionError.self) {
                try fixture.store.read(ResidentTimelineProjection.self) { reader in
                    try ResidentTimelineView.rows(
                        reader, person: story.person, context: ViewContext(today: .on("2025-03-25"), ledger: ledger))
                }
            }
        }
    }

    @Test("The type list holds every type with a PersonRef field of the catalogue")
    func typesMatchTheCatalogue() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Schemas/events/catalogue.json")
        let catalogue = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let events = try #require(catalogue["events"] as? [[String: Any]])
        var expected: [String: Set<String>] = [:]
        for event in events {
            guard let type = event["type"] as? String, let version = event["version"] as? Int,
                DomainEvent.registry[type]?.current == UInt16(version), let clear = event["clear"] as? [String: String]
            else { continue }
            expected[type] = Set(clear.filter { $0.value.hasPrefix("PersonRef") }.keys)
        }
        #expect(expected.count == DomainEvent.registry.count)
        for sample in DomainEvent.samples {
            #expect(Set(sample.namedPersons.map(\.field)) == expected[sample.eventType], "\(sample.eventType)")
        }
        #expect(ResidentTimelineProjection.eventTypes == Set(expected.filter { !$0.value.isEmpty }.keys))
    }

    @Test("Live equals a rebuild from zero, byte for byte")
    func rebuildEqualsLive() async throws {
        let fixture = try ProjectionsFixture()
        fixture.batchEvents = 2
        let story = ResidentStory()
        _ = try await story.feed(fixture)
        try await fixture.erase(story.person)
        let (live, rebuilt) = try fixture.liveAndRebuiltContents(ResidentTimelineProjection())
        #expect(live == rebuilt)
        #expect(!live.isEmpty)
    }
}
