import Domain
import Foundation
import Testing

@Suite("PersonDecider: registration, consents, representatives and erasure (L9, L13, L28)")
struct PersonDeciderTests {
    let person = PersonRef(uuid: IntakeFixture.uuid(20))
    let representative = PersonRef(uuid: IntakeFixture.uuid(21))
    let household = HouseholdRef(uuid: IntakeFixture.uuid(22))
    let otherHousehold = HouseholdRef(uuid: IntakeFixture.uuid(23))
    let consent = ConsentID(uuid: IntakeFixture.uuid(24))

    func day(_ text: String) -> LocalDate { IntakeFixture.day(text) }

    func register(pesel: String? = "44051401359", duplicate: Bool = false) -> PersonCommand {
        .register(
            RegisterPerson(
                personRef: person, purposeTags: ["intake"],
                identity: .init(givenName: "Anna", familyName: "Nowak", nationalID: pesel),
                nationalIDAlreadyRegistered: duplicate))
    }

    var registered: DomainEvent { .personRegistered(PersonRegistered(personRef: person, purposeTags: ["intake"])) }

    var erased: PersonalDataErased {
        PersonalDataErased(
            personRef: person, keyIds: [IntakeFixture.uuid(25)], scope: "all", reason: .art17, legalBasisRef: "RODO-17",
            requestId: RequestID(uuid: IntakeFixture.uuid(26)))
    }

    func membership(_ ref: HouseholdRef, from date: String = "2025-01-01") -> HouseholdMembershipRecorded {
        HouseholdMembershipRecorded(
            personRef: person, householdRef: ref, validFrom: day(date), personal: .init(role: "head"))
    }

    func representation(
        _ ref: PersonRef, kind: RepresentativeKind = .legalRepresentative, to: String? = nil
    ) -> RepresentativeRecorded {
        RepresentativeRecorded(
            personRef: person, representativeRef: ref, kind: kind, validFrom: day("2025-01-01"), validTo: to.map(day),
            personal: .init(evidence: "Court order II RNs 12/24"))
    }

    func consentGranted(_ purpose: ConsentPurpose = .forwardApplication) -> ConsentGranted {
        ConsentGranted(
            personRef: person, consentId: consent, purpose: purpose, scope: "whole application", medium: .written,
            validFrom: day("2025-01-01"))
    }

    func withdrawal(from date: String) -> ConsentWithdrawn {
        ConsentWithdrawn(personRef: person, consentId: consent, effectiveFrom: day(date))
    }

    func decide(
        _ given: [DomainEvent], _ command: PersonCommand, as role: ActorRole = .intakeClerk
    ) throws(PersonRejection) -> [DomainEvent] {
        try PersonDecider.decide(
            command, state: PersonDecider.fold(given), rules: IntakeFixture.context(role, on: "2025-03-03"))
    }

    // MARK: Registration

    @Test("A resident with a valid PESEL is registered once, by an intake clerk or coordinator")
    func registerWithValidPESEL() throws {
        let events = try decide([], register())
        #expect(PersonDecider.fold(events).personRef == person)
        #expect(throws: Never.self) { try decide([], register(pesel: "02270803624"), as: .coordinator) }
        #expect(throws: Never.self) { try decide([], register(pesel: nil)) }
        #expect(throws: PersonRejection.alreadyRegistered) { try decide(events, register()) }
    }

    @Test("A PESEL with a wrong check digit, length or birth date is refused without echoing it")
    func invalidPESELIsRefused() {
        for pesel in ["44051401358", "4405140135", "440514013590", "4405140135a", "99023001233"] {
            #expect(throws: PersonRejection.invalidNationalID) { try decide([], register(pesel: pesel)) }
        }
        #expect(!PersonRejection.invalidNationalID.description.contains("4405"))
    }

    @Test("L28: a PESEL already in the Vault's blind index is refused as a duplicate")
    func duplicatePESELIsRefused() {
        #expect(throws: PersonRejection.duplicateNationalID) { try decide([], register(duplicate: true)) }
        #expect(PersonRejection.duplicateNationalID.rule == "L28")
        #expect(PersonRejection.duplicateNationalID.code == "duplicate-national-id")
    }

    @Test("Nothing is recorded about a resident before registration, nor for another resident on this stream")
    func recordsNeedRegistration() {
        #expect(throws: PersonRejection.notRegistered) { try decide([], .grantConsent(consentGranted())) }
        var other = consentGranted()
        other.personRef = representative
        #expect(throws: PersonRejection.wrongPerson) { try decide([registered], .grantConsent(other)) }
    }

