import Domain
import Foundation
import Testing

@Suite("ApplicationDecider: filing order (L10), refusal and appeal (L11), withdrawal")
struct ApplicationQualificationTests {
    let world = ApplicationWorld()

    func day(_ text: String) -> LocalDate { IntakeFixture.day(text) }

    func waitlist(_ queue: QualificationQueue, services: [String] = ["care"]) -> ApplicationCommand {
        .waitlist(
            WaitlistApplicant(
                programmeId: world.programmeID, serviceIds: services, programme: world.programme, queue: queue))
    }

    func promote(_ queue: QualificationQueue) -> ApplicationCommand {
        .promoteFromWaitlist(
            PromoteFromWaitlist(
                qualificationId: world.qualification, programmeId: world.programmeID, validFrom: day("2025-04-01"),
                validTo: nil, groupMatched: [], programme: world.programme, queue: queue))
    }

    /// Two other persons already hold the two care places.
    var careFull: [(UInt64, DomainEvent)] {
        let (a, pa) = world.other(1)
        let (b, pb) = world.other(2)
        return [
            (1, world.otherSubmitted(1, filedAt: "2025-02-01")), (2, world.otherSubmitted(2, filedAt: "2025-02-02")),
            (3, world.granted(a, pa)), (4, world.granted(b, pb)),
        ]
    }

    // MARK: Grant

    @Test("L10: under the limit with nobody waiting, qualification is granted with the filing rank")
    func grantUnderLimit() throws {
        let (a, pa) = world.other(1)
        let queue = world.queue([(1, world.otherSubmitted(1, filedAt: "2025-02-01")), (2, world.granted(a, pa))])
        let events = try world.decide(world.assessed, world.grant(queue: queue))
        guard case .qualificationGranted(let event) = events.first else { Issue.record("no grant"); return }
        #expect(event.queuePosition == 2)
        #expect(event.programmeVersion == 1)
        #expect(!event.promotedFromWaitlist)
        #expect(queue.qualifiedPersons("care") == 1)
    }

