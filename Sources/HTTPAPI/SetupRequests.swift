import Domain
import Foundation

/// Request bodies of the set-up commands (domain.md §4.2, §4.3, §4.10) that are more than one event's fields:
/// their events carry versions the decider derives (`programmeVersion`, `feeRuleVersion`) or the actor.
/// The others are `EventCommandRequest`s of the event they record.
enum SetupRequests {
    /// `POST /v1/programmes/{programmeId}`: the council's resolution adopting a programme.
    struct AdoptProgramme: Codable, Sendable {
        var title: String
        var resolutionRef: String
        var resolutionDate: LocalDate?
        var journalRef: String
        var effectiveFrom: LocalDate
        var effectiveTo: LocalDate
        var feeRegime: FeeRegime
        var targetGroups: [String]
        var contentHash: String?

        func command(_ programme: ProgrammeID) -> Domain.AdoptProgramme {
            Domain.AdoptProgramme(
                programmeId: programme, title: title,
                resolution: Resolution(
                    resolutionRef: resolutionRef, resolutionDate: resolutionDate, journalRef: journalRef),
                effectiveFrom: effectiveFrom, effectiveTo: effectiveTo, feeRegime: feeRegime,
                targetGroups: targetGroups, contentHash: contentHash)
        }
    }

    /// `POST /v1/programmes/{programmeId}/fee-rules`: a fee rule, or its next version.
    struct DefineFeeRule: Codable, Sendable {
        var feeRuleId: String
        var serviceIds: [String]
        var rate: Int64
        var incomeTiers: [IncomeTier]
        var exemptionRules: [ExemptionRule]
        var effectiveFrom: LocalDate
        var effectiveTo: LocalDate?

        func command(_ programme: ProgrammeID) -> Domain.DefineFeeRule {
            Domain.DefineFeeRule(
                programmeId: programme, feeRuleId: feeRuleId, serviceIds: serviceIds, rate: rate,
                incomeTiers: incomeTiers, exemptionRules: exemptionRules, effectiveFrom: effectiveFrom,
                effectiveTo: effectiveTo)
        }
    }

    /// `POST /v1/programmes/{programmeId}/amendments`: an amending resolution, a new programme version.
    struct AmendProgramme: Codable, Sendable {
        var resolutionRef: String
        var resolutionDate: LocalDate?
        var journalRef: String
        var effectiveFrom: LocalDate
        var effectiveTo: LocalDate
        var changes: String
        var reason: String

        func command(_ programme: ProgrammeID, centre: CentreFacts) -> Domain.AmendProgramme {
            Domain.AmendProgramme(
                programmeId: programme,
                resolution: Resolution(
                    resolutionRef: resolutionRef, resolutionDate: resolutionDate, journalRef: journalRef),
                effectiveFrom: effectiveFrom, effectiveTo: effectiveTo, changes: changes, reason: reason,
                centre: centre)
        }
    }

    /// `POST /v1/staff/{staffId}/qualifications`: the evidence (🔒) sits beside the clear fields.
    struct QualifyStaff: Codable, Sendable {
        var role: StaffRole
        var validFrom: LocalDate

        func command(_ staff: StaffID, evidence: StaffQualified.Personal) -> Domain.QualifyStaff {
            Domain.QualifyStaff(staffId: staff, role: role, validFrom: validFrom, evidence: evidence)
        }
    }

    /// `POST /v1/staff/{staffId}/delegations`: the delegating director is the token's staff member.
    struct DelegateAuthority: Codable, Sendable {
        var delegationId: DelegationID
        var scope: DelegationScope
        var validFrom: LocalDate
        var validTo: LocalDate?
        var documentRef: String?

        func command(_ staff: StaffID) -> Domain.DelegateAuthority {
            Domain.DelegateAuthority(
                staffId: staff, delegationId: delegationId, scope: scope, validFrom: validFrom, validTo: validTo,
                documentRef: documentRef)
        }
    }

    /// `POST /v1/rule-sets/publications`: publish a rule set of the server's rule book (domain.md §3.1).
    struct PublishRuleSet: Codable, Sendable {
        var ruleSetVersion: RuleSetVersion
    }
}
