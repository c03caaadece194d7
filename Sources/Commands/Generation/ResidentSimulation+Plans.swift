import Domain
import Foundation
import Ledger
import Synchronization

/// Services with a plan (IPUS, domain.md §4.6): when a resident qualifies, the whole course of the plan is drawn
/// from the resident's seed as dated steps — coordinator assigned, drafted (a few redrafted after a first
/// agreement, L17), agreed, approved mostly within 30 days of filing and otherwise with a reason (L15), for 3–12
/// months (L16); its service item authorised to the engaged provider; reviews, an update, a suspension, a change
/// of coordinator or of the authorised units for some; completed on its last day or terminated early; a summary
/// interview for most (L19). Each month runs the steps and weekly sessions that fall in it, in date order.
extension ResidentSimulation {
    /// One resident's IPUS as the simulation runs it.
    struct PlanCase: Sendable {
        var plan: PlanID
        var coordinator: Int
        /// Steps still to come, in date order.
        var steps: [PlanStep]
        var version: UInt64 = 0
        var items: [PlanItem]
        var goals: [PlanGoal]
        var start: LocalDate
        var end: LocalDate
        var order: ServiceOrder?
        var unitsAuthorised: UInt64 = 0
        /// Days of a suspension: no sessions.
        var pauses: [ClosedRange<LocalDate>]
        /// The plan's last day of service (its end, or the day an early termination takes effect).
        var lastDay: LocalDate

        func delivers(on date: LocalDate) -> Bool {
            guard let order, order.start <= date, date <= order.end, date <= lastDay else { return false }
            return !pauses.contains { $0.contains(date) }
        }
    }

    struct PlanStep: Sendable {
        enum Action: Sendable {
            case assign, draft, agree, approve(lateReason: String?), authorise(reserve: UInt64), raiseUnits
            case review, update(extraMonths: Int), suspend(plannedTo: LocalDate), resume, reassign
            case complete, terminate(PlanEndReason, String), summary
        }

        var date: LocalDate
        var action: Action
    }

    /// Plans of residents qualified for a service that requires one: new plans are drawn, then each plan's steps
    /// and sessions of the month run.
    func planMonth(_ month: Int) async throws(CommandError) {
        let planned = world.residents.filter { resident in
            status(resident.index) == .qualified && world.service(resident)?.requiresPlan == true
        }
        try await inLanes(planned) { resident, random throws(CommandError) in
            var random = SplitMix64(seed: resident.random ^ UInt64(month) ^ 0x1905_0000)
            guard let service = self.world.service(resident) else { return }
            var known = self.planCases.withLock { $0[resident.index] }
            if known == nil { known = try self.newPlanCase(resident, service, month: month) }
            guard var plan = known else { return }
            try await self.runPlanMonth(&plan, resident, service, month: month, random: &random)
            self.planCases.withLock { [plan] in $0[resident.index] = plan }
        }
    }

    private func runPlanMonth(
        _ plan: inout PlanCase, _ resident: GeneratedWorld.Resident, _ service: GenerationCatalogue.Service,
        month: Int, random: inout SplitMix64
    ) async throws(CommandError) {
        let next = world.day(month: month + 1, day: 1)
        var sessions = Array(sessionDays(of: service, month: month).enumerated())
        while true {
            if let step = plan.steps.first, step.date < next, sessions.first.map({ step.date <= $0.element }) ?? true {
                plan.steps.removeFirst()
                try await runPlanStep(step, &plan, resident, service, random: &random)
                continue
            }
            guard let session = sessions.first else { return }
            sessions.removeFirst()
            guard plan.delivers(on: session.element), let order = plan.order else { continue }
            try await deliverSession(
                session.offset, on: session.element, resident, order, service, month: month, plan: plan.plan,
                random: &random)
        }
    }

