public import Domain

/// How CoordinatorCaseload reads: one row per coordinator, counted from the stored plans and applications for
/// `today`. A draft is overdue once the 30-day clock of the rule set in force at filing has run out (L15).
public enum CoordinatorCaseloadView {
    public static let columns = [
        "coordinatorId", "fte", "activePlans", "suspendedPlans", "draftsOverdue", "reviewsDue", "plansEndingIn30d",
        "pendingApplications", "summariesMissing",
    ]

    struct Counts {
        var activePlans: Int64 = 0
        var suspendedPlans: Int64 = 0
        var draftsOverdue: Int64 = 0
        var plansEndingIn30d: Int64 = 0
        var pendingApplications: Int64 = 0
        var summariesMissing: Int64 = 0
    }

    public static func rows(_ reader: RowReader, coordinator: StaffID?, context: ViewContext)
        throws(ProjectionError) -> [ViewRow]
    {
        var counts: [StaffID: Counts] = [:]
        for (_, plan) in try reader.rows("plans", as: CaseloadPlan.self)
        where coordinator == nil || plan.coordinatorId == coordinator {
            var count = counts[plan.coordinatorId] ?? Counts()
            switch plan.stage {
            case .drafting:
                if let filedAt = plan.filedAt, let deadline = deadlineDays(filedAt, context),
                    filedAt.days(to: context.today) > Int64(deadline)
                {
                    count.draftsOverdue += 1
                }
            case .active, .suspended:
                // A suspended day is not active (domain.md §6.1); the plan is still the coordinator's, and ends.
                if plan.stage == .active { count.activePlans += 1 } else { count.suspendedPlans += 1 }
                if let end = plan.end, (0...30).contains(context.today.days(to: end)) { count.plansEndingIn30d += 1 }
            case .ended:
                count.summariesMissing += 1
            case .closed, .withdrawn:
                break
            }
            counts[plan.coordinatorId] = count
        }
        for (_, application) in try reader.rows("applications", as: CaseloadApplication.self) {
            guard let assessor = application.assessorId, !application.decided,
                coordinator == nil || assessor == coordinator
            else { continue }
            counts[assessor, default: Counts()].pendingApplications += 1
        }
        return counts.keys.sorted().map { id in
            let count = counts[id] ?? Counts()
            return ViewRow([
                // FTE and review dates need inputs this release does not have yet (staff FTE, a review interval
                // in the rule set): null rather than invented.
                ("coordinatorId", .id(id)), ("fte", .null), ("activePlans", .int(count.activePlans)),
                ("suspendedPlans", .int(count.suspendedPlans)),
                ("draftsOverdue", .int(count.draftsOverdue)), ("reviewsDue", .null),
                ("plansEndingIn30d", .int(count.plansEndingIn30d)),
                ("pendingApplications", .int(count.pendingApplications)),
                ("summariesMissing", .int(count.summariesMissing)),
            ])
        }
    }

    static func deadlineDays(_ filedAt: LocalDate, _ context: ViewContext) -> Int? {
        try? context.ruleBook.ruleSet(inForceOn: filedAt).parameters.plan.deadlineDays
    }
}
