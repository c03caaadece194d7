import Domain
import Foundation
import Testing

@Suite("ApplicationDecider: filing (L9), forwarding (L13), assessment (L12)")
struct ApplicationIntakeTests {
    let world = ApplicationWorld()

    func day(_ text: String) -> LocalDate { IntakeFixture.day(text) }

    func submit(_ application: ApplicationSubmitted, programmes: [ProgrammeFacts]? = nil, person: PersonState? = nil)
        -> ApplicationCommand
    {
        .submit(
            SubmitApplication(
                application: application, person: person ?? world.personFacts,
                programmes: programmes ?? [world.programme]))
    }

    @Test("A need signal opens the stream and the application continues it")
    func signalThenSubmit() throws {
        let signal = NeedSignalled(
            applicationId: world.application, personRef: world.person, source: .family, channel: .phone,
            signalledOn: day("2025-03-03"), personal: .init(description: "Needs help at home"))
        let signalled = try world.decide([], .signalNeed(signal), as: .intakeClerk, on: "2025-03-03")
        #expect(ApplicationDecider.fold(signalled).signalled)
        #expect(throws: Never.self) { try world.decide(signalled, submit(world.submission()), on: "2025-03-05") }
        #expect(throws: ApplicationRejection.alreadySubmitted) { try world.decide(signalled, .signalNeed(signal)) }
    }