    @Test("Only intake clerks and coordinators record; a director may not register")
    func recordingRoles() {
        #expect(throws: PersonRejection.notPermitted(role: .director)) { try decide([], register(), as: .director) }
        #expect(throws: PersonRejection.notPermitted(role: .system)) { try decide([], register(), as: .system) }
    }

    // MARK: Target groups

    func attribute(usedForEligibility: Bool, evidenceRef: String?) -> PersonCommand {
        .recordTargetGroupAttribute(
            RecordTargetGroupAttribute(
                personRef: person, validFrom: day("2025-03-01"), validTo: nil, usedForEligibility: usedForEligibility,
                details: .init(attribute: .disabilityCertificate, degree: "moderate", evidenceRef: evidenceRef)))
    }

    @Test("An attribute used for eligibility is recorded with evidence, and marked evidenced")
    func attributeWithEvidence() throws {
        let events = try decide([registered], attribute(usedForEligibility: true, evidenceRef: "ORZ/2024/55"))
        guard case .targetGroupAttributeRecorded(let event) = events.first else { Issue.record("no event"); return }
        #expect(event.evidenced)
        let unused = try decide([registered], attribute(usedForEligibility: false, evidenceRef: nil))
        guard case .targetGroupAttributeRecorded(let plain) = unused.first else { Issue.record("no event"); return }
        #expect(!plain.evidenced)
    }

