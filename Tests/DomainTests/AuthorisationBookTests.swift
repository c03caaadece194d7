import Domain
import Foundation
import Testing

@Suite("AuthorisationBook: facts across authorisation streams")
struct AuthorisationBookTests {
    let plan = PlanID(uuid: UUID())
    let provider = ProviderID(uuid: UUID())

    func authorised(_ id: AuthorisationID, units: UInt64, item: String = "I1") -> DomainEvent {
        .serviceAuthorised(
            ServiceAuthorised(
                authorisationId: id, planId: plan, planItemId: item, qualificationId: QualificationID(uuid: UUID()),
                personRef: PersonRef(uuid: UUID()), programmeId: ProgrammeID(uuid: UUID()), serviceId: "care",
                providerId: provider, engagementId: EngagementID(uuid: UUID()), unitsAuthorised: units,
                monthlyAllocation: [], rate: 4_500, start: LocalDate("2025-04-01") ?? LocalDate(daysSinceEpoch: 0),
                end: LocalDate("2025-06-30") ?? LocalDate(daysSinceEpoch: 0)))
    }

    @Test("Units per plan item and per provider month count live authorisations only")
    func sums() {
        let (first, second) = (AuthorisationID(uuid: UUID()), AuthorisationID(uuid: UUID()))
        var book = AuthorisationBook.fold([authorised(first, units: 24), authorised(second, units: 6)])
        #expect(book.authorisedForItem(plan: plan, item: "I1") == 30)
        #expect(book.authorisedForItem(plan: plan, item: "I1", excluding: second) == 24)
        #expect(book.providerAuthorisedByMonth(provider: provider, service: "care")["2025-04"] == 10)
        book = book.applying(
            .serviceAuthorisationCancelled(
                ServiceAuthorisationCancelled(
                    authorisationId: second, personRef: PersonRef(uuid: UUID()),
                    effectiveFrom: LocalDate("2025-04-15") ?? LocalDate(daysSinceEpoch: 0), reason: "Rezygnacja")))
        #expect(book.authorisedForItem(plan: plan, item: "I1") == 24)
        #expect(
            book.providerAuthorisedByMonth(provider: provider, service: "care") == [
                "2025-04": 8, "2025-05": 8, "2025-06": 8,
            ])
        #expect(book.authorisedForItem(plan: plan, item: "I2") == 0)
    }
}
