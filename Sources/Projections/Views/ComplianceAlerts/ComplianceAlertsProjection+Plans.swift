import Domain
import Foundation

/// The plan's events: the facts the clocks read, and the plan alerts raised or resolved as they apply.
extension ComplianceAlertsProjection {
    func applyPlan(_ event: ProjectedEvent, _ alerts: AlertBook, _ rows: RowBatch) throws(ProjectionError) {
        let plans = try rows.table("plans", of: AlertPlan.self)
        switch event.event {
        case .coordinatorAssigned(let assigned):
            try update(assigned.planId, plans) { plan throws(ProjectionError) in
                try link(&plan, to: assigned.applicationId, rows)
            }
        case .planDrafted(let drafted):
            try update(drafted.planId, plans) { plan throws(ProjectionError) in
                plan.programmeId = drafted.programmeId
                plan.end = drafted.end
                try link(&plan, to: drafted.applicationId, rows)
            }
        case .planApproved(let approved):
            try update(approved.planId, plans) { plan throws(ProjectionError) in
                plan.approval = Milestone(date: approved.approvedOn, eventId: event.eventUUID)
                plan.applicationFiledAt = approved.applicationFiledAt
                plan.end = approved.end
                try alerts.raise(
                    ComplianceAlert.planLate(PlanDecider.evolve(PlanState(), event.event)),
                    adding: ["lateReasonRecorded": String(event.hasSealedPart)])
                try checkDuration(&plan, start: approved.start, end: approved.end, alerts)
                try openPlans(of: plan.programmeId, rows) { $0.append(approved.planId) }
            }
        case .planUpdated(let updated):
            try update(updated.planId, plans) { plan throws(ProjectionError) in
                plan.end = updated.end
                guard plan.isOpen else { return }
                try checkDuration(&plan, start: updated.start, end: updated.end, alerts)
                if let programme = plan.programmeId, let endDate = plan.programmeEndDate,
                    ComplianceAlert.openPlanOfEndedProgramme(
                        programme, endDate: endDate, plan: updated.planId, planEnd: updated.end) == nil
                {
                    try end(programmeAlertOf: &plan, alerts)
                }
            }
        case .planCompleted(let completed):
            try ended(completed.planId, on: completed.endDate, plans, alerts, rows)
        case .planTerminatedEarly(let terminated):
            try ended(terminated.planId, on: terminated.endDate, plans, alerts, rows)
        case .planSummaryRecorded(let summary):
            try update(summary.planId, plans) { plan in
                if plan.summary == nil { plan.summary = Milestone(date: summary.recordedOn, eventId: event.eventUUID) }
            }
        default:
            return
        }
    }

    /// The plan ended on `endDate`: the clocks stop, and it no longer keeps an ended programme open.
    private func ended(
        _ planId: PlanID, on endDate: LocalDate, _ plans: RowTable<AlertPlan>, _ alerts: AlertBook, _ rows: RowBatch
    ) throws(ProjectionError) {
        try update(planId, plans) { plan throws(ProjectionError) in
            guard plan.ended == nil else { return }
            plan.ended = Milestone(date: endDate, eventId: alerts.eventUUID)
            try end(programmeAlertOf: &plan, alerts)
            try openPlans(of: plan.programmeId, rows) { $0.removeAll { $0 == planId } }
        }
    }

    /// L16 at approval or update, under the event's rule set: raise when out of range, resolve when back in.
    private func checkDuration(_ plan: inout AlertPlan, start: LocalDate, end: LocalDate, _ alerts: AlertBook)
        throws(ProjectionError)
    {
        guard let rules = try alerts.rules() else { return }
        let alert = ComplianceAlert.durationOutOfRange(
            plan: plan.planId, start: start, end: end, allowed: rules.monthsAllowed)
        if alert == nil {
            try alerts.resolve(plan.durationAlert)
            plan.durationAlert = nil
        } else if plan.durationAlert == nil {
            plan.durationAlert = try alerts.raise(alert)
        }
    }

    private func end(programmeAlertOf plan: inout AlertPlan, _ alerts: AlertBook) throws(ProjectionError) {
        try alerts.resolve(plan.programmeAlert)
        plan.programmeAlert = nil
    }

    /// Changes the list of a programme's approved, unended plans (what `ProgrammeEnded` checks).
    private func openPlans(of programme: ProgrammeID?, _ rows: RowBatch, _ body: (inout [PlanID]) -> Void)
        throws(ProjectionError)
    {
        guard let programme else { return }
        try rows.table("programmes", of: IdentifierList<PlanID>.self).update(
            .uuid(programme.uuid), orInsert: { IdentifierList() }
        ) { list in body(&list.ids) }
    }

    private func update(
        _ planId: PlanID, _ plans: RowTable<AlertPlan>, _ body: (inout AlertPlan) throws(ProjectionError) -> Void
    ) throws(ProjectionError) {
        try plans.update(.uuid(planId.uuid), orInsert: { AlertPlan(planId: planId) }, body)
    }

    /// The plan's application and, when known, its filing date (the 30-day clock's start).
    private func link(_ plan: inout AlertPlan, to application: ApplicationID, _ rows: RowBatch)
        throws(ProjectionError)
    {
        plan.applicationId = application
        if plan.applicationFiledAt == nil {
            plan.applicationFiledAt = try rows.table("applications", of: AlertApplication.self).get(
                .uuid(application.uuid))?.filedAt
        }
    }
}
