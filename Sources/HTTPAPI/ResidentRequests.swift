import Commands
import Domain
import Foundation

/// Request bodies of the resident commands (domain.md §4.4–4.5, ledger.md §4.3) that are more than one event's
/// fields: their events carry what the decider derives (`evidenced`, a queue position, the signer). The others
/// are `EventCommandRequest`s of the event they record.
enum ResidentRequests {
    /// `POST /v1/persons/{personRef}/target-group-attributes`; the attribute and its evidence (🔒) sit beside.
    struct TargetGroupAttribute: Codable, Sendable {
        var validFrom: LocalDate
        var validTo: LocalDate?
        var usedForEligibility: Bool

        func command(_ person: PersonRef, details: TargetGroupAttributeRecorded.Personal)
            -> RecordTargetGroupAttribute
        {
            RecordTargetGroupAttribute(
                personRef: person, validFrom: validFrom, validTo: validTo, usedForEligibility: usedForEligibility,
                details: details)
        }
    }

    /// `POST /v1/applications/{applicationId}/qualifications`: qualify in filing order (L10); the target groups
    /// matched (🔒 `groupMatched`) sit beside.
    struct Grant: Codable, Sendable {
        var qualificationId: QualificationID
        var programmeId: ProgrammeID
        var serviceIds: [String]
        var validFrom: LocalDate
        var validTo: LocalDate?

        func command(groupMatched: [Domain.TargetGroupAttribute], facts: DomainFacts) throws(CommandError)
            -> GrantQualification
        {
            GrantQualification(
                qualificationId: qualificationId, programmeId: programmeId, serviceIds: serviceIds,
                validFrom: validFrom, validTo: validTo, groupMatched: groupMatched,
                programme: try facts.programmeFacts(programmeId), queue: try facts.queue(programmeId))
        }
    }

    /// `POST /v1/applications/{applicationId}/waitlist-promotions`: qualify a waitlisted applicant for the
    /// services it waited for; `groupMatched` (🔒) sits beside.
    struct Promotion: Codable, Sendable {
        var qualificationId: QualificationID
        var programmeId: ProgrammeID
        var validFrom: LocalDate
        var validTo: LocalDate?

        func command(groupMatched: [Domain.TargetGroupAttribute], facts: DomainFacts) throws(CommandError)
            -> PromoteFromWaitlist
        {
            PromoteFromWaitlist(
                qualificationId: qualificationId, programmeId: programmeId, validFrom: validFrom, validTo: validTo,
                groupMatched: groupMatched, programme: try facts.programmeFacts(programmeId),
                queue: try facts.queue(programmeId))
        }
    }

    /// `POST /v1/applications/{applicationId}/waitlisting`.
    struct Waitlist: Codable, Sendable {
        var programmeId: ProgrammeID
        var serviceIds: [String]

        func command(facts: DomainFacts) throws(CommandError) -> WaitlistApplicant {
            WaitlistApplicant(
                programmeId: programmeId, serviceIds: serviceIds, programme: try facts.programmeFacts(programmeId),
                queue: try facts.queue(programmeId))
        }
    }

    /// `POST /v1/applications/{applicationId}/refusals`: the administrative decision; its reasons (🔒) sit
    /// beside, the signer is the token's staff member.
    struct Refusal: Codable, Sendable {
        var programmeId: ProgrammeID
        var decisionRef: String
        var decisionDate: LocalDate
        var legalBasis: String
        var appealInstruction: String

        func command(reasons: String, signer: StaffState) -> RefuseQualification {
            RefuseQualification(
                programmeId: programmeId, decisionRef: decisionRef, decisionDate: decisionDate, legalBasis: legalBasis,
                appealInstruction: appealInstruction, reasons: reasons, signer: signer)
        }
    }

    /// `POST /v1/applications/{applicationId}/appeal-resolutions`: the appeal body's decision on refusal
    /// `decisionRef`.
    struct AppealResolution: Codable, Sendable {
        var decisionRef: String
        var appealBody: String
        var outcome: AppealOutcome
        var appealDecisionRef: String
        var resolvedOn: LocalDate

        var command: ResolveAppeal {
            ResolveAppeal(
                decisionRef: decisionRef, appealBody: appealBody, outcome: outcome,
                appealDecisionRef: appealDecisionRef, resolvedOn: resolvedOn)
        }
    }

    /// `POST /v1/persons/{personRef}/erasure` (ledger.md §4.3).
    struct Erasure: Codable, Sendable {
        var reason: ErasureReason
        var legalBasisRef: String
        var requestId: RequestID
    }
}