    /// The plan's course, drawn from the resident's seed when the resident qualifies in `month`.
    private func newPlanCase(
        _ resident: GeneratedWorld.Resident, _ service: GenerationCatalogue.Service, month: Int
    ) throws(CommandError) -> PlanCase? {
        guard let filedAt = try plans.facts.application(resident.application).submission?.filedAt else { return nil }
        var random = SplitMix64(seed: resident.random ^ 0x1905)
        let monthStart = world.day(month: month, day: 1)
        // Decisions fall on the 25th and promotions from the waiting list on the 27th.
        let assigned = world.day(month: month, day: filedAt >= monthStart ? 26 : 28)
        var steps = [PlanStep(date: assigned, action: .assign)]
        var day = assigned.adding(days: Int64.random(in: 0...2, using: &random))
        steps.append(PlanStep(date: day, action: .draft))
        if Int.random(in: 0..<100, using: &random) < 10 {
            steps.append(PlanStep(date: day.adding(days: 1), action: .agree))
            day = day.adding(days: 2)
            steps.append(PlanStep(date: day, action: .draft))
        }
        day = day.adding(days: Int64.random(in: 1...2, using: &random))
        steps.append(PlanStep(date: day, action: .agree))
        let deadline = filedAt.adding(days: 30)
        let approved: LocalDate
        var lateReason: String?
        if day <= deadline, Int.random(in: 0..<100, using: &random) >= 5 {
            approved = day.adding(days: Int64.random(in: 0...day.days(to: deadline), using: &random))
        } else {
            approved = max(day, deadline).adding(days: Int64.random(in: 1...20, using: &random))
            lateReason =
                filedAt < monthStart
                ? GenerationCatalogue.waitlistLateReason
                : GenerationCatalogue.lateReasons.randomElement(using: &random)
        }
        steps.append(PlanStep(date: approved, action: .approve(lateReason: lateReason)))
        let months =
            Int.random(in: 0..<100, using: &random) < 60
            ? Int.random(in: 3...6, using: &random) : Int.random(in: 7...12, using: &random)
        let end = approved.adding(months: months).adding(days: -1)
        let course = drawCourse(
            approved: approved, end: end, months: months, unitsPerMonth: service.unitsPerMonth, random: &random)
        steps += course.steps
        let ordered = steps.enumerated().sorted { ($0.element.date, $0.offset) < ($1.element.date, $1.offset) }
        return PlanCase(
            plan: PlanID(uuid: UUID128.random(using: &random).foundationUUID),
            coordinator: resident.index % world.coordinators.count, steps: ordered.map(\.element),
            items: planItems(resident, service, from: approved, through: end, months: months, random: &random),
            goals: planGoals(service, random: &random), start: approved, end: end, pauses: course.pauses,
            lastDay: course.lastDay)
    }

