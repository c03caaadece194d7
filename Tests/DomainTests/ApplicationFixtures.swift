import Domain
import Foundation

/// The world the application tests run in: one programme (care limited to 2 persons, psych unlimited) in force
/// for 2025, a registered resident with a legal representative and a forwarding consent, and a coordinator.
struct ApplicationWorld {
    let programmeID = ProgrammeID(uuid: IntakeFixture.uuid(30))
    let application = ApplicationID(uuid: IntakeFixture.uuid(31))
    let person = PersonRef(uuid: IntakeFixture.uuid(32))
    let representative = PersonRef(uuid: IntakeFixture.uuid(33))
    let consent = ConsentID(uuid: IntakeFixture.uuid(34))
    let assessment = AssessmentID(uuid: IntakeFixture.uuid(35))
    let qualification = QualificationID(uuid: IntakeFixture.uuid(36))
    let delegation = DelegationID(uuid: IntakeFixture.uuid(37))

    func day(_ text: String) -> LocalDate { IntakeFixture.day(text) }

    func programmeEvents(from: String = "2025-01-01", to: String = "2025-12-31") -> [DomainEvent] {
        [
            .programmeAdopted(
                ProgrammeAdopted(
                    programmeId: programmeID, programmeVersion: 1, title: "PUS-2025", resolutionRef: "XII/100/2024",
                    resolutionDate: day("2024-12-15"), journalRef: "Dz.Urz.2024.999", effectiveFrom: day(from),
                    effectiveTo: day(to), feeRegime: .charged, targetGroups: ["seniors"])),
            service("care", maxPersons: 2), service("psych", maxPersons: nil),
        ]
    }

    func service(_ id: String, maxPersons: UInt64?) -> DomainEvent {
        .programmeServiceDefined(
            ProgrammeServiceDefined(
                programmeId: programmeID, serviceId: id, name: id, area: .socialAssistance, statutoryBasis: "u.p.s.",
                taskOwner: .gmina, unit: .hour, addresseeType: .person, material: false, requiresPlan: id == "care",
                targetGroups: ["seniors"], limits: ServiceLimits(maxPersons: maxPersons)))
    }

    var programme: ProgrammeFacts { ProgrammeFacts.fold(programmeEvents()) }

    var personFacts: PersonState {
        PersonDecider.fold([
            .personRegistered(PersonRegistered(personRef: person, purposeTags: ["intake"])),
            .representativeRecorded(
                RepresentativeRecorded(
                    personRef: person, representativeRef: representative, kind: .legalRepresentative,
                    validFrom: day("2025-01-01"))),
            .consentGranted(
                ConsentGranted(
                    personRef: person, consentId: consent, purpose: .forwardApplication, scope: "whole",
                    medium: .written, validFrom: day("2025-01-01"), validTo: day("2025-03-31"))),
        ])
    }

    func coordinatorFacts(from date: String = "2024-01-01") -> StaffState {
        StaffDecider.fold([
            .staffQualified(
                StaffQualified(
                    staffId: IntakeFixture.coordinatorID, role: .coordinator,
                    evidencedRequirements: CoordinatorRequirement.allCases, validFrom: day(date)))
        ])
    }

    func submission(
        _ id: ApplicationID? = nil, person ref: PersonRef? = nil, role: ApplicantRole = .self,
        applicantRef: PersonRef? = nil, filedAt: String = "2025-03-05", services: [String] = ["care", "psych"],
        reason: String? = nil
    ) -> ApplicationSubmitted {
        ApplicationSubmitted(
            applicationId: id ?? application, personRef: ref ?? person, applicantRole: role,
            applicantRef: applicantRef, channel: .inPerson, programmeIds: [programmeID], requestedServiceIds: services,
            filedAt: day(filedAt), backdatingReason: reason)
    }

    var conducted: DomainEvent {
        .needsAssessmentConducted(
            NeedsAssessmentConducted(
                applicationId: application, personRef: person, assessmentId: assessment,
                conductedOn: day("2025-03-11"), place: .placeOfStay, assessorId: IntakeFixture.coordinatorID))
    }

