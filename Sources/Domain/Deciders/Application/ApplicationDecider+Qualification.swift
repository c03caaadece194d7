/// Qualification (kwalifikowanie) in filing order within the programme's limits (L10), the waiting list (lista
/// oczekujących), and the refusal as an administrative decision with its appeal (L11).
extension ApplicationDecider {
    static func decideGrant(
        _ grant: GrantQualification, state: ApplicationState
    ) throws(ApplicationRejection) -> DomainEvent {
        let (applicationId, personRef) = try checkDecidable(
            state, programmeId: grant.programmeId, programme: grant.programme, queue: grant.queue)
        guard state.outcomes[grant.programmeId] == nil else { throw .alreadyDecided(grant.programmeId) }
        guard grant.programme.isActive(on: grant.validFrom) else {
            throw .programmeNotActive(grant.programmeId, on: grant.validFrom)
        }
        try checkServices(grant.serviceIds, state: state, programme: grant.programme)
        let rank = try queueRank(applicationId, in: grant.queue)
        for serviceId in grant.serviceIds {
            try checkPlaceFree(serviceId, for: applicationId, programme: grant.programme, queue: grant.queue)
        }
        return .qualificationGranted(
            QualificationGranted(
                applicationId: applicationId, personRef: personRef, qualificationId: grant.qualificationId,
                programmeId: grant.programmeId,
                programmeVersion: grant.programme.programmeVersion(inForceOn: grant.validFrom),
                serviceIds: grant.serviceIds, queuePosition: rank, validFrom: grant.validFrom, validTo: grant.validTo,
                promotedFromWaitlist: false, personal: .init(groupMatched: grant.groupMatched)))
    }

    /// Waitlisting is the other side of L10: allowed only where qualifying would be refused for every service
    /// named. The position counts the applications already waiting for those services that were filed earlier.
    static func decideWaitlist(
        _ waitlist: WaitlistApplicant, state: ApplicationState, rules: RuleContext
    ) throws(ApplicationRejection) -> DomainEvent {
        let (applicationId, personRef) = try checkDecidable(
            state, programmeId: waitlist.programmeId, programme: waitlist.programme, queue: waitlist.queue)
        guard state.outcomes[waitlist.programmeId] == nil else { throw .alreadyDecided(waitlist.programmeId) }
        guard waitlist.programme.isActive(on: rules.today) else {
            throw .programmeNotActive(waitlist.programmeId, on: rules.today)
        }
        try checkServices(waitlist.serviceIds, state: state, programme: waitlist.programme)
        guard let entry = waitlist.queue.applications[applicationId] else { throw .notInQueue }
        for serviceId in waitlist.serviceIds {
            do {
                try checkPlaceFree(serviceId, for: applicationId, programme: waitlist.programme, queue: waitlist.queue)
            } catch {
                continue
            }
            throw .placeAvailable(serviceId: serviceId)
        }
        let earlier = Set(
            waitlist.serviceIds.flatMap { waitlist.queue.waitlist(for: $0) }.filter { $0.isFiled(before: entry) }
                .map(\.applicationId))
        return .applicantWaitlisted(
            ApplicantWaitlisted(
                applicationId: applicationId, personRef: personRef, programmeId: waitlist.programmeId,
                serviceIds: waitlist.serviceIds, position: UInt64(earlier.count + 1), reason: .limitReached))
    }

    /// Promotion in filing order: a place is free in every waitlisted service and nobody filed earlier waits.
    static func decidePromotion(
        _ promote: PromoteFromWaitlist, state: ApplicationState
    ) throws(ApplicationRejection) -> [DomainEvent] {
        let (applicationId, personRef) = try checkDecidable(
            state, programmeId: promote.programmeId, programme: promote.programme, queue: promote.queue)
        guard case .waitlisted(let serviceIds, let position) = state.outcomes[promote.programmeId] else {
            throw .notWaitlisted(promote.programmeId)
        }
        guard promote.programme.isActive(on: promote.validFrom) else {
            throw .programmeNotActive(promote.programmeId, on: promote.validFrom)
        }
        let rank = try queueRank(applicationId, in: promote.queue)
        for serviceId in serviceIds {
            try checkPlaceFree(serviceId, for: applicationId, programme: promote.programme, queue: promote.queue)
        }
        return [
            .waitlistPromoted(
                WaitlistPromoted(
                    applicationId: applicationId, personRef: personRef, programmeId: promote.programmeId,
                    serviceIds: serviceIds, fromPosition: position)),
            .qualificationGranted(
                QualificationGranted(
                    applicationId: applicationId, personRef: personRef, qualificationId: promote.qualificationId,
                    programmeId: promote.programmeId,
                    programmeVersion: promote.programme.programmeVersion(inForceOn: promote.validFrom),
                    serviceIds: serviceIds, queuePosition: rank, validFrom: promote.validFrom,
                    validTo: promote.validTo, promotedFromWaitlist: true,
                    personal: .init(groupMatched: promote.groupMatched))),
        ]
    }