    @Test("L10: at maxPersons qualification is refused with the limit and the count")
    func grantAtLimit() {
        let refused = ApplicationRejection.limitReached(serviceId: "care", maxPersons: 2, qualified: 2)
        #expect(throws: refused) { try world.decide(world.assessed, world.grant(queue: world.queue(careFull))) }
        #expect(refused.rule == "L10")
        #expect(throws: Never.self) {
            try world.decide(world.assessed, world.grant(services: ["psych"], queue: world.queue(careFull)))
        }
    }

    @Test("L10: an earlier-filed waiting application goes first; a later-filed one does not block")
    func earlierWaitingGoesFirst() {
        let (early, pe) = world.other(5)
        let (late, pl) = world.other(6)
        let earlier = world.queue([
            (1, world.otherSubmitted(5, filedAt: "2025-03-01")), (2, world.waitlisted(early, pe)),
        ])
        #expect(
            throws: ApplicationRejection.earlierApplicationWaiting(
                serviceId: "care", earlierApplicationId: early, filedAt: day("2025-03-01"))
        ) { try world.decide(world.assessed, world.grant(queue: earlier)) }
        let later = world.queue([
            (11, world.otherSubmitted(6, filedAt: "2025-03-06")), (12, world.waitlisted(late, pl)),
        ])
        #expect(throws: Never.self) { try world.decide(world.assessed, world.grant(queue: later)) }
    }

    @Test("L10 ties: same filedAt is ordered by ledger position")
    func tiesByLedgerPosition() throws {
        let (before, pb) = world.other(7)
        let sameDayEarlier = world.queue([
            (8, world.otherSubmitted(7, filedAt: "2025-03-05")), (11, world.waitlisted(before, pb)),
        ])
        #expect(
            throws: ApplicationRejection.earlierApplicationWaiting(
                serviceId: "care", earlierApplicationId: before, filedAt: day("2025-03-05"))
        ) {
            try world.decide(world.assessed, world.grant(queue: sameDayEarlier))
        }
        let (after, pa) = world.other(8)
        let sameDayLater = world.queue([
            (12, world.otherSubmitted(8, filedAt: "2025-03-05")), (13, world.waitlisted(after, pa)),
        ])
        let events = try world.decide(world.assessed, world.grant(queue: sameDayLater))
        guard case .qualificationGranted(let event) = events.first else { Issue.record("no grant"); return }
        #expect(event.queuePosition == 1)
        #expect(sameDayEarlier.rank(of: world.application) == 2)
    }

    @Test("Qualification needs an assessment, a requested service, this application in the queue, and one outcome")
    func grantPreconditions() throws {
        #expect(throws: ApplicationRejection.notAssessed) {
            try world.decide([.applicationSubmitted(world.submission())], world.grant(queue: world.queue()))
        }
        let psychOnly: [DomainEvent] = [.applicationSubmitted(world.submission(services: ["psych"])), world.conducted]
        #expect(throws: ApplicationRejection.serviceNotRequested(serviceId: "care")) {
            try world.decide(psychOnly, world.grant(queue: world.queue()))
        }
        #expect(throws: ApplicationRejection.notInQueue) {
            try world.decide(world.assessed, world.grant(queue: QualificationQueue(programmeId: world.programmeID)))
        }
        let granted = try world.decide(world.assessed, world.grant(queue: world.queue()))
        #expect(throws: ApplicationRejection.alreadyDecided(world.programmeID)) {
            try world.decide(world.assessed + granted, world.grant(queue: world.queue()))
        }
        #expect(throws: ApplicationRejection.programmeNotActive(world.programmeID, on: day("2026-01-01"))) {
            try world.decide(world.assessed, world.grant(queue: world.queue(), validFrom: "2026-01-01"))
        }
    }

    // MARK: Waitlist and promotion

    @Test("L10: at the limit the applicant is waitlisted behind earlier waiting applicants, by system or coordinator")
    func waitlistAtLimit() throws {
        let (c, pc) = world.other(3)
        let queue = world.queue(
            careFull + [(5, world.otherSubmitted(3, filedAt: "2025-02-03")), (6, world.waitlisted(c, pc))])
        let events = try world.decide(world.assessed, waitlist(queue), as: .system)
        guard case .applicantWaitlisted(let event) = events.first else { Issue.record("no waitlist"); return }
        #expect(event.position == 2)
        #expect(event.reason == .limitReached)
        #expect(throws: ApplicationRejection.notPermitted(role: .intakeClerk)) {
            try world.decide(world.assessed, waitlist(queue), as: .intakeClerk)
        }
    }

    @Test("L10: an applicant with a free place and nobody earlier waiting is qualified, not waitlisted")
    func noWaitlistWithFreePlace() {
        #expect(throws: ApplicationRejection.placeAvailable(serviceId: "care")) {
            try world.decide(world.assessed, waitlist(world.queue()), as: .coordinator)
        }
    }

    @Test("L10: a freed place promotes the earliest waiting applicant: WaitlistPromoted then QualificationGranted")
    func promoteEarliest() throws {
        let (a, pa) = world.other(1)
        let freed =
            careFull + [
                (
                    20,
                    .applicationWithdrawn(
                        ApplicationWithdrawn(applicationId: a, personRef: pa, withdrawnOn: day("2025-03-20")))
                )
            ]
        let given = world.assessed + [world.waitlisted(world.application, world.person, position: 1)]
        let queue = world.queue(freed + [(15, world.waitlisted(world.application, world.person))])
        #expect(queue.qualifiedPersons("care") == 1)
        let events = try world.decide(given, promote(queue), as: .system)
        guard case .waitlistPromoted(let promoted) = events.first, case .qualificationGranted(let granted) = events.last
        else { Issue.record("wrong events"); return }
        #expect(promoted.fromPosition == 1)
        #expect(granted.promotedFromWaitlist)
        #expect(granted.serviceIds == ["care"])
        let after = queue.applying(events[0], at: 21).applying(events[1], at: 22)
        #expect(after.waitlist(for: "care").isEmpty)
        #expect(after.qualifiedPersons("care") == 2)
    }

    @Test("L10: no promotion while full, nor ahead of an earlier waiting applicant, nor for one not waitlisted")
    func promotionRefused() {
        let given = world.assessed + [world.waitlisted(world.application, world.person)]
        let full = world.queue(careFull + [(15, world.waitlisted(world.application, world.person))])
        #expect(throws: ApplicationRejection.limitReached(serviceId: "care", maxPersons: 2, qualified: 2)) {
            try world.decide(given, promote(full), as: .system)
        }
        let (early, pe) = world.other(5)
        let behind = world.queue([
            (1, world.otherSubmitted(5, filedAt: "2025-03-01")), (2, world.waitlisted(early, pe)),
            (15, world.waitlisted(world.application, world.person)),
        ])
        #expect(
            throws: ApplicationRejection.earlierApplicationWaiting(
                serviceId: "care", earlierApplicationId: early, filedAt: day("2025-03-01"))
        ) { try world.decide(given, promote(behind), as: .system) }
        #expect(throws: ApplicationRejection.notWaitlisted(world.programmeID)) {
            try world.decide(world.assessed, promote(world.queue()), as: .system)
        }
    }

    // MARK: L11

    func signerWithDelegation(to: String) -> StaffState {
        StaffDecider.fold([
            .staffQualified(
                StaffQualified(
                    staffId: IntakeFixture.coordinatorID, role: .coordinator, evidencedRequirements: [],
                    validFrom: day("2024-01-01"))),
            .authorityDelegated(
                AuthorityDelegated(
                    staffId: IntakeFixture.coordinatorID, delegationId: world.delegation, scope: .signRefusals,
                    delegatedBy: IntakeFixture.directorID, validFrom: day("2025-01-01"), validTo: day(to))),
        ])
    }

    @Test("L11: the director signs a complete refusal")
    func directorRefuses() throws {
        let events = try world.decide(world.assessed, world.refuse(), as: .director)
        guard case .qualificationRefused(let event) = events.first else { Issue.record("no refusal"); return }
        #expect(event.signedBy == IntakeFixture.directorID)
        #expect(event.delegationId == nil)
        #expect(event.personal?.reasons == "Outside the target groups")
    }

    @Test("L11: a refusal lacking legal basis or reasons is refused, naming what is missing")
    func incompleteRefusal() {
        let refused = ApplicationRejection.refusalIncomplete(missing: ["legalBasis", "reasons"])
        #expect(throws: refused) {
            try world.decide(world.assessed, world.refuse(legalBasis: " ", reasons: ""), as: .director)
        }
        #expect(refused.rule == "L11")
    }

    @Test("L11: a delegate signs with signRefusals valid on the decision date, through its last day")
    func delegateRefuses() throws {
        let signer = signerWithDelegation(to: "2025-03-12")
        let events = try world.decide(
            world.assessed, world.refuse(signer: signer), as: .coordinator, staff: IntakeFixture.coordinatorID)
        guard case .qualificationRefused(let event) = events.first else { Issue.record("no refusal"); return }
        #expect(event.delegationId == world.delegation)
        #expect(event.signedBy == IntakeFixture.coordinatorID)
    }

    @Test("L11: a coordinator without a delegation valid that day may not sign")
    func unauthorisedSigner() {
        #expect(throws: ApplicationRejection.signerNotAuthorised(on: day("2025-03-12"))) {
            try world.decide(
                world.assessed, world.refuse(signer: signerWithDelegation(to: "2025-03-11")), as: .coordinator,
                staff: IntakeFixture.coordinatorID)
        }
        #expect(throws: ApplicationRejection.notPermitted(role: .system)) {
            try world.decide(world.assessed, world.refuse(), as: .system)
        }
        // Dated back into a delegation that has ended since: not signed under it.
        #expect(throws: ApplicationRejection.signerNotAuthorised(on: day("2025-04-20"))) {
            try world.decide(
                world.assessed, world.refuse(date: "2025-03-11", signer: signerWithDelegation(to: "2025-03-11")),
                as: .coordinator, on: "2025-04-20", staff: IntakeFixture.coordinatorID)
        }
    }

    @Test("A refusal is decided between the filing day and the day it is recorded")
    func refusalDateBounds() {
        for date in ["2025-03-13", "2025-03-04"] {
            #expect(throws: ApplicationRejection.self) {
                try world.decide(world.assessed, world.refuse(date: date), as: .director)
            }
        }
        #expect(throws: Never.self) {
            try world.decide(world.assessed, world.refuse(date: "2025-03-12"), as: .director)
        }
    }

    func appeal(_ decisionRef: String = "CUS.4011.7.2025") -> ApplicationCommand {
        .appealRefusal(
            RefusalAppealed(
                applicationId: world.application, personRef: world.person, decisionRef: decisionRef, appealBody: "SKO",
                appealedOn: day("2025-03-20")))
    }

    func resolve(_ outcome: AppealOutcome, decisionRef: String = "CUS.4011.7.2025") -> ApplicationCommand {
        .resolveAppeal(
            ResolveAppeal(
                decisionRef: decisionRef, appealBody: "SKO", outcome: outcome, appealDecisionRef: "SKO.4011.1.2025",
                resolvedOn: day("2025-04-20")))
    }

    @Test("L11: an appeal lies only after a refusal, once; it is resolved only when pending")
    func appealAfterRefusal() throws {
        #expect(throws: ApplicationRejection.noRefusalToAppeal(decisionRef: "CUS.4011.7.2025")) {
            try world.decide(world.assessed, appeal())
        }
        let refused = try world.decide(world.assessed, world.refuse(), as: .director)
        #expect(throws: ApplicationRejection.noPendingAppeal(decisionRef: "CUS.4011.7.2025")) {
            try world.decide(world.assessed + refused, resolve(.upheld))
        }
        let appealed = try world.decide(world.assessed + refused, appeal())
        #expect(throws: ApplicationRejection.noRefusalToAppeal(decisionRef: "CUS.4011.7.2025")) {
            try world.decide(world.assessed + refused + appealed, appeal())
        }
        let resolved = try world.decide(world.assessed + refused + appealed, resolve(.upheld))
        #expect(
            ApplicationDecider.fold(world.assessed + refused + appealed + resolved).refusals.first?.resolution
                == .upheld)
    }

    @Test("A remitted refusal leaves the programme undecided, so it can be decided again")
    func remittedRefusalReopens() throws {
        let refused = try world.decide(world.assessed, world.refuse(), as: .director)
        let appealed = try world.decide(world.assessed + refused, appeal())
        let remitted = try world.decide(world.assessed + refused + appealed, resolve(.remitted))
        let history = world.assessed + refused + appealed + remitted
        #expect(ApplicationDecider.fold(history).outcomes[world.programmeID] == nil)
        #expect(throws: Never.self) { try world.decide(history, world.grant(queue: world.queue())) }
    }

    // MARK: Withdrawal

    @Test("After withdrawal every later command is refused")
    func withdrawalStopsEverything() throws {
        let withdrawal = ApplicationWithdrawn(
            applicationId: world.application, personRef: world.person, withdrawnOn: day("2025-03-12"))
        let events = try world.decide(world.assessed, .withdraw(withdrawal), as: .intakeClerk)
        #expect(throws: ApplicationRejection.withdrawn) {
            try world.decide(world.assessed + events, world.grant(queue: world.queue()))
        }
        #expect(throws: ApplicationRejection.withdrawn) {
            try world.decide(world.assessed + events, .withdraw(withdrawal))
        }
        #expect(throws: ApplicationRejection.notSubmitted) { try world.decide([], .withdraw(withdrawal)) }
    }

    // MARK: Facts

    @Test("ProgrammeFacts folds adoption, services, amendment and end")
    func programmeFactsFold() {
        let facts = ProgrammeFacts.fold(
            world.programmeEvents() + [
                .programmeAmended(
                    ProgrammeAmended(
                        programmeId: world.programmeID, programmeVersion: 2, resolutionRef: "XV/1/2025",
                        resolutionDate: day("2025-05-01"), journalRef: "J", effectiveFrom: day("2025-06-01"),
                        effectiveTo: day("2026-06-30"), changes: "Longer", reason: "Demand")),
                .programmeEnded(
                    ProgrammeEnded(programmeId: world.programmeID, endDate: day("2026-03-31"), reason: "R")),
            ])
        #expect(facts.programmeVersion == 2)
        // Decisions record the version in force on their date: the amendment governs from 06-01 only.
        #expect(facts.programmeVersion(inForceOn: day("2025-05-10")) == 1)
        #expect(facts.programmeVersion(inForceOn: day("2025-06-01")) == 2)
        #expect(facts.isActive(on: day("2025-01-01")))
        #expect(facts.isActive(on: day("2026-03-31")))
        #expect(!facts.isActive(on: day("2026-04-01")))
        #expect(facts.services["care"]?.limits.maxPersons == 2)
        #expect(facts.services["care"]?.requiresPlan == true)
    }

    @Test("The queue ignores other programmes and frees places on withdrawal")
    func queueFold() {
        let (a, pa) = world.other(1)
        var otherProgramme = world.submission(a, person: pa)
        otherProgramme.programmeIds = [ProgrammeID(uuid: IntakeFixture.uuid(99))]
        let queue = world.queue([(1, .applicationSubmitted(otherProgramme))])
        #expect(queue.applications[a] == nil)
        let full = world.queue(careFull)
        let freed = full.applying(
            .applicationWithdrawn(
                ApplicationWithdrawn(applicationId: a, personRef: pa, withdrawnOn: day("2025-03-20"))),
            at: 30)
        #expect(full.qualifiedPersons("care") == 2)
        #expect(freed.qualifiedPersons("care") == 1)
    }

    @Test("L10: an earlier-filed application awaiting its outcome keeps its claim on the last place")
    func earlierUndecidedApplicationsKeepTheirClaim() throws {
        let (firstID, _) = world.other(1)
        let oneEarlier = world.queue([(1, world.otherSubmitted(1, filedAt: "2025-03-01"))])
        // care holds 2 places: one earlier claim leaves one for this application.
        #expect(throws: Never.self) { try world.decide(world.assessed, world.grant(queue: oneEarlier)) }
        let twoEarlier = world.queue([
            (1, world.otherSubmitted(1, filedAt: "2025-03-01")), (2, world.otherSubmitted(2, filedAt: "2025-03-02")),
        ])
        #expect(
            throws: ApplicationRejection.earlierApplicationWaiting(
                serviceId: "care", earlierApplicationId: firstID, filedAt: world.day("2025-03-01"))
        ) { try world.decide(world.assessed, world.grant(queue: twoEarlier)) }
        // Once the earlier ones have their outcome (here: waitlisted elsewhere, then refused), the claim is gone.
        let decided = world.queue([
            (1, world.otherSubmitted(1, filedAt: "2025-03-01")), (2, world.otherSubmitted(2, filedAt: "2025-03-02")),
            (3, world.refusedElsewhere(1)), (4, world.refusedElsewhere(2)),
        ])
        #expect(throws: Never.self) { try world.decide(world.assessed, world.grant(queue: decided)) }
    }
}