    /// Submitted and assessed: ready for a qualification outcome.
    var assessed: [DomainEvent] { [.applicationSubmitted(submission()), conducted] }

    func granted(_ id: ApplicationID, _ ref: PersonRef, _ services: [String] = ["care"]) -> DomainEvent {
        .qualificationGranted(
            QualificationGranted(
                applicationId: id, personRef: ref, qualificationId: QualificationID(uuid: id.uuid),
                programmeId: programmeID, programmeVersion: 1, serviceIds: services, queuePosition: 1,
                validFrom: day("2025-03-12"), promotedFromWaitlist: false))
    }

    func waitlisted(_ id: ApplicationID, _ ref: PersonRef, _ services: [String] = ["care"], position: UInt64 = 1)
        -> DomainEvent
    {
        .applicantWaitlisted(
            ApplicantWaitlisted(
                applicationId: id, personRef: ref, programmeId: programmeID, serviceIds: services, position: position,
                reason: .limitReached))
    }

    /// Another applicant `n` filed on `filedAt`.
    func other(_ number: UInt8) -> (ApplicationID, PersonRef) {
        (ApplicationID(uuid: IntakeFixture.uuid(number, 1)), PersonRef(uuid: IntakeFixture.uuid(number, 2)))
    }

    func otherSubmitted(_ number: UInt8, filedAt: String) -> DomainEvent {
        let (id, ref) = other(number)
        return .applicationSubmitted(submission(id, person: ref, filedAt: filedAt))
    }

    /// Another applicant `n` refused by this programme.
    func refusedElsewhere(_ number: UInt8) -> DomainEvent {
        let (id, ref) = other(number)
        return .qualificationRefused(
            QualificationRefused(
                applicationId: id, personRef: ref, programmeId: programmeID, decisionRef: "CUS.4011.\(number).2025",
                decisionDate: day("2025-03-04"), legalBasis: "art. 104 k.p.a.", appealInstruction: "SKO, 14 days",
                signedBy: IntakeFixture.coordinatorID))
    }

    /// The filing order with this application at ledger position 10, plus `others` at their positions.
    func queue(_ others: [(UInt64, DomainEvent)] = []) -> QualificationQueue {
        let own: [(UInt64, DomainEvent)] = [(10, .applicationSubmitted(submission()))]
        return QualificationQueue.fold(
            programmeId: programmeID, (own + others).sorted { $0.0 < $1.0 }.map { (position: $0.0, event: $0.1) })
    }

    func grant(services: [String] = ["care"], queue: QualificationQueue, validFrom: String = "2025-03-12")
        -> ApplicationCommand
    {
        .grantQualification(
            GrantQualification(
                qualificationId: qualification, programmeId: programmeID, serviceIds: services,
                validFrom: day(validFrom), validTo: nil, groupMatched: [.senior75plus], programme: programme,
                queue: queue))
    }

    func refuse(
        legalBasis: String = "art. 104 k.p.a.", reasons: String = "Outside the target groups",
        date: String = "2025-03-12", signer: StaffState = StaffState()
    ) -> ApplicationCommand {
        .refuseQualification(
            RefuseQualification(
                programmeId: programmeID, decisionRef: "CUS.4011.7.2025", decisionDate: day(date),
                legalBasis: legalBasis, appealInstruction: "Appeal to SKO within 14 days", reasons: reasons,
                signer: signer))
    }

    func decide(
        _ given: [DomainEvent], _ command: ApplicationCommand, as role: ActorRole = .coordinator,
        on date: String = "2025-03-12", staff: StaffID? = nil, ruleSet: RuleSet = IntakeFixture.ruleSet()
    ) throws(ApplicationRejection) -> [DomainEvent] {
        try ApplicationDecider.decide(
            command, state: ApplicationDecider.fold(given),
            rules: IntakeFixture.context(role, on: date, staff: staff, ruleSet: ruleSet))
    }
}