    @Test("An attribute used for eligibility without evidence is refused")
    func attributeWithoutEvidence() {
        #expect(throws: PersonRejection.evidenceRequired) {
            try decide([registered], attribute(usedForEligibility: true, evidenceRef: nil))
        }
        #expect(throws: PersonRejection.evidenceRequired) {
            try decide([registered], attribute(usedForEligibility: true, evidenceRef: " "))
        }
    }

    // MARK: Household

    @Test("One active household: a second is refused until the first ended")
    func oneActiveHousehold() throws {
        let first: [DomainEvent] = [registered, .householdMembershipRecorded(membership(household))]
        #expect(PersonDecider.fold(first).household == household)
        #expect(throws: PersonRejection.householdAlreadyActive(household)) {
            try decide(first, .recordHouseholdMembership(membership(otherHousehold)))
        }
        let ended = try decide(
            first,
            .endHouseholdMembership(
                HouseholdMembershipEnded(personRef: person, householdRef: household, validTo: day("2025-02-28"))))
        #expect(PersonDecider.fold(first + ended).household == nil)
        #expect(throws: Never.self) {
            try decide(first + ended, .recordHouseholdMembership(membership(otherHousehold, from: "2025-03-01")))
        }
    }

    @Test("Only the active household can be ended, and not before it began")
    func endOnlyActiveHousehold() {
        let first: [DomainEvent] = [registered, .householdMembershipRecorded(membership(household))]
        #expect(throws: PersonRejection.householdNotActive(otherHousehold)) {
            try decide(
                first,
                .endHouseholdMembership(
                    HouseholdMembershipEnded(
                        personRef: person, householdRef: otherHousehold, validTo: day("2025-03-01"))))
        }
        #expect(throws: PersonRejection.invalidPeriod(validFrom: day("2025-01-01"), validTo: day("2024-12-31"))) {
            try decide(
                first,
                .endHouseholdMembership(
                    HouseholdMembershipEnded(personRef: person, householdRef: household, validTo: day("2024-12-31"))))
        }
    }

    // MARK: Representatives (L9)

    @Test("L9: a representative is recorded with evidence and is active through validTo")
    func representativeRecorded() throws {
        let events = try decide([registered], .recordRepresentative(representation(representative, to: "2025-06-30")))
        let state = PersonDecider.fold([registered] + events)
        #expect(state.activeRepresentatives(on: day("2025-06-30")).map(\.representativeRef) == [representative])
        #expect(state.activeRepresentatives(on: day("2025-07-01")).isEmpty)
    }

    @Test("L9: a resident cannot be their own representative; evidence is required")
    func representativeChecks() {
        #expect(throws: PersonRejection.representativeIsPerson) {
            try decide([registered], .recordRepresentative(representation(person)))
        }
        #expect(PersonRejection.representativeIsPerson.rule == "L9")
        var noEvidence = representation(representative)
        noEvidence.personal = nil
        #expect(throws: PersonRejection.personalFieldsMissing) {
            try decide([registered], .recordRepresentative(noEvidence))
        }
    }

    // MARK: Consents (L13)

    @Test("A consent is active by purpose from its grant until withdrawn")
    func consentLifecycle() throws {
        let granted = try decide([registered], .grantConsent(consentGranted()))
        let withdrawn = try decide([registered] + granted, .withdrawConsent(withdrawal(from: "2025-04-01")))
        let state = PersonDecider.fold([registered] + granted + withdrawn)
        #expect(state.activeConsents(for: .forwardApplication, on: day("2025-03-31")) == [consent])
        #expect(state.activeConsents(for: .forwardApplication, on: day("2025-04-01")).isEmpty)
        #expect(state.activeConsents(for: .contact, on: day("2025-03-31")).isEmpty)
        #expect(state.activeConsentsByPurpose(on: day("2025-03-31")) == [.forwardApplication: [consent]])
    }

    @Test("Only an active consent can be withdrawn; a consent id is granted once")
    func withdrawOnlyActiveConsent() throws {
        let granted: [DomainEvent] = [registered, .consentGranted(consentGranted())]
        let withdrawn = try decide(granted, .withdrawConsent(withdrawal(from: "2025-04-01")))
        #expect(throws: PersonRejection.consentNotActive(consent)) {
            try decide(granted + withdrawn, .withdrawConsent(withdrawal(from: "2025-05-01")))
        }
        #expect(throws: PersonRejection.consentNotActive(consent)) {
            try decide([registered], .withdrawConsent(withdrawal(from: "2025-05-01")))
        }
        #expect(throws: PersonRejection.consentAlreadyRecorded(consent)) {
            try decide(granted, .grantConsent(consentGranted(.contact)))
        }
    }

    // MARK: Rectification

    func rectification(names: [String], update: IdentityUpdate) -> PersonCommand {
        .rectifyData(
            PersonDataRectified(
                personRef: person, fieldNames: names, personal: .init(newValues: update, reason: "Misspelt at intake")))
    }

    @Test("Rectification lists exactly the fields that carry new values")
    func rectificationFieldsMatch() {
        #expect(throws: Never.self) {
            try decide(
                [registered],
                rectification(
                    names: ["phone", "familyName"], update: .init(familyName: "Nowakowska", phone: "500600700")))
        }
        #expect(
            throws: PersonRejection.rectifiedFieldsMismatch(declared: ["phone"], changed: ["familyName", "phone"])
        ) {
            try decide([registered], rectification(names: ["phone"], update: .init(familyName: "N", phone: "5")))
        }
        #expect(throws: PersonRejection.rectifiedFieldsMismatch(declared: [], changed: [])) {
            try decide([registered], rectification(names: [], update: .init()))
        }
        #expect(throws: PersonRejection.invalidNationalID) {
            try decide([registered], rectification(names: ["nationalID"], update: .init(nationalID: "44051401358")))
        }
    }

    // MARK: Erasure (L28)

    @Test("L28: the director or the retention duty records the erasure receipt, once")
    func erasureReceipt() throws {
        let events = try decide([registered], .erasePersonalData(erased), as: .director)
        #expect(PersonDecider.fold([registered] + events).erased)
        #expect(throws: Never.self) { try decide([registered], .erasePersonalData(erased), as: .system) }
        #expect(throws: PersonRejection.alreadyErased) {
            try decide([registered] + events, .erasePersonalData(erased), as: .system)
        }
    }

    @Test("L28: an intake clerk may not erase, and a receipt must name the keys")
    func erasureChecks() {
        #expect(throws: PersonRejection.notPermitted(role: .intakeClerk)) {
            try decide([registered], .erasePersonalData(erased), as: .intakeClerk)
        }
        var noKeys = erased
        noKeys.keyIds = []
        #expect(throws: PersonRejection.noKeysToErase) {
            try decide([registered], .erasePersonalData(noKeys), as: .director)
        }
    }

    @Test("L28: after erasure every further record is refused")
    func nothingAfterErasure() {
        let given: [DomainEvent] = [registered, .personalDataErased(erased)]
        #expect(throws: PersonRejection.erased) { try decide(given, .grantConsent(consentGranted())) }
        #expect(throws: PersonRejection.erased) { try decide(given, register()) }
        #expect(throws: PersonRejection.erased) {
            try decide(given, .recordRepresentative(representation(representative)))
        }
    }
}