    /// L11: the refusal is an administrative decision, so it carries its number, legal basis, reasons and appeal
    /// instruction, and is signed by the director or a staff member holding `signRefusals` on the decision date.
    static func decideRefusal(
        _ refuse: RefuseQualification, state: ApplicationState, rules: RuleContext
    ) throws(ApplicationRejection) -> DomainEvent {
        guard let submission = state.submission, let applicationId = state.applicationId,
            let personRef = state.personRef
        else { throw .notSubmitted }
        guard submission.programmeIds.contains(refuse.programmeId) else {
            throw .programmeNotRequested(refuse.programmeId)
        }
        switch state.outcomes[refuse.programmeId] {
        case .none, .waitlisted: break
        case .qualified, .refused: throw .alreadyDecided(refuse.programmeId)
        }
        let parts = [
            ("decisionRef", refuse.decisionRef), ("legalBasis", refuse.legalBasis), ("reasons", refuse.reasons),
            ("appealInstruction", refuse.appealInstruction),
        ]
        let missing = parts.filter { !$0.1.hasContent }.map(\.0)
        guard missing.isEmpty else { throw .refusalIncomplete(missing: missing) }
        guard let signerId = rules.actor.staffID else { throw .notPermitted(role: rules.actor.role) }
        guard submission.filedAt <= refuse.decisionDate, refuse.decisionDate <= rules.today else {
            throw .decisionDateOutOfRange(
                decisionDate: refuse.decisionDate, filedAt: submission.filedAt, recordedOn: rules.today)
        }
        var delegationId: DelegationID?
        if rules.actor.role != .director {
            guard refuse.signer.staffId == signerId else { throw .factsMismatch("staff member") }
            // L11: the delegate signs, and records, while the delegation holds: dating a refusal back into it after
            // it ended is not signing under it.
            for day in [refuse.decisionDate, rules.today] {
                guard refuse.signer.activeDelegation(.signRefusals, on: day) != nil else {
                    throw .signerNotAuthorised(on: day)
                }
            }
            delegationId = refuse.signer.activeDelegation(.signRefusals, on: refuse.decisionDate)?.delegationId
        }
        return .qualificationRefused(
            QualificationRefused(
                applicationId: applicationId, personRef: personRef, programmeId: refuse.programmeId,
                decisionRef: refuse.decisionRef, decisionDate: refuse.decisionDate, legalBasis: refuse.legalBasis,
                appealInstruction: refuse.appealInstruction, signedBy: signerId, delegationId: delegationId,
                personal: .init(reasons: refuse.reasons)))
    }

    /// `AppealResolved` names no refusal, so appeals are resolved oldest first and the command says which refusal
    /// it means, to catch a mix-up.
    static func decideAppealResolution(
        _ resolve: ResolveAppeal, state: ApplicationState
    ) throws(ApplicationRejection) -> DomainEvent {
        guard let applicationId = state.applicationId, let personRef = state.personRef else { throw .notSubmitted }
        guard state.earliestPendingAppeal?.decisionRef == resolve.decisionRef else {
            throw .noPendingAppeal(decisionRef: resolve.decisionRef)
        }
        return .appealResolved(
            AppealResolved(
                applicationId: applicationId, personRef: personRef, appealBody: resolve.appealBody,
                outcome: resolve.outcome, appealDecisionRef: resolve.appealDecisionRef, resolvedOn: resolve.resolvedOn))
    }

    /// L10 for one service: under `maxPersons` once every earlier-filed application still awaiting its outcome
    /// keeps its claim on a place, and no application filed earlier waits for it.
    static func checkPlaceFree(
        _ serviceId: String, for applicationId: ApplicationID, programme: ProgrammeFacts, queue: QualificationQueue
    ) throws(ApplicationRejection) {
        let qualified = queue.qualifiedPersons(serviceId)
        if let maxPersons = programme.services[serviceId]?.limits.maxPersons {
            if qualified >= Int(maxPersons) {
                throw .limitReached(serviceId: serviceId, maxPersons: maxPersons, qualified: qualified)
            }
            let claims = queue.earlierUndecided(for: serviceId, than: applicationId)
            if qualified + claims.count >= Int(maxPersons), let earliest = claims.first {
                throw .earlierApplicationWaiting(
                    serviceId: serviceId, earlierApplicationId: earliest.applicationId, filedAt: earliest.filedAt)
            }
        }
        if let earlier = queue.earlierWaiting(for: serviceId, than: applicationId) {
            throw .earlierApplicationWaiting(
                serviceId: serviceId, earlierApplicationId: earlier.applicationId, filedAt: earlier.filedAt)
        }
    }

    /// The preconditions every qualification outcome shares: filed, assessed, and facts of the right programme.
    private static func checkDecidable(
        _ state: ApplicationState, programmeId: ProgrammeID, programme: ProgrammeFacts, queue: QualificationQueue
    ) throws(ApplicationRejection) -> (ApplicationID, PersonRef) {
        guard let submission = state.submission, let applicationId = state.applicationId,
            let personRef = state.personRef
        else { throw .notSubmitted }
        guard state.lastAssessedOn != nil else { throw .notAssessed }
        guard programme.programmeId == programmeId else { throw .factsMismatch("programme") }
        guard queue.programmeId == programmeId else { throw .factsMismatch("queue") }
        guard submission.programmeIds.contains(programmeId) else { throw .programmeNotRequested(programmeId) }
        return (applicationId, personRef)
    }

    private static func checkServices(
        _ serviceIds: [String], state: ApplicationState, programme: ProgrammeFacts
    ) throws(ApplicationRejection) {
        guard !serviceIds.isEmpty else { throw .nothingRequested }
        let requested = state.submission?.requestedServiceIds ?? []
        for serviceId in serviceIds where !requested.contains(serviceId) || programme.services[serviceId] == nil {
            throw .serviceNotRequested(serviceId: serviceId)
        }
    }

    private static func queueRank(
        _ applicationId: ApplicationID, in queue: QualificationQueue
    ) throws(ApplicationRejection) -> UInt64 {
        guard let rank = queue.rank(of: applicationId) else { throw .notInQueue }
        return rank
    }
}