    @Test("L9: the resident applies without an applicantRef; an application is filed once")
    func selfApplication() throws {
        let events = try world.decide([], submit(world.submission()), as: .intakeClerk, on: "2025-03-05")
        #expect(ApplicationDecider.fold(events).submission?.filedAt == day("2025-03-05"))
        #expect(throws: ApplicationRejection.alreadySubmitted) {
            try world.decide(events, submit(world.submission()), on: "2025-03-05")
        }
    }

    @Test("L9: a legal representative recorded on the resident's stream may apply")
    func representativeApplies() {
        #expect(throws: Never.self) {
            try world.decide(
                [], submit(world.submission(role: .legalRepresentative, applicantRef: world.representative)),
                on: "2025-03-05")
        }
    }

    @Test("L9: anyone else needs an active representative of that kind")
    func unrecordedRepresentativeIsRefused() {
        let refused = ApplicationRejection.representativeNotActive(role: .deFactoGuardian, on: day("2025-03-05"))
        #expect(throws: refused) {
            try world.decide(
                [], submit(world.submission(role: .deFactoGuardian, applicantRef: world.representative)),
                on: "2025-03-05")
        }
        #expect(refused.rule == "L9")
        #expect(throws: ApplicationRejection.representativeNotActive(role: .legalRepresentative, on: day("2025-03-05")))
        {
            try world.decide([], submit(world.submission(role: .legalRepresentative)), on: "2025-03-05")
        }
    }

    @Test("L9: an applicant role the rule set does not list is refused")
    func applicantRoleFromRuleSet() {
        let selfOnly = IntakeFixture.ruleSet { $0.parameters.applicantRoles = ["self"] }
        #expect(throws: ApplicationRejection.applicantRoleNotAllowed(.legalRepresentative)) {
            try world.decide(
                [], submit(world.submission(role: .legalRepresentative, applicantRef: world.representative)),
                on: "2025-03-05", ruleSet: selfOnly)
        }
    }

    @Test("An unregistered or erased resident cannot apply")
    func personMustBeRegistered() {
        #expect(throws: ApplicationRejection.personNotRegistered) {
            try world.decide([], submit(world.submission(), person: PersonState()), on: "2025-03-05")
        }
        var erased = world.personFacts
        erased.erased = true
        #expect(throws: ApplicationRejection.personNotRegistered) {
            try world.decide([], submit(world.submission(), person: erased), on: "2025-03-05")
        }
    }

    @Test("Programmes must be in force on filedAt: from the first day, not the day before, nor after they ended")
    func programmeActiveOnFiledAt() {
        let fromMarch5 = ProgrammeFacts.fold(world.programmeEvents(from: "2025-03-05"))
        #expect(throws: Never.self) {
            try world.decide([], submit(world.submission(), programmes: [fromMarch5]), on: "2025-03-05")
        }
        let fromMarch6 = ProgrammeFacts.fold(world.programmeEvents(from: "2025-03-06"))
        #expect(throws: ApplicationRejection.programmeNotActive(world.programmeID, on: day("2025-03-05"))) {
            try world.decide([], submit(world.submission(), programmes: [fromMarch6]), on: "2025-03-05")
        }
        let ended = ProgrammeFacts.fold(
            world.programmeEvents() + [
                .programmeEnded(
                    ProgrammeEnded(programmeId: world.programmeID, endDate: day("2025-03-04"), reason: "Replaced"))
            ])
        #expect(ended.ended)
        #expect(throws: ApplicationRejection.programmeNotActive(world.programmeID, on: day("2025-03-05"))) {
            try world.decide([], submit(world.submission(), programmes: [ended]), on: "2025-03-05")
        }
    }

    @Test("Requested services must be defined in the named programmes, and something must be requested")
    func servicesMustBeOffered() {
        #expect(throws: ApplicationRejection.serviceNotOffered(serviceId: "transport")) {
            try world.decide([], submit(world.submission(services: ["care", "transport"])), on: "2025-03-05")
        }
        #expect(throws: ApplicationRejection.nothingRequested) {
            try world.decide([], submit(world.submission(services: [])), on: "2025-03-05")
        }
    }

    @Test("filedAt may be today but not after the recording day")
    func filedAtNotInFuture() {
        #expect(throws: Never.self) {
            try world.decide([], submit(world.submission(filedAt: "2025-03-05")), on: "2025-03-05")
        }
        #expect(throws: ApplicationRejection.filedInFuture(filedAt: day("2025-03-06"), recordedOn: day("2025-03-05"))) {
            try world.decide([], submit(world.submission(filedAt: "2025-03-06")), on: "2025-03-05")
        }
    }

    @Test("L15 backdating: up to alertDays needs no reason and raises no alert")
    func backdatingWithinThreshold() throws {
        let rules = IntakeFixture.context(.intakeClerk, on: "2025-03-19")
        let events = try world.decide([], submit(world.submission(filedAt: "2025-03-05")), on: "2025-03-19")
        #expect(ComplianceAlert.raised(by: events, rules: rules).isEmpty)
    }

    @Test("L15 backdating: beyond alertDays a reason is required (Hard)")
    func backdatingWithoutReason() {
        let refused = ApplicationRejection.backdatingReasonRequired(daysBackdated: 15, alertDays: 14)
        #expect(throws: refused) {
            try world.decide([], submit(world.submission(filedAt: "2025-03-05")), on: "2025-03-20")
        }
        #expect(throws: refused) {
            try world.decide([], submit(world.submission(filedAt: "2025-03-05", reason: "  ")), on: "2025-03-20")
        }
        #expect(refused.rule == "L15")
    }

    @Test("L15 backdating: with a reason it is accepted and raises an alert naming only the application")
    func backdatingWithReasonRaisesAlert() throws {
        let rules = IntakeFixture.context(.intakeClerk, on: "2025-03-20")
        let events = try world.decide(
            [], submit(world.submission(filedAt: "2025-03-05", reason: "Posted form found late")), on: "2025-03-20")
        let alerts = ComplianceAlert.raised(by: events, rules: rules)
        #expect(
            alerts == [
                ComplianceAlert(
                    kind: "backdatedApplication", rule: "L15", subject: "application-\(world.application)",
                    parameters: [
                        "filedAt": "2025-03-05", "recordedOn": "2025-03-20", "daysBackdated": "15", "alertDays": "14",
                    ])
            ])
    }

    @Test("The statutory set's backdatingAlertDays of 0 flags even one day")
    func statutoryBackdatingThreshold() {
        #expect(throws: ApplicationRejection.backdatingReasonRequired(daysBackdated: 1, alertDays: 0)) {
            try world.decide(
                [], submit(world.submission(filedAt: "2025-03-04")), on: "2025-03-05", ruleSet: IntakeFixture.statutory)
        }
    }

    // MARK: L13

    func forward(on date: String, person: PersonState? = nil) -> ApplicationCommand {
        .forward(
            ForwardApplication(
                forwarded: ApplicationForwarded(
                    applicationId: world.application, personRef: world.person, targetUnit: "OPS Team 2",
                    scope: "whole", consentId: world.consent, forwardedOn: day(date)),
                person: person ?? world.personFacts))
    }

    @Test("L13: forwarding with an active forwardApplication consent is accepted, up to its last day")
    func forwardWithConsent() {
        let given: [DomainEvent] = [.applicationSubmitted(world.submission())]
        #expect(throws: Never.self) { try world.decide(given, forward(on: "2025-03-31"), on: "2025-03-31") }
        #expect(
            throws: ApplicationRejection.forwardedInFuture(
                forwardedOn: day("2025-03-31"), recordedOn: day("2025-03-12"))
        ) {
            try world.decide(given, forward(on: "2025-03-31"))
        }
    }

    @Test("L13: forwarding without an active consent is refused")
    func forwardWithoutConsent() throws {
        let given: [DomainEvent] = [.applicationSubmitted(world.submission())]
        let refused = ApplicationRejection.forwardingConsentMissing(world.consent, on: day("2025-04-01"))
        #expect(throws: refused) { try world.decide(given, forward(on: "2025-04-01"), on: "2025-04-01") }
        #expect(refused.rule == "L13")
        var withdrawn = world.personFacts
        withdrawn.consents[world.consent]?.withdrawnFrom = day("2025-03-10")
        #expect(throws: ApplicationRejection.forwardingConsentMissing(world.consent, on: day("2025-03-12"))) {
            try world.decide(given, forward(on: "2025-03-12", person: withdrawn))
        }
        // Dated back to before the withdrawal, and recorded after it: the consent no longer holds.
        #expect(throws: ApplicationRejection.forwardingConsentMissing(world.consent, on: day("2025-03-15"))) {
            try world.decide(given, forward(on: "2025-03-09", person: withdrawn), on: "2025-03-15")
        }
    }

    // MARK: L12

    func schedule(place: AssessmentPlace, on date: String, assessor: StaffState) -> ApplicationCommand {
        .scheduleAssessment(
            ScheduleAssessment(
                scheduled: NeedsAssessmentScheduled(
                    applicationId: world.application, personRef: world.person, assessmentId: world.assessment,
                    scheduledOn: day(date), place: place, assessorId: IntakeFixture.coordinatorID),
                assessor: assessor))
    }

    func conduct(place: AssessmentPlace, on date: String, assessor: StaffState) -> ApplicationCommand {
        .conductAssessment(
            ConductAssessment(
                conducted: NeedsAssessmentConducted(
                    applicationId: world.application, personRef: world.person, assessmentId: world.assessment,
                    conductedOn: day(date), place: place, assessorId: IntakeFixture.coordinatorID,
                    personal: .init(needs: [NeedInDomain(domain: "care", description: "Daily help")], summary: "Care")),
                assessor: assessor))
    }

    @Test("L12: an assessment at a listed place by a coordinator (from that very day) is accepted")
    func assessmentAccepted() throws {
        let given: [DomainEvent] = [.applicationSubmitted(world.submission())]
        let coordinator = world.coordinatorFacts(from: "2025-03-11")
        #expect(throws: Never.self) {
            try world.decide(given, schedule(place: .centre, on: "2025-03-11", assessor: coordinator))
        }
        let events = try world.decide(given, conduct(place: .placeOfStay, on: "2025-03-11", assessor: coordinator))
        #expect(ApplicationDecider.fold(given + events).lastAssessedOn == day("2025-03-11"))
    }

    @Test("L12: a place the rule set does not list is refused")
    func assessmentPlaceRefused() {
        let given: [DomainEvent] = [.applicationSubmitted(world.submission())]
        let centreOnly = IntakeFixture.ruleSet { $0.parameters.assessment.places = ["centre"] }
        let refused = ApplicationRejection.assessmentPlaceNotAllowed(.placeOfStay, allowed: [.centre])
        #expect(throws: refused) {
            try world.decide(
                given, schedule(place: .placeOfStay, on: "2025-03-11", assessor: world.coordinatorFacts()),
                ruleSet: centreOnly)
        }
        #expect(refused.rule == "L12")
    }

    @Test("L12: the assessor must be a coordinator on the assessment date")
    func assessorMustBeCoordinator() {
        let given: [DomainEvent] = [.applicationSubmitted(world.submission())]
        #expect(throws: ApplicationRejection.assessorNotCoordinator(IntakeFixture.coordinatorID, on: day("2025-03-11")))
        {
            try world.decide(
                given, conduct(place: .centre, on: "2025-03-11", assessor: world.coordinatorFacts(from: "2025-03-12")))
        }
        #expect(throws: ApplicationRejection.factsMismatch("staff member")) {
            try world.decide(given, conduct(place: .centre, on: "2025-03-11", assessor: StaffState()))
        }
    }

    @Test("Nothing but a signal or a filing happens before the application is submitted")
    func notSubmitted() {
        #expect(throws: ApplicationRejection.notSubmitted) {
            try world.decide([], schedule(place: .centre, on: "2025-03-11", assessor: world.coordinatorFacts()))
        }
    }

    @Test("Rejection messages carry ids and dates only")
    func rejectionTexts() {
        let rejection = ApplicationRejection.earlierApplicationWaiting(
            serviceId: "care", earlierApplicationId: world.application, filedAt: day("2025-03-01"))
        #expect(rejection.code == "earlier-application-waiting")
        #expect(rejection.rule == "L10")
        #expect(rejection.description.contains("care"))
    }
}