    /// After approval: the authorisation, the end (completed or, for about 8 %, terminated early), a suspension
    /// (about 5 %), reviews every three months, an update (about 15 %, some extending the plan), a raise of the
    /// authorised units kept in reserve, a change of coordinator, and the summary for most.
    private func drawCourse(
        approved: LocalDate, end: LocalDate, months: Int, unitsPerMonth: UInt64, random: inout SplitMix64
    ) -> (steps: [PlanStep], pauses: [ClosedRange<LocalDate>], lastDay: LocalDate) {
        func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }
        func days(_ range: ClosedRange<Int64>) -> Int64 { Int64.random(in: range, using: &random) }
        let authorised = approved.adding(days: days(1...3))
        var steps: [PlanStep] = []
        var ending: (reason: PlanEndReason, details: String)?
        var lastDay = end
        // Early ends and suspensions mostly come in the first months of a plan.
        if chance(8), authorised.days(to: end) > 40 {
            lastDay = authorised.adding(days: days(20...min(150, authorised.days(to: end) - 10)))
            ending = GenerationCatalogue.endReasons.randomElement(using: &random)
        }
        let span = authorised.days(to: lastDay)
        var pauses: [ClosedRange<LocalDate>] = []
        if chance(5), span > 60 {
            let from = authorised.adding(days: days(15...min(120, span - 45)))
            let planned = days(14...35)
            let resumed = from.adding(days: days(7...planned + 1))
            steps.append(PlanStep(date: from, action: .suspend(plannedTo: from.adding(days: planned))))
            steps.append(PlanStep(date: resumed, action: .resume))
            pauses.append(from...resumed.adding(days: -1))
        }
        /// A date moved past a suspension, so the plan is active on it.
        func active(_ date: LocalDate) -> LocalDate {
            pauses.first { $0.lowerBound.adding(days: -1) <= date && date <= $0.upperBound }
                .map { $0.upperBound.adding(days: 3) } ?? date
        }
        // Some coordinators first order a month's units less than planned and raise the order later.
        var reserve: UInt64 = 0
        let raised = active(authorised.adding(days: days(60...90)))
        if chance(8), raised < lastDay.adding(days: -10) {
            reserve = unitsPerMonth
            steps.append(PlanStep(date: raised, action: .raiseUnits))
        }
        steps.insert(PlanStep(date: authorised, action: .authorise(reserve: reserve)), at: 0)
        var review = approved.adding(months: 3)
        while review < lastDay.adding(days: -7) {
            steps.append(PlanStep(date: active(review), action: .review))
            review = review.adding(months: 3)
        }
        var finalEnd = end
        if chance(15), span > 75 {
            let extra =
                ending == nil && months < 12 && chance(50) ? Int.random(in: 1...min(2, 12 - months), using: &random) : 0
            steps.append(
                PlanStep(
                    date: active(authorised.adding(days: days(30...span - 40))), action: .update(extraMonths: extra)))
            finalEnd = approved.adding(months: months + extra).adding(days: -1)
            if ending == nil { lastDay = finalEnd }
        }
        if chance(5) {
            steps.append(PlanStep(date: approved.adding(days: days(10...max(10, span - 5))), action: .reassign))
        }
        let ended = lastDay.adding(days: ending == nil ? days(0...2) : days(1...3))
        steps.append(PlanStep(date: ended, action: ending.map { .terminate($0.reason, $0.details) } ?? .complete))
        if ending?.reason != .died, chance(92) {
            steps.append(PlanStep(date: ended.adding(days: days(2...20)), action: .summary))
        }
        return (steps, pauses, lastDay)
    }

    /// The service item, planned at the service's monthly units for the whole plan, and for some a supporting
    /// activity (L20).
    private func planItems(
        _ resident: GeneratedWorld.Resident, _ service: GenerationCatalogue.Service, from start: LocalDate,
        through end: LocalDate, months: Int, random: inout SplitMix64
    ) -> [PlanItem] {
        var items = [
            PlanItem(
                itemId: "S1", kind: .service, serviceId: service.id,
                preferredProviderId: world.engagement(forService: service.id)?.provider,
                unitsPlanned: service.unitsPerMonth * UInt64(months), frequency: "raz w tygodniu", start: start,
                end: end)
        ]
        if Int.random(in: 0..<100, using: &random) < 40 {
            items.append(
                PlanItem(
                    itemId: "A1", kind: .supportingActivity,
                    activityName: GenerationCatalogue.supportingActivities.randomElement(using: &random),
                    unitsPlanned: UInt64(months), frequency: "raz w miesiącu", start: start, end: end))
        }
        return items
    }

    private func planGoals(_ service: GenerationCatalogue.Service, random: inout SplitMix64) -> [PlanGoal] {
        let texts = GenerationCatalogue.planGoals[service.id] ?? ["Poprawa funkcjonowania w życiu codziennym."]
        let count = Int.random(in: 1...texts.count, using: &random)
        return texts.prefix(count).enumerated().map { PlanGoal(goalId: "G\($0.offset + 1)", description: $0.element) }
    }
}
