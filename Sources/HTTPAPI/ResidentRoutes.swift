import Commands
import Domain
import Hummingbird

/// `POST` routes of a resident's facts (domain.md §4.4), of an application after it is filed — forwarding,
/// assessment, qualification, waiting list, refusal and appeal, withdrawal (§4.5) — and of erasure (ledger.md
/// §4.3). Each works as `CommandRoutes.run` describes (Idempotency-Key, If-Match, `Appended`). Decisions on a
/// programme's queue name it (`queueOf`), so they run one at a time (L10).
struct ResidentRoutes {
    let server: APIServer

    var commands: CommandRoutes { CommandRoutes(server: server) }

    func register(on router: Routes) {
        registerPersons(on: router)
        registerApplications(on: router)
        registerQualification(on: router)
    }

    private func registerPersons(on router: Routes) {
        person(
            router, "/target-group-attributes",
            FieldsRequest<ResidentRequests.TargetGroupAttribute, TargetGroupAttributeRecorded.Personal>.self,
            "record-target-group-attribute"
        ) { body, id in .recordTargetGroupAttribute(body.clear.command(id, details: body.personal)) }
        person(
            router, "/household-memberships", EventCommandRequest<HouseholdMembershipRecorded>.self,
            "record-household-membership"
        ) { body, id in .recordHouseholdMembership(body.event(\.personRef, id)) }
        person(
            router, "/household-membership-ends", EventCommandRequest<HouseholdMembershipEnded>.self,
            "end-household-membership"
        ) { body, id in .endHouseholdMembership(body.event(\.personRef, id)) }
        person(router, "/representatives", EventCommandRequest<RepresentativeRecorded>.self, "record-representative") {
            body, id in .recordRepresentative(body.event(\.personRef, id))
        }
        person(router, "/consents", EventCommandRequest<ConsentGranted>.self, "grant-consent") { body, id in
            .grantConsent(body.event(\.personRef, id))
        }
        person(router, "/consent-withdrawals", EventCommandRequest<ConsentWithdrawn>.self, "withdraw-consent") {
            body, id in .withdrawConsent(body.event(\.personRef, id))
        }
        person(router, "/rectifications", EventCommandRequest<PersonDataRectified>.self, "rectify-data") { body, id in
            .rectifyData(body.event(\.personRef, id))
        }
        commands.post(
            router, "/v1/persons/:personRef/erasure", id: "personRef", PersonRef.self,
            ClearRequest<ResidentRequests.Erasure>.self, route: "erase-personal-data", group: .erasure
        ) { [intake = server.intake] body, person, envelope throws(CommandError) in
            try await intake.erase(
                person, reason: body.clear.reason, legalBasisRef: body.clear.legalBasisRef,
                requestID: body.clear.requestId, envelope: envelope)
        }
    }

    private func registerApplications(on router: Routes) {
        application(router, "/forwarding", EventCommandRequest<ApplicationForwarded>.self, "forward-application") {
            body, id, facts, _ throws(CommandError) in
            let forwarded = body.event(\.applicationId, id)
            return .forward(ForwardApplication(forwarded: forwarded, person: try facts.person(forwarded.personRef)))
        }
        application(
            router, "/assessment-appointments", EventCommandRequest<NeedsAssessmentScheduled>.self,
            "schedule-assessment"
        ) { body, id, facts, _ throws(CommandError) in
            let scheduled = body.event(\.applicationId, id)
            return .scheduleAssessment(
                ScheduleAssessment(scheduled: scheduled, assessor: try facts.staff(scheduled.assessorId)))
        }
        application(router, "/assessments", EventCommandRequest<NeedsAssessmentConducted>.self, "conduct-assessment") {
            body, id, facts, _ throws(CommandError) in
            let conducted = body.event(\.applicationId, id)
            return .conductAssessment(
                ConductAssessment(conducted: conducted, assessor: try facts.staff(conducted.assessorId)))
        }
        application(router, "/appeals", EventCommandRequest<RefusalAppealed>.self, "appeal-refusal") {
            body, id, _, _ in .appealRefusal(body.event(\.applicationId, id))
        }
        application(
            router, "/appeal-resolutions", ClearRequest<ResidentRequests.AppealResolution>.self, "resolve-appeal"
        ) { body, _, _, _ in .resolveAppeal(body.clear.command) }
        application(router, "/withdrawal", EventCommandRequest<ApplicationWithdrawn>.self, "withdraw-application") {
            body, id, _, _ in .withdraw(body.event(\.applicationId, id))
        }
    }

    private func registerQualification(on router: Routes) {
        application(
            router, "/qualifications", FieldsRequest<ResidentRequests.Grant, QualificationGranted.Personal>.self,
            "grant-qualification", queueOf: \.clear.programmeId
        ) { body, _, facts, _ throws(CommandError) in
            .grantQualification(try body.clear.command(groupMatched: body.personal.groupMatched, facts: facts))
        }
        application(
            router, "/waitlisting", ClearRequest<ResidentRequests.Waitlist>.self, "waitlist-applicant",
            queueOf: \.clear.programmeId
        ) { body, _, facts, _ throws(CommandError) in .waitlist(try body.clear.command(facts: facts)) }
        application(
            router, "/waitlist-promotions",
            FieldsRequest<ResidentRequests.Promotion, QualificationGranted.Personal>.self, "promote-from-waitlist",
            queueOf: \.clear.programmeId
        ) { body, _, facts, _ throws(CommandError) in
            .promoteFromWaitlist(try body.clear.command(groupMatched: body.personal.groupMatched, facts: facts))
        }
        application(
            router, "/refusals", FieldsRequest<ResidentRequests.Refusal, QualificationRefused.Personal>.self,
            "refuse-qualification"
        ) { body, _, facts, actor throws(CommandError) in
            let signer = try actor.staffID.map { id throws(CommandError) in try facts.staff(id) } ?? StaffState()
            return .refuseQualification(body.clear.command(reasons: body.personal.reasons, signer: signer))
        }
    }

    /// `POST /v1/persons/{personRef}<suffix>` (group `.intake`).
    private func person<Body: CommandRequest>(
        _ router: Routes, _ suffix: String, _ type: Body.Type, _ route: String,
        command: @Sendable @escaping (Body, PersonRef) -> PersonCommand
    ) {
        commands.post(
            router, "/v1/persons/:personRef" + suffix, id: "personRef", PersonRef.self, type, route: route,
            group: .intake
        ) { [intake = server.intake] body, id, envelope throws(CommandError) in
            try await intake.person(id, command(body, id), envelope: envelope)
        }
    }

    /// `POST /v1/applications/{applicationId}<suffix>`: `command` builds the application command from the body,
    /// the path's id, other streams' facts and the acting staff member (group `.qualification`).
    private func application<Body: CommandRequest>(
        _ router: Routes, _ suffix: String, _ type: Body.Type, _ route: String,
        queueOf: (@Sendable (Body) -> ProgrammeID)? = nil,
        command:
            @Sendable @escaping (Body, ApplicationID, DomainFacts, Actor) throws(CommandError)
            -> ApplicationCommand
    ) {
        commands.post(
            router, "/v1/applications/:applicationId" + suffix, id: "applicationId", ApplicationID.self, type,
            route: route, group: .qualification
        ) { [intake = server.intake] body, id, envelope throws(CommandError) in
            try await intake.application(id, queueOf: queueOf?(body), envelope: envelope) {
                facts throws(CommandError) in try command(body, id, facts, envelope.actor)
            }
        }
    }
}
