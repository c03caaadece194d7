import Domain
import Foundation

/// `POST /v1/plans/{planId}/draft`: draft or redraft the IPUS (L17); the version and the qualification are
/// derived, the goals are personal.
struct DraftPlanFields: Codable, Sendable {
    var applicationId: ApplicationID
    var personRef: PersonRef
    var householdRef: HouseholdRef?
    var programmeId: ProgrammeID
    var items: [PlanItem]
    var start: LocalDate
    var end: LocalDate
}

typealias DraftPlanRequest = FieldsRequest<DraftPlanFields, PlanDrafted.Personal>

extension FieldsRequest where Clear == DraftPlanFields, Personal == PlanDrafted.Personal {
    func command(_ plan: PlanID, application: ApplicationState) -> DraftPlan {
        DraftPlan(
            planId: plan, applicationId: clear.applicationId, personRef: clear.personRef,
            householdRef: clear.householdRef, programmeId: clear.programmeId, items: clear.items, start: clear.start,
            end: clear.end, goals: personal.goals, application: application)
    }
}

/// `POST /v1/plans/{planId}/update`: a new version of an active plan (L18).
struct UpdatePlanFields: Codable, Sendable {
    var items: [PlanItem]
    var start: LocalDate
    var end: LocalDate
    var changes: String
}

typealias UpdatePlanRequest = FieldsRequest<UpdatePlanFields, PlanUpdated.Personal>

extension FieldsRequest where Clear == UpdatePlanFields, Personal == PlanUpdated.Personal {
    func command(application: ApplicationState) -> UpdatePlan {
        UpdatePlan(
            items: clear.items, start: clear.start, end: clear.end, changes: clear.changes, reason: personal.reason,
            application: application)
    }
}

/// `POST /v1/plans/{planId}/approval`: the caller approves the agreed plan today (L15–L17); `lateReason` is
/// personal and required after the deadline.
typealias ApprovePlanRequest = FieldsRequest<NoExtraFields, PlanApproved.Personal>

/// `beforeEnd` of `POST /v1/plans/{planId}/completion`: completing before the plan's last day must say so.
struct CompletionFields: Codable, Sendable {
    var beforeEnd: Bool?
}
